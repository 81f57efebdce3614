package cn.healthcard.hub.payments.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import cn.healthcard.hub.payments.channel.StatementLine.Kind;
import cn.healthcard.hub.payments.order.Fen;
import cn.healthcard.hub.payments.reconcile.Match;
import cn.healthcard.hub.payments.reconcile.ReconciledLine;
import cn.healthcard.hub.payments.reconcile.ReconciliationReport;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import java.util.TimeZone;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.RemittanceOutcome;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.PaymentReconciliation;
import org.hl7.fhir.r4.model.PaymentReconciliation.DetailsComponent;
import org.hl7.fhir.r4.model.PaymentReconciliation.PaymentReconciliationStatus;
import org.hl7.fhir.r4.model.Reference;

/**
 * A channel's day reconciled, as a FHIR {@code PaymentReconciliation}: the channel's net
 * settlement as the payment, one {@code detail} per line (payments as {@code payment}, refunds as
 * {@code adjustment} with a negative amount), each with its match result, the channel's fee and,
 * where they differ, the hub's amount. Pure: the same report gives the same resource.
 */
public final class ReconciliationToFhir {

  public static final String MATCH = HubCodeSystems.BASE + "/StructureDefinition/reconciliation-match";
  public static final String FEE = HubCodeSystems.BASE + "/StructureDefinition/reconciliation-fee";
  public static final String HUB_AMOUNT = HubCodeSystems.BASE + "/StructureDefinition/reconciliation-hub-amount";
  public static final String MATCH_SYSTEM = HubCodeSystems.BASE + "/CodeSystem/reconciliation-match";
  public static final String RECONCILIATION_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/payment-reconciliation";
  public static final String PAYMENT_SYSTEM = HubCodeSystems.PAYMENT;
  public static final String REFUND_SYSTEM = HubCodeSystems.PAYMENT_REFUND;
  public static final String INSTITUTION_SYSTEM = HubCodeSystems.INSTITUTION;
  private static final String PAYMENT_TYPE = "http://terminology.hl7.org/CodeSystem/payment-type";
  private static final TimeZone CHINA = TimeZone.getTimeZone("GMT+08:00");

  private ReconciliationToFhir() {}

  /** The channel's own namespace for its transaction and refund ids. */
  static String channelSystem(String channel, String what) {
    return HubCodeSystems.BASE + "/NamingSystem/" + channel + "/" + what;
  }

  public static PaymentReconciliation toFhir(ReconciliationReport report) {
    PaymentReconciliation r = new PaymentReconciliation();
    String compactDay = report.day().toString().replace("-", "");
    r.setId(report.channel() + "-" + compactDay);
    r.addIdentifier().setSystem(RECONCILIATION_SYSTEM).setValue(report.channel() + "/" + report.day());
    r.setStatus(PaymentReconciliationStatus.ACTIVE);
    r.getPeriod().setStartElement(new DateTimeType(Date.from(report.day().atStartOfDay().toInstant(ZoneOffset.ofHours(8))),
        TemporalPrecisionEnum.SECOND, CHINA));
    r.getPeriod().setEndElement(new DateTimeType(Date.from(report.day().plusDays(1).atStartOfDay()
        .toInstant(ZoneOffset.ofHours(8)).minusSeconds(1)), TemporalPrecisionEnum.SECOND, CHINA));
    r.setCreatedElement(new DateTimeType(Date.from(report.producedAt()), TemporalPrecisionEnum.SECOND, CHINA));
    r.setPaymentIssuer(new Reference().setDisplay(channelName(report.channel())));
    r.setOutcome(RemittanceOutcome.COMPLETE);
    Map<Match, Integer> counts = report.counts();
    r.setDisposition(counts.entrySet().stream().filter(e -> e.getValue() > 0)
        .map(e -> e.getValue() + " " + e.getKey().code()).collect(Collectors.joining(", "))
        + (report.lines().isEmpty() ? "nothing booked by the channel or the hub" : ""));
    r.setPaymentDateElement(new DateType(report.day().toString()));
    r.setPaymentAmount(money(report.netFen()));
    r.setPaymentIdentifier(new Identifier().setSystem(channelSystem(report.channel(), "statement"))
        .setValue(report.statementDigest()));
    for (ReconciledLine line : report.lines()) {
      r.addDetail(detail(report.channel(), line));
    }
    return r;
  }

  private static DetailsComponent detail(String channel, ReconciledLine line) {
    DetailsComponent d = new DetailsComponent();
    boolean refund = line.kind() == Kind.REFUND;
    d.addExtension(MATCH, new CodeType(line.match().code()));
    if (line.feeFen() > 0) {
      d.addExtension(FEE, money(refund ? -line.feeFen() : line.feeFen()));
    }
    if (line.hubAmountFen().isPresent() && line.match() != Match.MATCHED) {
      d.addExtension(HUB_AMOUNT, money(refund ? -line.hubAmountFen().getAsLong() : line.hubAmountFen().getAsLong()));
    }
    if (refund) {
      line.channelRefundId().ifPresent(id -> d.setIdentifier(new Identifier().setSystem(channelSystem(channel, "refund")).setValue(id)));
      line.refundId().ifPresent(id -> d.setPredecessor(new Identifier().setSystem(REFUND_SYSTEM).setValue(id)));
    } else {
      line.channelTransactionId().ifPresent(id -> d.setIdentifier(new Identifier().setSystem(channelSystem(channel, "transaction")).setValue(id)));
      line.paymentId().ifPresent(id -> d.setPredecessor(new Identifier().setSystem(PAYMENT_SYSTEM).setValue(id)));
    }
    d.setType(new CodeableConcept(new Coding(PAYMENT_TYPE, refund ? "adjustment" : "payment", refund ? "Adjustment" : "Payment")));
    line.institution().ifPresent(i -> d.setPayee(new Reference().setIdentifier(new Identifier().setSystem(INSTITUTION_SYSTEM).setValue(i))));
    d.setDateElement(new DateType(line.at().atOffset(ZoneOffset.ofHours(8)).toLocalDate().toString()));
    long amount = line.amountFen();
    d.setAmount(money(refund ? -amount : amount));
    return d;
  }

  private static Money money(long fen) {
    return new Money().setValue(Fen.signedYuan(fen)).setCurrency("CNY");
  }

  private static String channelName(String channel) {
    return switch (channel) {
      case "wechatpay" -> "WeChat Pay";
      case "alipay" -> "Alipay";
      case "unionpay" -> "UnionPay";
      case "medical-insurance" -> "Medical insurance";
      default -> channel;
    };
  }
}
