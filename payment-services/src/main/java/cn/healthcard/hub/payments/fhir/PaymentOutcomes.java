package cn.healthcard.hub.payments.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.payments.Payments;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.order.IllegalPaymentTransition;
import cn.healthcard.hub.payments.order.PaymentConflict;
import cn.healthcard.hub.payments.order.RefundRefused;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * The payment platform's refusals as FHIR answers: 422 naming the parameter, 409 for a number used
 * for another order or a change the order's status does not allow, 404, and 502 when the channel
 * cannot be reached (the hospital may try the same request again).
 */
final class PaymentOutcomes {

  private PaymentOutcomes() {}

  /** A 502: the channel, not the hub or the request, failed. */
  static final class ChannelDown extends BaseServerResponseException {
    ChannelDown(String message, OperationOutcome outcome) {
      super(502, message, outcome);
    }
  }

  /** A 503: what was asked for is not there yet (a statement the channel is still making): ask later. */
  static final class NotYet extends BaseServerResponseException {
    NotYet(String message, OperationOutcome outcome) {
      super(503, message, outcome);
    }
  }

  static <T> T call(Supplier<T> work) {
    try {
      return work.get();
    } catch (Payments.UnknownChannel e) {
      throw invalid("channel", e.getMessage());
    } catch (cn.healthcard.hub.payments.channel.PayerAuthorizationRefused e) {
      throw invalid("payAuthNo", e.getMessage());
    } catch (Payments.PaymentNotFound e) {
      throw new ResourceNotFoundException(e.getMessage(), issue(IssueType.NOTFOUND, e.getMessage(), "payment"));
    } catch (PaymentConflict e) {
      throw new ResourceVersionConflictException(e.getMessage(), issue(IssueType.DUPLICATE, e.getMessage(), "merchantOrderNo"));
    } catch (RefundRefused e) {
      if (e.parameter().equals("amount")) {
        throw invalid("amount", e.getMessage());
      }
      throw new ResourceVersionConflictException(e.getMessage(), issue(IssueType.CONFLICT, e.getMessage(), e.parameter()));
    } catch (IllegalPaymentTransition e) {
      throw new ResourceVersionConflictException(e.getMessage(), issue(IssueType.BUSINESSRULE, e.getMessage(), "payment"));
    } catch (cn.healthcard.hub.payments.channel.StatementNotReady e) {
      throw new NotYet(e.getMessage(), issue(IssueType.INCOMPLETE, e.getMessage(), "date"));
    } catch (ChannelUnavailable e) {
      throw new ChannelDown(e.getMessage(), issue(IssueType.TRANSIENT, e.getMessage(), null));
    }
  }

  static UnprocessableEntityException invalid(String parameter, String message) {
    return new UnprocessableEntityException(message, issue(IssueType.INVALID, message, parameter));
  }

  static OperationOutcome issue(IssueType type, String message, String parameter) {
    OperationOutcome outcome = new OperationOutcome();
    var issue = outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
    if (parameter != null) {
      issue.addExpression("Parameters.parameter.where(name = '" + parameter + "')");
    }
    return outcome;
  }
}
