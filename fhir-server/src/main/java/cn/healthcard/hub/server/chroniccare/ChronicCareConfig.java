package cn.healthcard.hub.server.chroniccare;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Hypertension and type 2 diabetes management: enrolment and the follow-up worklist. */
@Configuration(proxyBeanMethods = false)
public class ChronicCareConfig {

  @Bean
  public SmartInitializingSingleton chronicCareOperations(
      RestfulServer server, DaoRegistry daos, PlatformTransactionManager transactions) {
    return () -> server.registerProvider(new ChronicCareOperations(daos, new TransactionTemplate(transactions)));
  }

  @Bean
  @org.springframework.core.annotation.Order(org.springframework.core.Ordered.LOWEST_PRECEDENCE)
  public org.springframework.context.ApplicationListener<org.springframework.context.event.ContextRefreshedEvent>
      carePlanAuthorSearch(DaoRegistry daos, ca.uhn.fhir.rest.server.util.ISearchParamRegistry registry) {
    return event -> CarePlanAuthorSearch.install(daos, registry);
  }
}
