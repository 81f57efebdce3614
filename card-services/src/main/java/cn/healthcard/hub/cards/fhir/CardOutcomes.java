package cn.healthcard.hub.cards.fhir;

import cn.healthcard.hub.cards.registry.CardAlreadyLive;
import cn.healthcard.hub.cards.registry.CardNotFound;
import cn.healthcard.hub.cards.registry.CardRegistryException;
import cn.healthcard.hub.cards.registry.ChildCardAlreadyWaiting;
import cn.healthcard.hub.cards.registry.IllegalCardTransition;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.cards.registry.NotAuthorised;
import cn.healthcard.hub.cards.registry.NumberHeldByAnotherPatient;
import cn.healthcard.hub.cards.review.ReviewWorkflow;
import cn.healthcard.hub.cards.signing.RequestVerifier;
import ca.uhn.fhir.rest.server.exceptions.AuthenticationException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * Turns the card platform's refusals into FHIR answers: 422 naming the failing element, 409 for
 * a transition the card's status does not allow (naming the status and the allowed events), 404,
 * 401 for a bad signature, 403 for an institution that may not do this.
 */
public final class CardOutcomes {
  private CardOutcomes() {}

  public static <T> T call(Supplier<T> work) {
    try {
      return work.get();
    } catch (RequestVerifier.SignatureRefused e) {
      throw new AuthenticationException("request signature refused: " + e.getMessage());
    } catch (CardRegistryException e) {
      throw translate(e);
    }
  }

  public static BaseServerResponseException translate(CardRegistryException e) {
    if (e instanceof InvalidCardRequest invalid) {
      OperationOutcome outcome = new OperationOutcome();
      for (InvalidCardRequest.Problem problem : invalid.problems()) {
        outcome
            .addIssue()
            .setSeverity(IssueSeverity.ERROR)
            .setCode(IssueType.INVALID)
            .setDiagnostics(problem.message())
            .addExpression(problem.expression());
      }
      return new UnprocessableEntityException(e.getMessage(), outcome);
    }
    if (e instanceof IllegalCardTransition) {
      OperationOutcome outcome = issue(IssueType.BUSINESSRULE, e.getMessage());
      outcome.getIssueFirstRep().addExpression("Parameters.parameter[event]");
      return new ResourceVersionConflictException(e.getMessage(), outcome);
    }
    if (e instanceof CardAlreadyLive || e instanceof ReviewWorkflow.IllegalReview) {
      return new ResourceVersionConflictException(e.getMessage(), issue(IssueType.CONFLICT, e.getMessage()));
    }
    if (e instanceof NumberHeldByAnotherPatient || e instanceof ChildCardAlreadyWaiting) {
      return new ResourceVersionConflictException(e.getMessage(), issue(IssueType.DUPLICATE, e.getMessage()));
    }
    if (e instanceof CardNotFound) {
      return new ResourceNotFoundException(e.getMessage(), issue(IssueType.NOTFOUND, e.getMessage()));
    }
    if (e instanceof NotAuthorised) {
      return new ForbiddenOperationException(e.getMessage(), issue(IssueType.FORBIDDEN, e.getMessage()));
    }
    return new ResourceVersionConflictException(e.getMessage(), issue(IssueType.CONFLICT, e.getMessage()));
  }

  static OperationOutcome issue(IssueType type, String message) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
    return outcome;
  }
}
