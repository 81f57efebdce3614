package cn.healthcard.hub.server.federation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * The one IHE PDQm (ITI-78) search parameter FHIR's base set lacks: {@code mothersMaidenName}, on
 * the core extension {@code patient-mothersMaidenName} (the rest, family, given, identifier,
 * telecom, birthdate, address and its parts, gender, active, _id, are HAPI's own).
 */
final class PdqmSearchParameters {
  static final String ID = "patient-extensions-Patient-mothersMaidenName";
  static final String EXTENSION = "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName";

  private PdqmSearchParameters() {}

  static SearchParameter mothersMaidenName() {
    SearchParameter sp = new SearchParameter();
    sp.setId(ID);
    // the canonical FHIR publishes for it, so clients that know PDQm find what they expect
    sp.setUrl("http://hl7.org/fhir/SearchParameter/" + ID);
    sp.setName("mothersMaidenName");
    sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
    sp.setDescription("Search based on the patient's mother's maiden name (IHE PDQm)");
    sp.setCode("mothersMaidenName");
    sp.addBase("Patient");
    sp.setType(Enumerations.SearchParamType.STRING);
    sp.setExpression("Patient.extension('" + EXTENSION + "').value");
    return sp;
  }

  static void install(DaoRegistry daos, ISearchParamRegistry registry) {
    daos.getResourceDao(SearchParameter.class).update(mothersMaidenName(), new SystemRequestDetails());
    registry.forceRefresh();
  }
}
