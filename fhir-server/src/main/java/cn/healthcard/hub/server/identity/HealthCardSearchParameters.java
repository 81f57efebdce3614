package cn.healthcard.hub.server.identity;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The search parameters behind "one Patient per health-card number": a token parameter over the
 * card identifier, and HAPI's unique combo parameter over it, which HAPI backs with a unique
 * database index (so the rule holds under concurrent writers, not just in application code).
 */
public final class HealthCardSearchParameters {
  private static final Logger log = LoggerFactory.getLogger(HealthCardSearchParameters.class);

  public static final String CANONICAL_BASE = "https://hub.healthcard.cn/fhir";
  public static final String CODE = "health-card";
  static final String TOKEN_ID = "patient-health-card";
  static final String UNIQUE_ID = "patient-health-card-unique";
  static final String SP_UNIQUE_EXTENSION = "http://hapifhir.io/fhir/StructureDefinition/sp-unique";

  private HealthCardSearchParameters() {}

  static SearchParameter token() {
    SearchParameter sp = new SearchParameter();
    sp.setId(TOKEN_ID);
    sp.setUrl(CANONICAL_BASE + "/SearchParameter/" + TOKEN_ID);
    sp.setName("HealthCardNumber");
    sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
    sp.setDescription("The resident health-card number (system " + ResidentIdNumber.HEALTH_CARD_SYSTEM + ")");
    sp.setCode(CODE);
    sp.addBase("Patient");
    sp.setType(Enumerations.SearchParamType.TOKEN);
    sp.setExpression(
        "Patient.identifier.where(system='" + ResidentIdNumber.HEALTH_CARD_SYSTEM + "')");
    return sp;
  }

  static SearchParameter unique() {
    SearchParameter sp = new SearchParameter();
    sp.setId(UNIQUE_ID);
    sp.setUrl(CANONICAL_BASE + "/SearchParameter/" + UNIQUE_ID);
    sp.setName("HealthCardNumberUnique");
    sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
    sp.setDescription("At most one Patient per health-card number");
    sp.setCode(CODE + "-unique");
    sp.addBase("Patient");
    sp.setType(Enumerations.SearchParamType.COMPOSITE);
    sp.setExpression("Patient");
    sp.addComponent().setDefinition(CANONICAL_BASE + "/SearchParameter/" + TOKEN_ID).setExpression("Patient");
    sp.addExtension(SP_UNIQUE_EXTENSION, new BooleanType(true));
    return sp;
  }

  /** Creates or updates both parameters (idempotent) and refreshes the registry. */
  public static void install(DaoRegistry daoRegistry, ISearchParamRegistry registry) {
    IFhirResourceDao<SearchParameter> dao = daoRegistry.getResourceDao(SearchParameter.class);
    SystemRequestDetails request = new SystemRequestDetails();
    dao.update(token(), request);
    dao.update(unique(), request);
    registry.forceRefresh();
    log.info("Health-card search parameters installed (unique index on the card number)");
  }
}
