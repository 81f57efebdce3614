package cn.healthcard.hub.server.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.validation.JpaValidationSupportChain;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import cn.healthcard.hub.terminology.Terminology;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** The terminology service: the packaged content, loaded into the repository before requests. */
@Configuration(proxyBeanMethods = false)
public class TerminologyConfig {

  @Bean
  public Terminology terminology() {
    return Terminology.standard();
  }

  @Bean
  public SmartInitializingSingleton terminologyInterceptors(
      IInterceptorService interceptors,
      Terminology terminology,
      JpaValidationSupportChain validationChain,
      FhirContext fhirContext) {
    return () -> {
      interceptors.registerInterceptor(new SubsumesFromTerminology(terminology));
      validationChain.addValidationSupport(0, new InMemoryLookup(fhirContext, terminology));
    };
  }

  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE - 10)
  public ApplicationListener<ContextRefreshedEvent> terminologyContentLoader(
      DaoRegistry daoRegistry, Terminology terminology) {
    return event -> new TerminologyLoader(daoRegistry).load(terminology);
  }
}
