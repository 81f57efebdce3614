package cn.healthcard.hub.server.operations;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.OperationOutcome;

/** What the hub's own FHIR operations share: who is asking, and a 422 naming the element. */
public final class OperationRequests {
  private OperationRequests() {}

  /** Who did it: the client (and practitioner) the access token names. */
  public static String actor(RequestDetails request) {
    return cn.healthcard.hub.security.fhir.RequestCallers.of(request)
        .map(cn.healthcard.hub.security.Caller::actor)
        .orElse("unauthenticated client");
  }

  /** A 422 whose one issue has {@code type}, the reason and the failing element as its expression. */
  public static UnprocessableEntityException unprocessable(
      String expression, String reason, OperationOutcome.IssueType type) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type)
        .setDiagnostics(reason).addExpression(expression);
    return new UnprocessableEntityException(reason, outcome);
  }
}
