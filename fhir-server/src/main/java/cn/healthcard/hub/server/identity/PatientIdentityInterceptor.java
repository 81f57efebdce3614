package cn.healthcard.hub.server.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * Enforces {@link PatientIdentityRules} on every Patient written, by any route (plain REST,
 * conditional operations, transactions), and keeps client-chosen resource ids free of identity
 * numbers.
 */
@Interceptor
public class PatientIdentityInterceptor {
  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void beforeCreate(IBaseResource resource) {
    rejectIdentityNumberAsId(resource);
    check(resource);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void beforeUpdate(IBaseResource oldResource, IBaseResource newResource) {
    check(newResource);
  }

  private void check(IBaseResource resource) {
    if (!(resource instanceof Patient patient)) {
      return;
    }
    List<PatientIdentityRules.Violation> violations = PatientIdentityRules.apply(patient);
    if (!violations.isEmpty()) {
      throw unprocessable(violations);
    }
  }

  private void rejectIdentityNumberAsId(IBaseResource resource) {
    var id = resource.getIdElement();
    if (id == null || !id.hasIdPart()) {
      return;
    }
    String idPart = id.getIdPart();
    // 18-character windows only: the check character keeps false alarms rare, and a bare
    // 15-digit legacy number is all digits, which HAPI refuses as a client id anyway
    for (int start = 0; start + 18 <= idPart.length(); start++) {
      if (ResidentIdNumber.tryParse(idPart.substring(start, start + 18)).isPresent()) {
        throw unprocessable(
            List.of(
                new PatientIdentityRules.Violation(
                    resource.fhirType() + ".id",
                    "A resource id must not contain an identity number; let the hub assign"
                        + " the id and put the number in identifier")));
      }
    }
  }

  private UnprocessableEntityException unprocessable(
      List<PatientIdentityRules.Violation> violations) {
    OperationOutcome outcome = new OperationOutcome();
    for (PatientIdentityRules.Violation v : violations) {
      outcome
          .addIssue()
          .setSeverity(OperationOutcome.IssueSeverity.ERROR)
          .setCode(OperationOutcome.IssueType.INVALID)
          .setDiagnostics(v.message())
          .setExpression(List.of(new StringType(v.expression())))
          .setLocation(List.of(new StringType(v.expression())));
    }
    String summary =
        violations.size() == 1
            ? violations.get(0).message()
            : violations.size() + " identity rules broken; see the issues";
    return new UnprocessableEntityException(summary, outcome);
  }
}
