package cn.healthcard.hub.server.federation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import cn.healthcard.hub.federation.fhir.PixmOperation;
import cn.healthcard.hub.federation.pixm.CrossReference;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.fhir.HubConsentService;
import cn.healthcard.hub.security.fhir.RequestCallers;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Finding a person: the IHE PIXm query on the repository's Patients. */
@Configuration(proxyBeanMethods = false)
public class FederationConfig {

  /**
   * PIXm answers where a person was treated: a hospital or clinician is told about the patients
   * its institution treats (the consent rules of every read), a peer hub and an operator about
   * anyone (audited, and shown in the person's access log). Without security, everyone.
   */
  @Bean
  public SmartInitializingSingleton pixmOperation(RestfulServer server, DaoRegistry daos,
      ObjectProvider<HubConsentService> consents) {
    PixmOperation.Disclosure disclosure = (request, patientId) -> {
      HubConsentService consent = consents.getIfAvailable();
      Optional<Caller> caller = RequestCallers.of(request);
      if (consent == null || caller.isEmpty()) {
        return true;
      }
      Caller c = caller.get();
      return c.has(Role.PEER_HUB) || c.has(Role.OPERATOR) || consent.mayAccessPatient(c, patientId);
    };
    return () -> server.registerProvider(new PixmOperation(new CrossReference(new FhirPersonIdentifiers(daos)), disclosure));
  }
}
