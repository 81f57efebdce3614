package cn.healthcard.hub.server.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.svc.IIdHelperService;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * {@code GET /fhir/Patient/$everything?identifier=system|value}: a clinician gets a person's whole
 * compartment by card number in one request. HAPI's type-level {@code $everything} takes Patient
 * ids only; this resolves the identifier to the Patient id(s) before HAPI runs the operation, so
 * paging and all of HAPI's other parameters keep working. Only ids are resolved (no Patient is
 * loaded and parsed for it): loading them was a third of the CPU time of the whole request.
 */
@Interceptor
public class PatientEverythingByIdentifier {
  static final String OPERATION = "$everything";
  static final String PARAM = "identifier";

  private final DaoRegistry daoRegistry;
  private final IIdHelperService<JpaPid> idHelper;
  private final IHapiTransactionService transactions;

  public PatientEverythingByIdentifier(
      DaoRegistry daoRegistry, IIdHelperService<JpaPid> idHelper, IHapiTransactionService transactions) {
    this.daoRegistry = daoRegistry;
    this.idHelper = idHelper;
    this.transactions = transactions;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean resolveIdentifier(RequestDetails request) {
    if (!OPERATION.equals(request.getOperation())
        || !"Patient".equals(request.getResourceName())
        || (request.getId() != null && request.getId().hasIdPart())) {
      return true;
    }
    String[] values = request.getParameters().get(PARAM);
    if (values == null || values.length == 0) {
      return true;
    }
    TokenOrListParam tokens = new TokenOrListParam();
    for (String value : values) {
      for (String one : value.split(",")) {
        int bar = one.indexOf('|');
        if (bar <= 0 || bar == one.length() - 1) {
          throw invalid("identifier must be system|value");
        }
        String system = one.substring(0, bar);
        String code = IdentityNumberSearchNormalizer.normalizeToken(system, one.substring(bar + 1));
        tokens.addOr(new TokenParam(system, code));
      }
    }
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add(PARAM, tokens);
    IFhirResourceDao<Patient> dao = daoRegistry.getResourceDao(Patient.class);
    List<String> ids =
        transactions
            .withRequest(request)
            .readOnly()
            .execute(() -> {
              List<JpaPid> pids = dao.searchForIds(map, request);
              return idHelper.translatePidsToFhirResourceIds(new HashSet<>(pids)).stream()
                  .map(id -> id.startsWith("Patient/") ? id : "Patient/" + id)
                  .distinct()
                  .sorted()
                  .toList();
            });
    if (ids.isEmpty()) {
      throw new ResourceNotFoundException("No Patient has this identifier");
    }
    Map<String, String[]> parameters = new HashMap<>(request.getParameters());
    parameters.remove(PARAM);
    parameters.put("_id", new String[] {String.join(",", ids)});
    request.setParameters(parameters);
    return true;
  }

  private static InvalidRequestException invalid(String message) {
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.INVALID)
        .setDiagnostics(message)
        .setExpression(List.of(new StringType(PARAM)));
    return new InvalidRequestException(message, outcome);
  }
}
