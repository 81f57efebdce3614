package cn.healthcard.hub.server.cards;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import cn.healthcard.hub.cards.fhir.CardCallers;
import cn.healthcard.hub.cards.fhir.CardOperations;
import cn.healthcard.hub.server.security.TokenCardCallers;
import cn.healthcard.hub.cards.fhir.CardPlatformOperations;
import cn.healthcard.hub.cards.ca.HealthCa;
import cn.healthcard.hub.cards.hsm.Hsm;
import cn.healthcard.hub.cards.institution.Institution;
import cn.healthcard.hub.cards.keyinjection.KeyInjectionFrontEnd;
import cn.healthcard.hub.cards.production.CertificateRevocation;
import cn.healthcard.hub.cards.production.RegistryInjectionAuthority;
import cn.healthcard.hub.cards.hsm.JdbcHsmKeyStore;
import cn.healthcard.hub.cards.hsm.SoftwareHsm;
import cn.healthcard.hub.cards.institution.Institutions;
import cn.healthcard.hub.cards.issuance.CardIssuance;
import cn.healthcard.hub.cards.production.ProductionBatches;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.RegistryListener;
import cn.healthcard.hub.cards.review.BatchReviews;
import cn.healthcard.hub.cards.signing.JdbcNonceLog;
import cn.healthcard.hub.cards.signing.RequestVerifier;
import cn.healthcard.hub.cards.statistics.CardStatistics;
import cn.healthcard.hub.cards.verification.CardVerification;
import cn.healthcard.hub.server.HubProperties;
import cn.healthcard.hub.server.repository.HubSchema;
import cn.healthcard.hub.terminology.division.Divisions;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The card-management platform: registry, channels, review, production, verification, HSM. */
@Configuration(proxyBeanMethods = false)
public class CardsConfig {
  private static final Logger log = LoggerFactory.getLogger(CardsConfig.class);

  @Bean
  public CardRegistry cardRegistry(DataSource dataSource, HubSchema schema) {
    return new CardRegistry(dataSource);
  }

  @Bean
  public Institutions cardInstitutions(DataSource dataSource, HubSchema schema) {
    return new Institutions(dataSource);
  }

  @Bean
  public Hsm hsm(DataSource dataSource, HubSchema schema, HubProperties hub) {
    if ("change-me-dev-only".equals(hub.cards().hsmPassphrase())) {
      log.warn("The software HSM runs on the development passphrase: set hub.cards.hsm-passphrase");
    }
    return new SoftwareHsm(new JdbcHsmKeyStore(dataSource), hub.cards().hsmPassphrase().toCharArray());
  }

  @Bean
  public FhirCardHolders cardHolders(
      DaoRegistry daos, CardRegistry registry, PlatformTransactionManager transactionManager,
      EntityManager entityManager) {
    FhirCardHolders holders =
        new FhirCardHolders(daos, registry, new TransactionTemplate(transactionManager), entityManager);
    registry.addListener(
        new RegistryListener() {
          @Override
          public void afterCommit(Card before, Card after, CardEvent event, String reason) {
            holders.project(after);
          }
        });
    return holders;
  }

  /** Registered before the web server starts, like the identity interceptors: no write runs without it. */
  @Bean
  public SmartInitializingSingleton cardShownOnPatient(
      IInterceptorService interceptors, CardRegistry registry, EntityManager entityManager) {
    return () -> interceptors.registerInterceptor(new CardShownOnPatient(registry, entityManager));
  }

  @Bean
  public JdbcNonceLog cardNonceLog(DataSource dataSource, HubSchema schema) {
    return new JdbcNonceLog(dataSource);
  }

  @Bean
  public RequestVerifier cardRequestVerifier(
      Institutions institutions, JdbcNonceLog nonces, HubProperties hub) {
    return new RequestVerifier(
        institutions::publicKey, nonces, hub.cards().signatureSkew(), Clock.systemUTC());
  }

  /** Forgets spent nonces once no signature could still use them (twice the allowed skew). */
  @Bean
  public NoncePurge cardNoncePurge(JdbcNonceLog nonces, HubProperties hub) {
    return new NoncePurge(nonces, hub.cards().signatureSkew().multipliedBy(2), NoncePurge.INTERVAL);
  }

  @Bean
  public BatchReviews batchReviews(CardRegistry registry, FhirCardHolders holders) {
    BatchReviews reviews = new BatchReviews(registry, holders);
    // a cancelled card's application is withdrawn with it
    registry.addListener(reviews);
    return reviews;
  }

  @Bean
  public CardIssuance cardIssuance(
      CardRegistry registry, Institutions institutions, FhirCardHolders holders, BatchReviews reviews) {
    return new CardIssuance(registry, institutions, holders, reviews, Divisions.standard(), Clock.systemUTC());
  }

  @Bean
  public CardVerification cardVerification(DataSource dataSource, Hsm hsm) {
    return new CardVerification(dataSource, hsm::verifyCardMac);
  }

  @Bean
  public ProductionBatches productionBatches(CardRegistry registry, FhirCardHolders holders) {
    return new ProductionBatches(registry, holders);
  }

  @Bean
  public HealthCa healthCa(DataSource dataSource, Hsm hsm, CardRegistry registry) {
    HealthCa ca = new HealthCa(dataSource, hsm);
    registry.addListener(new CertificateRevocation(ca));
    return ca;
  }

  @Bean
  public cn.healthcard.hub.cards.ca.ClientCertificates clientCertificates(HealthCa ca) {
    return new cn.healthcard.hub.cards.ca.ClientCertificates(ca);
  }

  @Bean
  public KeyInjectionFrontEnd keyInjectionFrontEnd(
      DataSource dataSource,
      Hsm hsm,
      HealthCa ca,
      Institutions institutions,
      CardRegistry registry,
      FhirCardHolders holders) {
    // producers are the card factories, and the banks and kiosks personalizing on the spot
    return new KeyInjectionFrontEnd(
        dataSource,
        hsm,
        ca,
        institutions::publicKey,
        new RegistryInjectionAuthority(
            registry, holders, id -> institutions.find(id).filter(Institution::enabled).map(Institution::kind)),
        KeyInjectionFrontEnd.Settings.defaults(),
        Clock.systemUTC());
  }

  @Bean
  public CardStatistics cardStatistics(DataSource dataSource) {
    return new CardStatistics(dataSource);
  }

  @Bean
  public SmartInitializingSingleton cardOperationProviders(
      RestfulServer server,
      CardRegistry registry,
      CardIssuance issuance,
      BatchReviews reviews,
      CardVerification verification,
      FhirCardHolders holders,
      RequestVerifier signatures,
      CardStatistics statistics,
      ProductionBatches batches,
      HubProperties hub) {
    CardCallers callers = hub.security().enabled() ? new TokenCardCallers() : CardCallers.UNSECURED;
    return () -> {
      server.registerProvider(
          new CardOperations(registry, issuance, reviews, verification, holders, signatures, callers));
      server.registerProvider(new CardPlatformOperations(statistics, batches, callers));
    };
  }
}
