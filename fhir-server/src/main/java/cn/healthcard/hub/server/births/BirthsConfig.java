package cn.healthcard.hub.server.births;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import cn.healthcard.hub.cards.issuance.CardIssuance;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.server.cards.FhirCardHolders;
import cn.healthcard.hub.server.repository.HubSchema;
import javax.sql.DataSource;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Births: the birth-report intake, the child-card applications, household registration. */
@Configuration(proxyBeanMethods = false)
public class BirthsConfig {

  @Bean
  public BirthRegistrations birthRegistrations(DataSource dataSource, HubSchema schema) {
    return new BirthRegistrations(dataSource);
  }

  @Bean
  public BirthReportIntake birthReportIntake(IInterceptorService interceptors, BirthRegistrations registrations) {
    BirthReportIntake intake = new BirthReportIntake(registrations);
    interceptors.registerInterceptor(intake);
    return intake;
  }

  @Bean
  public ChildCardApplications childCardApplications(
      BirthRegistrations registrations, CardIssuance issuance, DaoRegistry daos) {
    return new ChildCardApplications(registrations, issuance, daos);
  }

  @Bean
  public HouseholdRegistration householdRegistration(
      DaoRegistry daos, FhirCardHolders holders, CardRegistry registry) {
    return new HouseholdRegistration(daos, holders, registry);
  }
}
