package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CP;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.FT1;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Numbers;
import cn.healthcard.hub.mappings.hl7v2.datatype.OpaqueKeys;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.ChargeItem;
import org.hl7.fhir.r4.model.ChargeItem.ChargeItemStatus;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * FT1 (financial transaction, in DFT^P03/P11) to a ChargeItem, after FHIR's ChargeItem-to-FT1
 * mapping:
 *
 * <ul>
 *   <li>FT1-6 transaction type (table 0017): CG charge, CD credit and AJ adjustment become
 *       {@code billable} ChargeItems; a credit is a negative charge (a Chinese HIS's refund
 *       (退费) is usually sent so already: quantity and amount are made non-positive). PY payment
 *       and CO co-payment are not charges: they are kept in the message only (payments reach the
 *       hub through the payment platform). Other values are refused;
 *   <li>FT1-7 -> {@code code} (required; FT1-8 description as its text);
 *   <li>FT1-4 -> {@code occurrence} (a period when it has an end); FT1-5 -> {@code enteredDate};
 *   <li>FT1-10 -> {@code quantity}; FT1-11 extended amount -> {@code priceOverride}, else FT1-12
 *       unit amount times the quantity (exact decimal arithmetic). Amounts are money in yuan with
 *       at most two decimals (whole fen, as the payment ledger keeps them); currency MO-2, CNY
 *       when absent;
 *   <li>FT1-20 performed by -> {@code performer}; FT1-24 entered by -> {@code enterer}; FT1-19
 *       diagnoses -> {@code reason}; the sending hospital -> {@code performingOrganization}.
 * </ul>
 *
 * Keyed by FT1-2 (the sender's transaction id) in the sender's {@code charge} namespace; without
 * one, by an opaque digest of the message and the FT1's position, so that only a replay of the
 * same message finds it again.
 */
public final class ChargeToChargeItem {
  private static final String CNY = "CNY";

  private ChargeToChargeItem() {}

  /**
   * @param position the FT1's position among the message's FT1 segments (1-based)
   * @return the ChargeItem's fullUrl; empty for a payment FT1 or (an error recorded) a refused one
   */
  public static Optional<String> add(MappingContext ctx, SegmentRef ref, int position, String patientUrl,
      Optional<String> encounterUrl, Optional<String> accountUrl, String organizationUrl) {
    FT1 ft1 = ref.as(FT1.class);
    String type = s(ft1.getFt16_TransactionType());
    if (type.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(6), "FT1-6 (transaction type) is required");
      return Optional.empty();
    }
    boolean credit;
    switch (type) {
      case "CG", "AJ" -> credit = false;
      case "CD" -> credit = true;
      case "PY", "CO" -> {
        return Optional.empty();
      }
      default -> {
        ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, ref.at(6),
            "FT1-6 must be CG, CD, AJ, PY or CO (HL7 table 0017)");
        return Optional.empty();
      }
    }
    Optional<CodeableConcept> code = Codes.concept(ctx, ft1.getFt17_TransactionCode());
    if (code.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(7), "FT1-7 (transaction code) is required");
      return Optional.empty();
    }
    String description = s(ft1.getFt18_TransactionDescription());
    if (!code.get().hasText() && !description.isEmpty()) {
      code.get().setText(description);
    }
    ChargeItem charge = ctx.stamp(new ChargeItem());
    charge.setStatus(ChargeItemStatus.BILLABLE);
    charge.setCode(code.get());
    charge.setSubject(new Reference(patientUrl));
    encounterUrl.ifPresent(e -> charge.setContext(new Reference(e)));
    accountUrl.ifPresent(a -> charge.addAccount(new Reference(a)));
    charge.setPerformingOrganization(new Reference(organizationUrl));
    occurrence(ctx, ref, ft1).ifPresent(charge::setOccurrence);
    ctx.dateTime(s(ft1.getFt15_TransactionPostingDate().getTs1_Time()), ref.at(5), "FT1-5")
        .ifPresent(charge::setEnteredDateElement);

    Optional<BigDecimal> quantity = Numbers.decimal(ctx, s(ft1.getFt110_TransactionQuantity()), ref.at(10), "FT1-10");
    quantity.map(q -> credit ? q.abs().negate() : q).ifPresent(q -> charge.setQuantity(new Quantity().setValue(q)));
    Optional<Money> extended = money(ctx, ft1.getFt111_TransactionAmountExtended(), ref, 11);
    Optional<Money> unit = money(ctx, ft1.getFt112_TransactionAmountUnit(), ref, 12);
    Optional<Money> total = extended.isPresent() ? extended
        : unit.flatMap(u -> quantity.map(q -> new Money().setValue(u.getValue().multiply(q.abs()))
            .setCurrency(u.getCurrency())));
    total.ifPresent(m -> {
      if (credit) {
        m.setValue(m.getValue().abs().negate());
      }
      charge.setPriceOverride(m);
    });

    for (XCN performer : ft1.getFt120_PerformedByCode()) {
      XcnToPractitioner.reference(ctx, performer).ifPresent(actor -> charge.addPerformer().setActor(actor));
    }
    for (XCN enterer : ft1.getFt124_EnteredByCode()) {
      Optional<Reference> who = XcnToPractitioner.reference(ctx, enterer);
      if (who.isPresent()) {
        charge.setEnterer(who.get());
        break;
      }
    }
    for (CE diagnosis : ft1.getFt119_DiagnosisCodeFT1()) {
      Codes.concept(ctx, diagnosis).ifPresent(charge::addReason);
    }
    String transactionId = s(ft1.getFt12_TransactionID());
    Identifier id = new Identifier().setSystem(ctx.sender().namespace("charge")).setValue(transactionId.isEmpty()
        ? OpaqueKeys.of("ft", ctx.sender().key(), ctx.controlId(), Integer.toString(position))
        : transactionId);
    charge.addIdentifier(id);
    return Optional.of(ctx.transaction().updateWhere(charge, SearchUrls.identifierQuery(List.of(id))));
  }

  private static Optional<org.hl7.fhir.r4.model.Type> occurrence(MappingContext ctx, SegmentRef ref, FT1 ft1) {
    Optional<org.hl7.fhir.r4.model.DateTimeType> start = ctx.dateTime(
        s(ft1.getFt14_TransactionDate().getDr1_RangeStartDateTime().getTs1_Time()), ref.at(4, 1, 1), "FT1-4.1");
    Optional<org.hl7.fhir.r4.model.DateTimeType> end = ctx.dateTime(
        s(ft1.getFt14_TransactionDate().getDr2_RangeEndDateTime().getTs1_Time()), ref.at(4, 1, 2), "FT1-4.2");
    if (end.isPresent()) {
      Period period = new Period().setEndElement(end.get());
      start.ifPresent(period::setStartElement);
      return Optional.of(period);
    }
    return start.map(t -> t);
  }

  /** A CP's price (CP-1.1 quantity, CP-1.2 denomination) as Money with whole fen. */
  private static Optional<Money> money(MappingContext ctx, CP cp, SegmentRef ref, int field) {
    String amount = s(cp.getCp1_Price().getMo1_Quantity());
    if (amount.isEmpty()) {
      return Optional.empty();
    }
    ErrorLocation where = ref.at(field, 1, 1);
    Optional<BigDecimal> value = Numbers.decimal(ctx, amount, where, "FT1-" + field + ".1");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.get().stripTrailingZeros().scale() > 2) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, where,
          "FT1-" + field + ".1 must be an amount with at most two decimals (whole fen)");
      return Optional.empty();
    }
    String currency = s(cp.getCp1_Price().getMo2_Denomination());
    return Optional.of(new Money().setValue(value.get()).setCurrency(currency.isEmpty() ? CNY : currency));
  }
}
