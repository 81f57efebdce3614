package cn.healthcard.hub.server.residence;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** Search by where patients live (the {@code division} parameter). */
@Configuration(proxyBeanMethods = false)
public class ResidenceConfig {

  @Bean
  public SmartInitializingSingleton residenceInterceptors(IInterceptorService interceptors) {
    return () -> interceptors.registerInterceptor(new ResidenceDivisionSearch());
  }

  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  public ApplicationListener<ContextRefreshedEvent> residenceDivisionInstaller(
      DaoRegistry daos, ISearchParamRegistry registry) {
    return event -> ResidenceDivisionSearch.install(daos, registry);
  }
}
