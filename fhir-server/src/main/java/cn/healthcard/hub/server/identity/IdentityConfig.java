package cn.healthcard.hub.server.identity;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.svc.IIdHelperService;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/** Patients keyed by health-card number: rules, search normalisation, uniqueness, privacy. */
@Configuration(proxyBeanMethods = false)
public class IdentityConfig {

  /**
   * Registered on HAPI's JPA interceptor service, which the REST server shares: storage hooks
   * fire for every write path, server hooks for every request. Registered before the web server
   * starts, so no request ever runs without them.
   */
  @Bean
  public SmartInitializingSingleton identityInterceptors(
      IInterceptorService interceptors,
      DaoRegistry daoRegistry,
      IIdHelperService<JpaPid> idHelper,
      IHapiTransactionService transactions) {
    return () -> {
      interceptors.registerInterceptor(new PatientIdentityInterceptor());
      interceptors.registerInterceptor(new IdentityNumberSearchNormalizer());
      interceptors.registerInterceptor(new PatientEverythingByIdentifier(daoRegistry, idHelper, transactions));
      interceptors.registerInterceptor(new ConcurrentWriteRetry());
      interceptors.registerInterceptor(new ErrorPrivacyInterceptor());
    };
  }

  /**
   * Installing a search parameter may start a HAPI reindex job, whose definition HAPI registers
   * when the context is refreshed; so this runs last on that event.
   */
  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  public ApplicationListener<ContextRefreshedEvent> healthCardSearchParameterInstaller(
      DaoRegistry daoRegistry, ISearchParamRegistry registry) {
    return event -> HealthCardSearchParameters.install(daoRegistry, registry);
  }
}
