package cn.healthcard.hub.server.insurance;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.List;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * {@code ExplanationOfBenefit?institution=<system>|<code>} and {@code ClaimResponse?institution=}:
 * the hub names hospitals by identifier, and R4's provider and requestor parameters are references
 * (this repository does not take the {@code :identifier} modifier).
 */
final class InsuranceSearches {

  private InsuranceSearches() {}

  static List<SearchParameter> searchParameters() {
    return List.of(
        token("explanationofbenefit-institution", "ExplanationOfBenefit", "The hospital that gave the care",
            "ExplanationOfBenefit.provider.identifier"),
        token("claimresponse-institution", "ClaimResponse", "The hospital that sent the claim",
            "ClaimResponse.requestor.identifier"));
  }

  private static SearchParameter token(String id, String base, String description, String expression) {
    SearchParameter sp = new SearchParameter();
    sp.setId(id);
    sp.setUrl(HubCodeSystems.BASE + "/SearchParameter/" + id);
    sp.setName(id);
    sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
    sp.setDescription(description);
    sp.setCode("institution");
    sp.addBase(base);
    sp.setType(Enumerations.SearchParamType.TOKEN);
    sp.setExpression(expression);
    return sp;
  }

  static void install(DaoRegistry daos, ISearchParamRegistry registry) {
    for (SearchParameter sp : searchParameters()) {
      daos.getResourceDao(SearchParameter.class).update(sp, new SystemRequestDetails());
    }
    registry.forceRefresh();
  }
}
