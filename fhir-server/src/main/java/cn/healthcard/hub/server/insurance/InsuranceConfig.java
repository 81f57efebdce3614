package cn.healthcard.hub.server.insurance;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.insurance.Insurance;
import cn.healthcard.hub.insurance.InsuranceRepository;
import cn.healthcard.hub.insurance.enrolment.Enrolments;
import cn.healthcard.hub.insurance.fhir.InsuranceCallers;
import cn.healthcard.hub.insurance.fhir.InsuranceOperations;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import cn.healthcard.hub.insurance.scheme.Provider;
import cn.healthcard.hub.insurance.scheme.Scheme;
import cn.healthcard.hub.server.HubProperties;
import cn.healthcard.hub.server.repository.HubSchema;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.fhir.RequestCallers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * NCMS / basic medical insurance in the application: the ledger on the hub's database, the FHIR
 * operations, and (by default) the sample scheme of Faku County for the current year with this
 * development hub's own institution ({@code local}) as a designated county hospital.
 */
@Configuration(proxyBeanMethods = false)
public class InsuranceConfig {

  private static final Logger log = LoggerFactory.getLogger(InsuranceConfig.class);
  static final String SAMPLE = "/cn/healthcard/hub/insurance/sample-scheme.json";

  @Bean
  public InsuranceRepository insuranceRepository(DaoRegistry daos, CardRegistry cards) {
    return new FhirInsuranceRepository(daos, cards);
  }

  @Bean
  public Insurance insurance(DataSource dataSource, PlatformTransactionManager transactions,
      InsuranceRepository repository, HubSchema schema) {
    return new Insurance(JdbcClient.create(dataSource), new TransactionTemplate(transactions), Clock.systemUTC(),
        repository);
  }

  @Bean
  public SmartInitializingSingleton insuranceOperations(RestfulServer server, Insurance insurance,
      InsuranceRepository repository, HubProperties hub) {
    InsuranceCallers callers = hub.security().enabled() ? new TokenInsuranceCallers() : InsuranceCallers.UNSECURED;
    return () -> server.registerProvider(new InsuranceOperations(insurance, repository, callers, Clock.systemUTC()));
  }

  @Bean
  @org.springframework.core.annotation.Order(org.springframework.core.Ordered.LOWEST_PRECEDENCE)
  public org.springframework.context.ApplicationListener<org.springframework.context.event.ContextRefreshedEvent>
      insuranceSearches(DaoRegistry daos, ca.uhn.fhir.rest.server.util.ISearchParamRegistry registry) {
    return event -> InsuranceSearches.install(daos, registry);
  }

  /** The nightly fund-supervision pass (and premium lapses), at {@code hub.insurance.supervision.at} China time. */
  @Bean(initMethod = "start", destroyMethod = "close")
  public cn.healthcard.hub.insurance.NightlySupervision nightlySupervision(Insurance insurance, DataSource dataSource,
      @Value("${hub.insurance.supervision.at:02:30}") java.time.LocalTime at) {
    String instance = java.lang.management.ManagementFactory.getRuntimeMXBean().getName();
    return new cn.healthcard.hub.insurance.NightlySupervision(insurance, JdbcClient.create(dataSource), Clock.systemUTC(),
        at, instance);
  }

  /** The sample scheme for the current year, loaded once unless {@code hub.insurance.sample-scheme=false}. */
  @Bean
  public SmartInitializingSingleton insuranceSampleScheme(Insurance insurance,
      @Value("${hub.insurance.sample-scheme:true}") boolean sample, HubProperties hub) {
    return () -> {
      if (!sample) {
        return;
      }
      int year = LocalDate.now(Clock.systemUTC().withZone(Enrolments.CHINA)).getYear();
      String json = sampleDocument(year);
      Scheme probe = cn.healthcard.hub.insurance.scheme.SchemeDocument.read(json, 1);
      if (insurance.schemes().current(probe.county(), year).isEmpty()) {
        try {
          insurance.loadScheme(json, "hub (sample scheme)");
          log.info("Insurance: sample scheme {} {} loaded (hub.insurance.sample-scheme=false to leave it out)",
              probe.county(), year);
        } catch (org.springframework.dao.DuplicateKeyException e) {
          // another instance loaded it at the same moment
        }
      }
      if (!hub.security().enabled() && insurance.providers().find("local").isEmpty()) {
        insurance.putProvider(new Provider("local", "本地开发医院（示例）", HospitalLevel.COUNTY, probe.county(), true));
      }
    };
  }

  /** The sample document, its year and enrolment window moved to {@code year}. */
  static String sampleDocument(int year) {
    try (InputStream in = InsuranceConfig.class.getResourceAsStream(SAMPLE)) {
      String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return json.replace("\"year\": 2026", "\"year\": " + year).replace("2026-", year + "-")
          .replace("2026年度", year + "年度");
    } catch (IOException e) {
      throw new IllegalStateException("the sample scheme is missing from the jar", e);
    }
  }

  /** The insurance operations' callers from the request's token. */
  static final class TokenInsuranceCallers implements InsuranceCallers {
    @Override
    public Optional<String> institution(ca.uhn.fhir.rest.api.server.RequestDetails request) {
      return RequestCallers.of(request).filter(c -> c.has(Role.HOSPITAL)).map(Caller::institution);
    }

    @Override
    public String actor(ca.uhn.fhir.rest.api.server.RequestDetails request) {
      return RequestCallers.actor(request);
    }

    @Override
    public Optional<String> division(ca.uhn.fhir.rest.api.server.RequestDetails request) {
      return RequestCallers.of(request).filter(c -> c.has(Role.INSURER) && !c.has(Role.OPERATOR))
          .map(Caller::division);
    }
  }
}
