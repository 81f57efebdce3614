package cn.healthcard.hub.payments.fhir;

import static cn.healthcard.hub.payments.fhir.PaymentOutcomes.invalid;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import cn.healthcard.hub.payments.Payments;
import cn.healthcard.hub.payments.order.Fen;
import cn.healthcard.hub.payments.order.NewPayment;
import cn.healthcard.hub.payments.order.NewRefund;
import cn.healthcard.hub.payments.order.PaymentRefund;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import cn.healthcard.hub.payments.reconcile.ReconciliationJob;
import java.util.Date;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.PaymentReconciliation;
import java.util.TimeZone;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * The hospital-facing payment API (contract): {@code $create-payment}, {@code $payment-status},
 * {@code $close-payment}, {@code $refund-payment}, server-level operations taking and answering {@code Parameters}. A
 * hospital sees its own orders only (another institution's is not found).
 */
public class PaymentOperations {

  private final Payments payments;
  private final PaymentCallers callers;
  private final ReconciliationJob reconciliations;

  public PaymentOperations(Payments payments, PaymentCallers callers, ReconciliationJob reconciliations) {
    this.payments = payments;
    this.callers = callers;
    this.reconciliations = reconciliations;
  }

  /**
   * {@code $reconcile-payments}: a channel's day (China time) reconciled against the ledger, for
   * the hub's operators (the channel's statement covers every institution). Running it again
   * gives the same resource while nothing has changed.
   */
  @Operation(name = "$reconcile-payments", idempotent = false)
  public PaymentReconciliation reconcilePayments(
      @OperationParam(name = "channel", min = 0) CodeType channel,
      @OperationParam(name = "date", min = 0) DateType date,
      RequestDetails request) {
    if (callers.institution(request).isPresent()) {
      throw new ForbiddenOperationException("a channel's statement covers every institution: reconciliation is for the hub's operators");
    }
    if (channel == null || !channel.hasValue()) {
      throw invalid("channel", "channel is required (" + String.join(", ", new java.util.TreeSet<>(Payments.CHANNELS)) + ")");
    }
    if (date == null || !date.hasValue() || date.getPrecision() != TemporalPrecisionEnum.DAY) {
      throw invalid("date", "date (the day to reconcile, YYYY-MM-DD, China time) is required");
    }
    java.time.LocalDate day = java.time.LocalDate.of(date.getYear(), date.getMonth() + 1, date.getDay());
    if (!day.isBefore(java.time.LocalDate.now(java.time.ZoneOffset.ofHours(8)).plusDays(1))) {
      throw invalid("date", "date " + day + " is in the future: a channel states a day once it is over");
    }
    return ReconciliationToFhir.toFhir(PaymentOutcomes.call(() -> reconciliations.reconcile(channel.getValue(), day)));
  }

  @Operation(name = "$create-payment")
  public Parameters createPayment(
      @OperationParam(name = "channel", min = 0) CodeType channel,
      @OperationParam(name = "merchantOrderNo", min = 0) StringType merchantOrderNo,
      @OperationParam(name = "amount", min = 0) Money amount,
      @OperationParam(name = "patient", min = 0) Identifier patient,
      @OperationParam(name = "encounter", min = 0) Reference encounter,
      @OperationParam(name = "chargeItem", min = 0) Reference chargeItem,
      @OperationParam(name = "invoice", min = 0) Reference invoice,
      @OperationParam(name = "description", min = 0) StringType description,
      @OperationParam(name = "payAuthNo", min = 0) StringType payAuthNo,
      RequestDetails request) {
    String institution = callers.institution(request).orElseThrow(() -> new ForbiddenOperationException(
        "payments are placed by a hospital's client (bound to its institution)"));
    if (channel == null || !channel.hasValue()) {
      throw invalid("channel", "channel is required (" + String.join(", ", new java.util.TreeSet<>(Payments.CHANNELS)) + ")");
    }
    String number = merchantOrderNo == null ? "" : merchantOrderNo.getValueNotNull().strip();
    if (number.isEmpty() || number.length() > 64) {
      throw invalid("merchantOrderNo", "merchantOrderNo (the hospital's order number, 1-64 characters) is required");
    }
    Fen fen = fen(amount);
    Optional<String> payer = Optional.empty();
    if (patient != null && !patient.isEmpty()) {
      if (!ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(patient.getSystem())) {
        throw invalid("patient", "patient is the card number: system " + ResidentIdNumber.HEALTH_CARD_SYSTEM);
      }
      try {
        payer = Optional.of(ResidentIdNumber.HEALTH_CARD_SYSTEM + "|" + ResidentIdNumber.parse(patient.getValue()).value());
      } catch (InvalidResidentIdNumberException e) {
        throw invalid("patient", "patient.value is not a valid card number: " + e.getMessage());
      }
    }
    Optional<String> visit = reference(encounter, "encounter", "Encounter");
    if (payer.isEmpty() && visit.isEmpty()) {
      throw invalid("patient", "patient (card number) or encounter is required");
    }
    String text = description == null ? "" : description.getValueNotNull().strip();
    if (text.isEmpty() || text.length() > 127) {
      throw invalid("description", "description (what the payer sees, 1-127 characters) is required");
    }
    Optional<String> authorization = payAuthNo == null || payAuthNo.getValueNotNull().isBlank() ? Optional.empty()
        : Optional.of(payAuthNo.getValue().strip());
    if (authorization.isPresent() && authorization.get().length() > 128) {
      throw invalid("payAuthNo", "payAuthNo is 128 characters at most");
    }
    NewPayment order = new NewPayment(institution, channel.getValue(), number, fen, payer, visit,
        reference(chargeItem, "chargeItem", "ChargeItem"), reference(invoice, "invoice", "Invoice"), text, authorization);
    PaymentOrder created = PaymentOutcomes.call(() -> payments.create(order));
    Parameters out = describe(created);
    created.payload().ifPresent(p -> out.addParameter("payload", new StringType(p)));
    return out;
  }

  @Operation(name = "$payment-status", idempotent = true)
  public Parameters paymentStatus(@OperationParam(name = "payment", min = 0) StringType payment, RequestDetails request) {
    String id = required(payment);
    Optional<String> institution = callers.institution(request);
    Parameters out = describe(PaymentOutcomes.call(() -> payments.status(institution, id)));
    payments.settlement(institution, id).ifPresent(split -> {
      Parameters.ParametersParameterComponent part = out.addParameter().setName("insurance");
      part.addPart().setName("settlement").setValue(new StringType(split.settlementId()));
      part.addPart().setName("mixPayType").setValue(new CodeType(split.mix().name()));
      part.addPart().setName("fundPay").setValue(money(split.fundFen()));
      part.addPart().setName("accountPay").setValue(money(split.accountFen()));
      part.addPart().setName("cashPay").setValue(money(split.cashFen()));
    });
    for (PaymentRefund refund : payments.refunds(institution, id)) {
      Parameters.ParametersParameterComponent part = out.addParameter().setName("refund");
      part.addPart().setName("refund").setValue(new StringType(refund.id()));
      part.addPart().setName("refundRequestNo").setValue(new StringType(refund.refundRequestNo()));
      part.addPart().setName("amount").setValue(new Money().setValue(refund.amount().yuan()).setCurrency("CNY"));
      part.addPart().setName("status").setValue(new CodeType(refund.status().code()));
      refund.refundedAt().ifPresent(t -> part.addPart().setName("refundedAt").setValue(instant(t)));
    }
    return out;
  }

  @Operation(name = "$refund-payment")
  public Parameters refundPayment(
      @OperationParam(name = "payment", min = 0) StringType payment,
      @OperationParam(name = "refundRequestNo", min = 0) StringType refundRequestNo,
      @OperationParam(name = "amount", min = 0) Money amount,
      @OperationParam(name = "reason", min = 0) StringType reason,
      RequestDetails request) {
    String id = required(payment);
    String number = refundRequestNo == null ? "" : refundRequestNo.getValueNotNull().strip();
    if (number.isEmpty() || number.length() > 64) {
      throw invalid("refundRequestNo", "refundRequestNo (the hospital's number for this refund, 1-64 characters) is required");
    }
    Fen fen = fen(amount);
    String why = reason == null ? null : reason.getValueNotNull().strip();
    PaymentRefund refund = PaymentOutcomes.call(() ->
        payments.refund(callers.institution(request), id, new NewRefund(number, fen, why)));
    Parameters out = new Parameters();
    out.addParameter("refund", new StringType(refund.id()));
    out.addParameter("status", new CodeType(refund.status().code()));
    out.addParameter("payment", new StringType(refund.paymentId()));
    out.addParameter("refundRequestNo", new StringType(refund.refundRequestNo()));
    out.addParameter().setName("amount").setValue(new Money().setValue(refund.amount().yuan()).setCurrency("CNY"));
    refund.refundedAt().ifPresent(t -> out.addParameter().setName("refundedAt").setValue(instant(t)));
    return out;
  }

  /** A Money in CNY with at most two decimals, as fen; a 422 naming {@code amount} otherwise. */
  private static Fen fen(Money amount) {
    if (amount == null || !amount.hasValue()) {
      throw invalid("amount", "amount (Money, CNY) is required");
    }
    if (amount.hasCurrency() && !"CNY".equals(amount.getCurrency())) {
      throw invalid("amount", "amount.currency must be CNY");
    }
    try {
      return Fen.ofYuan(amount.getValue());
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw invalid("amount", "amount.value: " + e.getMessage());
    }
  }

  private static InstantType instant(java.time.Instant t) {
    // in the province's time, whatever the server's zone
    return new InstantType(Date.from(t), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone("GMT+08:00"));
  }

  @Operation(name = "$close-payment")
  public Parameters closePayment(@OperationParam(name = "payment", min = 0) StringType payment, RequestDetails request) {
    String id = required(payment);
    return describe(PaymentOutcomes.call(() -> payments.close(callers.institution(request), id)));
  }

  private static String required(StringType payment) {
    if (payment == null || payment.getValueNotNull().isBlank()) {
      throw invalid("payment", "payment (the id $create-payment answered) is required");
    }
    return payment.getValue().strip();
  }

  private static Optional<String> reference(Reference reference, String parameter, String type) {
    if (reference == null || !reference.hasReference()) {
      return Optional.empty();
    }
    String value = reference.getReference();
    if (!value.startsWith(type + "/") || value.length() == type.length() + 1) {
      throw invalid(parameter, parameter + " must reference a " + type + " (" + type + "/<id>)");
    }
    return Optional.of(value);
  }

  private static Money money(long fen) {
    return new Money().setValue(new Fen(fen).yuan()).setCurrency("CNY");
  }

  private static Parameters describe(PaymentOrder order) {
    Parameters out = new Parameters();
    out.addParameter("payment", new StringType(order.id()));
    out.addParameter("status", new CodeType(order.status().code()));
    out.addParameter("channel", new CodeType(order.channel()));
    out.addParameter("merchantOrderNo", new StringType(order.merchantOrderNo()));
    out.addParameter().setName("amount").setValue(new Money().setValue(order.amount().yuan()).setCurrency("CNY"));
    order.channelTransactionId().ifPresent(t -> out.addParameter("channelTransactionId", new StringType(t)));
    order.paidAt().ifPresent(t -> out.addParameter().setName("paidAt").setValue(instant(t)));
    return out;
  }
}
