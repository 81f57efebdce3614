package cn.healthcard.hub.server.federation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import cn.healthcard.hub.federation.fhir.PixmOperation;
import cn.healthcard.hub.federation.pixm.CrossReference;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Finding a person: the IHE PIXm query on the repository's Patients. */
@Configuration(proxyBeanMethods = false)
public class FederationConfig {

  @Bean
  public SmartInitializingSingleton pixmOperation(RestfulServer server, DaoRegistry daos) {
    return () -> server.registerProvider(new PixmOperation(new CrossReference(new FhirPersonIdentifiers(daos))));
  }
}
