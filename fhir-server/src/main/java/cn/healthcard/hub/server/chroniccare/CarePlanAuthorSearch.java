package cn.healthcard.hub.server.chroniccare;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import cn.healthcard.hub.terminology.HubCodeSystems;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * {@code CarePlan?author=Organization/...}: R4 has no search parameter for the plan's author, and
 * the follow-up worklist is per managing institution (the plan's author).
 */
final class CarePlanAuthorSearch {
  static final String ID = "careplan-author";
  static final String CODE = "author";

  private CarePlanAuthorSearch() {}

  static SearchParameter searchParameter() {
    SearchParameter sp = new SearchParameter();
    sp.setId(ID);
    sp.setUrl(HubCodeSystems.BASE + "/SearchParameter/" + ID);
    sp.setName("CarePlanAuthor");
    sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
    sp.setDescription("Who is responsible for the plan (for the chronic-care programmes: the managing institution)");
    sp.setCode(CODE);
    sp.addBase("CarePlan");
    sp.setType(Enumerations.SearchParamType.REFERENCE);
    sp.setExpression("CarePlan.author");
    sp.addTarget("Organization").addTarget("Practitioner").addTarget("PractitionerRole").addTarget("Patient")
        .addTarget("RelatedPerson").addTarget("Device").addTarget("CareTeam");
    return sp;
  }

  static void install(DaoRegistry daos, ISearchParamRegistry registry) {
    daos.getResourceDao(SearchParameter.class).update(searchParameter(), new SystemRequestDetails());
    registry.forceRefresh();
  }
}
