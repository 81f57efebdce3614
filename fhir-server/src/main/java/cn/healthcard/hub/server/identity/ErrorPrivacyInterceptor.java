package cn.healthcard.hub.server.identity;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import cn.healthcard.hub.terminology.identity.IdentityNumberRedactor;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.StringType;

/**
 * Outgoing errors never quote an identity number (HAPI's messages quote the offending query or
 * index), and a duplicate card number gets a message a clinician's system can show as it is.
 */
@Interceptor
public class ErrorPrivacyInterceptor {
  private static final Pattern EXISTING_PATIENT = Pattern.compile("belongs to (Patient/[A-Za-z0-9\\-.]+)");

  @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
  public BaseServerResponseException rewrite(Throwable exception) {
    String message = exception.getMessage();
    if (message != null
        && message.contains("duplicate unique index")
        && message.contains(HealthCardSearchParameters.CODE)) {
      return duplicateCardNumber(message);
    }
    String redacted = IdentityNumberRedactor.redact(message);
    if (message == null || redacted.equals(message)) {
      return null;
    }
    if (exception instanceof BaseServerResponseException http) {
      return BaseServerResponseException.newInstance(http.getStatusCode(), redacted);
    }
    return new InternalErrorException(redacted);
  }

  private static ResourceVersionConflictException duplicateCardNumber(String message) {
    Matcher existing = EXISTING_PATIENT.matcher(message);
    String text =
        "Another Patient already has this health-card number"
            + (existing.find() ? " (" + existing.group(1) + ")" : "")
            + "; a person has one Patient per card number: update that Patient instead";
    OperationOutcome outcome = new OperationOutcome();
    outcome
        .addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.DUPLICATE)
        .setDiagnostics(text)
        .setExpression(List.of(new StringType("Patient.identifier")));
    return new ResourceVersionConflictException(text, outcome);
  }
}
