package cn.healthcard.hub.server.operations;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import org.hl7.fhir.r4.model.OperationOutcome;

/** What the hub's own FHIR operations share: who is asking, and a 422 naming the element. */
public final class OperationRequests {
  private OperationRequests() {}

  /** Who did it: until security lands, the person or system the client says it is ({@code X-Hub-Actor}). */
  public static String actor(RequestDetails request) {
    String declared = request == null ? null : request.getHeader("X-Hub-Actor");
    return declared == null || declared.isBlank() ? "unidentified client" : declared.strip();
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
