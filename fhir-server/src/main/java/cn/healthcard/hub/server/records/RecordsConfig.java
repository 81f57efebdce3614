package cn.healthcard.hub.server.records;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.provider.merge.PatientMergeProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import cn.healthcard.hub.server.HubProperties;
import cn.healthcard.hub.terminology.Terminology;
import java.time.Clock;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Primary-care record management: merge/unmerge, transfer out, cancel, family records. */
@Configuration(proxyBeanMethods = false)
public class RecordsConfig {

  @Bean
  public SmartInitializingSingleton recordManagement(
      RestfulServer server, IInterceptorService interceptors, PatientMergeProvider merge, FhirContext fhir,
      DaoRegistry daos, HubProperties hub, PlatformTransactionManager transactions, Terminology terminology,
      cn.healthcard.hub.cards.registry.CardRegistry cards, cn.healthcard.hub.insurance.Insurance insurance) {
    return () -> {
      // a Provenance names the exact versions it is about (the merge's undo restores the versions
      // before the merge from them); HAPI strips versions from references unless told otherwise
      fhir.getParserOptions().setDontStripVersionsFromReferencesAtPaths("Provenance.target", "Provenance.entity.what");
      interceptors.registerInterceptor(new RecordMergeRules(fhir, daos, hub.records().unmergeGracePeriod(), Clock.systemUTC()));
      interceptors.registerInterceptor(new FamilyRecordRules(terminology, daos));
      server.registerProvider(merge);
      server.registerProvider(new RecordOperations(daos, new TransactionTemplate(transactions),
          new ClosedRecordEndsCardAndCoverage(cards, insurance)));
    };
  }
}
