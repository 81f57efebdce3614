package cn.healthcard.hub.server.immunization;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.rest.server.RestfulServer;
import cn.healthcard.hub.terminology.nip.NipCoverage;
import cn.healthcard.hub.terminology.nip.NipForecaster;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Public health: immunization records in, and what agencies ask of them. */
@Configuration(proxyBeanMethods = false)
public class ImmunizationConfig {

  @Bean
  public ImmunizationProjection immunizationProjection(
      IInterceptorService interceptors, javax.sql.DataSource dataSource,
      cn.healthcard.hub.server.repository.HubSchema schema) {
    ImmunizationProjection projection = new ImmunizationProjection(dataSource);
    interceptors.registerInterceptor(projection);
    return projection;
  }

  @Bean
  public ImmunizationProjectionRebuild immunizationProjectionRebuild(
      ca.uhn.fhir.jpa.api.dao.DaoRegistry daos, ImmunizationProjection projection, javax.sql.DataSource dataSource) {
    return new ImmunizationProjectionRebuild(daos, projection, dataSource);
  }

  /** A repository that has never had its projection built gets it once the hub is ready. */
  @Bean
  public org.springframework.context.ApplicationListener<org.springframework.boot.context.event.ApplicationReadyEvent>
      immunizationProjectionFirstBuild(ImmunizationProjectionRebuild rebuild) {
    return event -> {
      if (!rebuild.built()) {
        rebuild.start();
      }
    };
  }

  @Bean
  public ImmunizationCoverage immunizationCoverage(javax.sql.DataSource dataSource, NipForecaster forecaster) {
    return new ImmunizationCoverage(dataSource, new NipCoverage(forecaster));
  }

  @Bean
  public NipForecaster nipForecaster() {
    return new NipForecaster();
  }

  @Bean
  public SmartInitializingSingleton immunizationOperations(
      RestfulServer server, ca.uhn.fhir.jpa.api.dao.DaoRegistry daos, NipForecaster forecaster,
      ImmunizationCoverage coverage) {
    return () -> server.registerProvider(new ImmunizationOperations(daos, forecaster, coverage));
  }

  /** FHIR Bulk Data {@code $export} (system, Patient and Group level), NDJSON, async. */
  @Bean
  public SmartInitializingSingleton bulkExport(
      RestfulServer server, BulkDataExportProvider provider, IInterceptorService interceptors) {
    return () -> {
      interceptors.registerInterceptor(new ImmunizationExportScope());
      server.registerProvider(provider);
    };
  }
}
