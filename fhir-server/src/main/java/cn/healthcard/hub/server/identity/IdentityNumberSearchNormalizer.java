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
    boolean byIdentityNumber = normalizeTokens(parameters.get("identifier"), true);
    byIdentityNumber |= normalizeTokens(parameters.get(HealthCardSearchParameters.CODE), false);
    if (byIdentityNumber && parameters.getIncludes().isEmpty() && parameters.getRevIncludes().isEmpty()) {
      // a lookup by identity number matches one person: answer it directly instead of
      // registering a paged search in the database (saves several writes per lookup)
      parameters.setLoadSynchronous(true);
    }
  }

  /** Normalises in place; true when every alternative of some AND term is an identity number. */
  static boolean normalizeTokens(List<List<IQueryParameterType>> andList, boolean needsSystem) {
    if (andList == null) {
      return false;
    }
    boolean restrictive = false;
    for (List<IQueryParameterType> orList : andList) {
      boolean allIdentityNumbers = !orList.isEmpty() && orList.size() <= 10;
      for (IQueryParameterType parameter : orList) {
        if (parameter instanceof TokenParam token
            && token.getModifier() == null
            && (!needsSystem || PatientIdentityRules.isResidentIdSystem(token.getSystem()))) {
          var number = ResidentIdNumber.tryParse(token.getValue());
          number.ifPresent(n -> token.setValue(n.value()));
          allIdentityNumbers &= number.isPresent();
        } else {
          allIdentityNumbers = false;
        }
      }
      restrictive |= allIdentityNumbers;
    }
    return restrictive;
  }

  /** The normalised form of a {@code system|value} token, or the token unchanged. */
  public static String normalizeToken(String system, String value) {
    if (!PatientIdentityRules.isResidentIdSystem(system)) {
      return value;
    }
    return ResidentIdNumber.tryParse(value).map(ResidentIdNumber::value).orElse(value);
  }
}
