package cn.healthcard.hub.server.residence;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.model.api.IQueryParameterType;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.division.Divisions;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Patient search parameter {@code division} (token): a patient's residence division at every
 * level, so {@code Patient?division=2101} finds everyone living in any county of city 2101 and
 * {@code Immunization?patient.division=21} everyone vaccinated who lives in province 21.
 *
 * <p>The residence is the GB/T 2260 county code of the home address, carried by the address
 * extension {@code https://hub.healthcard.cn/fhir/StructureDefinition/address-division}
 * (valueCoding; the HL7 v2 mapping fills it from XAD-9). The parameter indexes its 2-, 4- and
 * 6-digit prefixes (province, city, county); a query value is normalised the same way, so
 * {@code 210000}, {@code 21} and {@code 2100} all mean province 21 and {@code 210100} city 2101.
 */
@Interceptor
public class ResidenceDivisionSearch {
  private static final Logger log = LoggerFactory.getLogger(ResidenceDivisionSearch.class);
  public static final String CODE = "division";
  public static final String ADDRESS_DIVISION = HubCodeSystems.ADDRESS_DIVISION_EXTENSION;
  static final String ID = "patient-division";

  static SearchParameter searchParameter() {
    String codes =
        "Patient.address.where(use.empty() or use = 'home').extension('"
            + ADDRESS_DIVISION
            + "').value.ofType(Coding).code";
    SearchParameter sp = new SearchParameter();
    sp.setId(ID);
    sp.setUrl(HubCodeSystems.BASE + "/SearchParameter/" + ID);
    sp.setName("ResidenceDivision");
    sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
    sp.setDescription(
        "Residence division of the patient (GB/T 2260) at every level: province (2 digits), city"
            + " (4 digits) or county (6 digits); 6-digit codes ending in 00 or 0000 mean the city"
            + " or province");
    sp.setCode(CODE);
    sp.addBase("Patient");
    sp.setType(Enumerations.SearchParamType.TOKEN);
    sp.setExpression(
        codes + " | " + codes + ".select(substring(0, 4)) | " + codes + ".select(substring(0, 2))");
    return sp;
  }

  public static void install(DaoRegistry daos, ISearchParamRegistry registry) {
    daos.getResourceDao(SearchParameter.class).update(searchParameter(), new SystemRequestDetails());
    registry.forceRefresh();
    log.info("Residence-division search parameter installed");
  }

  /** "21", "2100", "210000" → "21"; "2101", "210100" → "2101"; a county stays whole. */
  public static String normaliseCode(String code) {
    return normalise(code);
  }

  static String normalise(String code) {
    return Divisions.prefix(code)
        .orElseThrow(
            () ->
                new InvalidRequestException(
                    "division must be a GB/T 2260 code of 2, 4 or 6 digits, got '" + code + "'"));
  }

  @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
  public void normaliseQuery(SearchParameterMap parameters) {
    normaliseTokens(parameters.get(CODE));
    for (Map.Entry<String, List<List<IQueryParameterType>>> entry : parameters.entrySet()) {
      for (List<IQueryParameterType> or : entry.getValue()) {
        for (int i = 0; i < or.size(); i++) {
          if (or.get(i) instanceof ReferenceParam reference && CODE.equals(reference.getChain())) {
            String normalised = normalise(reference.getValue());
            if (!normalised.equals(reference.getValue())) {
              // a new parameter: ReferenceParam.setValue would drop the chain
              or.set(i, new ReferenceParam(reference.getResourceType(), CODE, normalised));
            }
          }
        }
      }
    }
  }

  private static void normaliseTokens(List<List<IQueryParameterType>> andList) {
    if (andList == null) {
      return;
    }
    for (List<IQueryParameterType> or : andList) {
      for (IQueryParameterType parameter : or) {
        if (parameter instanceof TokenParam token && token.getModifier() == null) {
          token.setSystem((String) null);
          token.setValue(normalise(token.getValue()));
        }
      }
    }
  }
}
