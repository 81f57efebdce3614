package cn.healthcard.hub.server.his;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IReplaceReferencesSvc;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import cn.healthcard.hub.mappings.hl7v2.Hl7v2Inbound;
import cn.healthcard.hub.routes.his.HisMetrics;
import cn.healthcard.hub.routes.his.HisProcessor;
import cn.healthcard.hub.routes.his.HisRoutes;
import cn.healthcard.hub.routes.his.Hl7v2Intake;
import cn.healthcard.hub.routes.his.SenderCharsets;
import cn.healthcard.hub.server.HubProperties;
import cn.healthcard.hub.terminology.Terminology;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Hospitals pushing HL7 v2: the inbox, the repository port and the Camel routes. */
@Configuration(proxyBeanMethods = false)
public class HisConfig {

  @Bean
  public JdbcHisInbox hisInbox(DataSource dataSource) {
    return new JdbcHisInbox(dataSource);
  }

  @Bean
  public Hl7v2Inbound hl7v2Inbound(Terminology terminology) {
    return new Hl7v2Inbound(terminology);
  }

  @Bean
  public HisMetrics hisMetrics(MeterRegistry registry) {
    return new HisMetrics(registry);
  }

  @Bean
  public Hl7v2Intake hl7v2Intake(
      Hl7v2Inbound inbound, JdbcHisInbox inbox, HisMetrics metrics, HubProperties hub,
      DaoRegistry daos, MatchUrlService matchUrls, cn.healthcard.hub.terminology.nip.NipForecaster forecaster,
      cn.healthcard.hub.cards.institution.Institutions institutions,
      cn.healthcard.hub.cards.ca.ClientCertificates certificates,
      cn.healthcard.hub.security.clients.HubClients clients) {
    SenderCharsets charsets = new SenderCharsets(hub.hl7v2().defaultCharset(), hub.hl7v2().senderCharsets());
    cn.healthcard.hub.routes.his.SenderPolicy senders = hub.security().enabled()
        ? new cn.healthcard.hub.server.security.RegisteredHospitalSenders(
            institutions, hub.mllp().trustedNetworks(), certificates, clients)
        : cn.healthcard.hub.routes.his.SenderPolicy.OPEN;
    return new Hl7v2Intake(inbound, inbox, charsets, metrics, Clock.systemDefaultZone(),
        new cn.healthcard.hub.server.immunization.ImmunizationQueryResponder(
            daos, matchUrls, forecaster, Clock.systemDefaultZone()), senders);
  }

  @Bean
  public FhirHisRepository hisRepository(
      PlatformTransactionManager transactionManager,
      IFhirSystemDao<Bundle, Meta> systemDao,
      DaoRegistry daoRegistry,
      MatchUrlService matchUrls,
      IReplaceReferencesSvc replaceReferences,
      JdbcHisInbox inbox,
      DataSource dataSource,
      EntityManager entityManager,
      cn.healthcard.hub.server.births.BirthReportIntake births,
      org.springframework.beans.factory.ObjectProvider<HisStoreAudit> audit) {
    return new FhirHisRepository(new TransactionTemplate(transactionManager), systemDao, daoRegistry,
        matchUrls, replaceReferences, inbox, new EventTimes(dataSource), entityManager, births,
        audit.getIfAvailable(() -> HisStoreAudit.NONE));
  }

  @Bean
  public HisProcessor hisProcessor(
      Hl7v2Inbound inbound, JdbcHisInbox inbox, FhirHisRepository repository, HisMetrics metrics) {
    return new HisProcessor(inbound, inbox, repository, metrics, Clock.systemDefaultZone());
  }

  @Bean
  public HisRoutes hisRoutes(HubProperties hub, Hl7v2Intake intake, HisProcessor processor, JdbcHisInbox inbox) {
    HubProperties.Mllp mllp = hub.mllp();
    HubProperties.Hl7v2 v2 = hub.hl7v2();
    return new HisRoutes(
        new HisRoutes.Settings(mllp.enabled(), mllp.host(), mllp.port(),
            mllp.tls().port(), mllp.maxConnections(),
            (int) Math.min(Integer.MAX_VALUE, mllp.maxMessageSize().toBytes()),
            v2.workers(), v2.redeliveries(), v2.stalledAfter()),
        intake, processor, inbox);
  }
}
