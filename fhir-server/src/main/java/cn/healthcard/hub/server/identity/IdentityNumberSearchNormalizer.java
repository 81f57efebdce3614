package cn.healthcard.hub.server.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.param.TokenParam;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.List;

/**
 * Identity numbers are stored in their 18-character form; a search may use either form (or a
 * lower-case check character). Rewrites the token before the query runs.
 */
@Interceptor
public class IdentityNumberSearchNormalizer {

  @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
  public void normalize(SearchParameterMap parameters) {
    normalizeTokens(parameters.get("identifier"), true);
    normalizeTokens(parameters.get(HealthCardSearchParameters.CODE), false);
  }

  static void normalizeTokens(List<List<IQueryParameterType>> andList, boolean needsSystem) {
    if (andList == null) {
      return;
    }
    for (List<IQueryParameterType> orList : andList) {
      for (IQueryParameterType parameter : orList) {
        if (parameter instanceof TokenParam token
            && (!needsSystem || PatientIdentityRules.isResidentIdSystem(token.getSystem()))) {
          ResidentIdNumber.tryParse(token.getValue()).ifPresent(n -> token.setValue(n.value()));
        }
      }
    }
  }

  /** The normalised form of a {@code system|value} token, or the token unchanged. */
  public static String normalizeToken(String system, String value) {
    if (!PatientIdentityRules.isResidentIdSystem(system)) {
      return value;
    }
    return ResidentIdNumber.tryParse(value).map(ResidentIdNumber::value).orElse(value);
  }
}
