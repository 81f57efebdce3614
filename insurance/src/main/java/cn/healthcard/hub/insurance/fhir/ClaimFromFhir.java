package cn.healthcard.hub.insurance.fhir;

import cn.healthcard.hub.insurance.adjudication.ClaimLine;
import cn.healthcard.hub.insurance.claims.ClaimRefused;
import cn.healthcard.hub.insurance.claims.SubmittedClaim;
import cn.healthcard.hub.insurance.scheme.CareSetting;
import cn.healthcard.hub.insurance.scheme.ItemClass;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;

/**
 * A hospital's FHIR Claim as the settlement reads it. {@code Claim.type} {@code institutional} is
 * an admission (billablePeriod = admission to discharge), anything else an outpatient visit;
 * items carry the national catalogue code ({@link InsuranceCodes#CATALOGUE}), the class A/B/C
 * ({@link InsuranceCodes#ITEM_CLASS} in {@code category}), the quantity and the unit price in CNY.
 * Every problem is a {@link ClaimRefused} naming the element (FHIRPath).
 */
public final class ClaimFromFhir {

  private ClaimFromFhir() {}

  /** Whether the Claim asks to reverse an earlier one (status cancelled, the original in related). */
  public static boolean isReversal(Claim claim) {
    return claim.getStatus() == Claim.ClaimStatus.CANCELLED;
  }

  /** The hospital's number of the claim this one relates to (corrects or reverses), if any. */
  public static Optional<String> related(Claim claim) {
    for (int i = 0; i < claim.getRelated().size(); i++) {
      Claim.RelatedClaimComponent related = claim.getRelated().get(i);
      Identifier id = related.getClaim().getIdentifier();
      if (id == null || !id.hasValue() || id.getValue().isBlank()) {
        throw new ClaimRefused("Claim.related[" + i + "].claim.identifier",
            "the related claim is named by the hospital's claim number (claim.identifier.value)");
      }
      return Optional.of(id.getValue().strip());
    }
    return Optional.empty();
  }

  public static String claimNumber(Claim claim) {
    if (!claim.hasIdentifier() || !claim.getIdentifierFirstRep().hasValue()
        || claim.getIdentifierFirstRep().getValue().isBlank()) {
      throw new ClaimRefused("Claim.identifier", "the hospital's claim number (identifier.value) is required");
    }
    String number = claim.getIdentifierFirstRep().getValue().strip();
    if (number.length() > 64) {
      throw new ClaimRefused("Claim.identifier", "a claim number has 64 characters at most");
    }
    return number;
  }

  public static SubmittedClaim read(Claim claim, String institution) {
    String number = claimNumber(claim);
    String card = cardNumber(claim);
    if (!claim.hasType()) {
      throw new ClaimRefused("Claim.type", "required: institutional (an admission) or professional (an outpatient visit)");
    }
    CareSetting setting = claim.getType().getCoding().stream()
        .anyMatch(c -> "institutional".equals(c.getCode())) ? CareSetting.INPATIENT : CareSetting.OUTPATIENT;
    if (!claim.hasBillablePeriod() || !claim.getBillablePeriod().hasStart()) {
      throw new ClaimRefused("Claim.billablePeriod.start", "when the care began is required");
    }
    Instant from = claim.getBillablePeriod().getStart().toInstant();
    Instant to = claim.getBillablePeriod().hasEnd() ? claim.getBillablePeriod().getEnd().toInstant() : from;
    if (setting == CareSetting.INPATIENT && !claim.getBillablePeriod().hasEnd()) {
      throw new ClaimRefused("Claim.billablePeriod.end", "an admission is settled at discharge: the discharge time is required");
    }
    if (to.isBefore(from)) {
      throw new ClaimRefused("Claim.billablePeriod.end", "ends before it starts");
    }
    List<String> diagnoses = new ArrayList<>();
    for (int i = 0; i < claim.getDiagnosis().size(); i++) {
      Claim.DiagnosisComponent d = claim.getDiagnosis().get(i);
      if (!d.hasDiagnosisCodeableConcept() || d.getDiagnosisCodeableConcept().getCoding().isEmpty()
          || !d.getDiagnosisCodeableConcept().getCodingFirstRep().hasCode()) {
        throw new ClaimRefused("Claim.diagnosis[" + i + "].diagnosisCodeableConcept",
            "a diagnosis is an ICD-10 code (diagnosisCodeableConcept.coding.code)");
      }
      diagnoses.add(d.getDiagnosisCodeableConcept().getCodingFirstRep().getCode().strip().replace(' ', '_'));
    }
    if (diagnoses.isEmpty()) {
      throw new ClaimRefused("Claim.diagnosis", "at least one diagnosis (the principal first) is required");
    }
    if (claim.getItem().isEmpty()) {
      throw new ClaimRefused("Claim.item", "a claim bills at least one item");
    }
    List<ClaimLine> lines = new ArrayList<>();
    Set<Integer> sequences = new HashSet<>();
    for (int i = 0; i < claim.getItem().size(); i++) {
      lines.add(line(claim.getItem().get(i), "Claim.item[" + i + "]", sequences));
    }
    return new SubmittedClaim(institution, number, card, setting, from, to, claim.hasReferral(), diagnoses, lines,
        isReversal(claim) ? Optional.empty() : related(claim));
  }

  private static String cardNumber(Claim claim) {
    Identifier id = claim.getPatient().getIdentifier();
    if (id == null || !ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(id.getSystem()) || !id.hasValue()) {
      throw new ClaimRefused("Claim.patient.identifier",
          "the patient is named by the card number (identifier system " + ResidentIdNumber.HEALTH_CARD_SYSTEM + ")");
    }
    try {
      return ResidentIdNumber.parse(id.getValue()).value();
    } catch (InvalidResidentIdNumberException e) {
      throw new ClaimRefused("Claim.patient.identifier.value", "not a valid card number: " + e.getMessage());
    }
  }

  private static ClaimLine line(Claim.ItemComponent item, String at, Set<Integer> sequences) {
    if (!item.hasSequence() || item.getSequence() < 1 || !sequences.add(item.getSequence())) {
      throw new ClaimRefused(at + ".sequence", "each item has its own sequence number (1 or more)");
    }
    Coding code = item.getProductOrService().getCoding().stream()
        .filter(c -> InsuranceCodes.CATALOGUE.equals(c.getSystem()) && c.hasCode()).findFirst()
        .orElseThrow(() -> new ClaimRefused(at + ".productOrService",
            "the item's national catalogue code (system " + InsuranceCodes.CATALOGUE + ") is required"));
    if (code.getCode().isBlank() || code.getCode().length() > 64 || code.getCode().contains(" ")) {
      throw new ClaimRefused(at + ".productOrService", "a catalogue code is 1-64 characters without spaces");
    }
    ItemClass itemClass = item.getCategory().getCoding().stream()
        .filter(c -> InsuranceCodes.ITEM_CLASS.equals(c.getSystem()))
        .map(c -> ItemClass.fromCode(c.getCode())).flatMap(Optional::stream).findFirst()
        .orElseThrow(() -> new ClaimRefused(at + ".category",
            "the item's class (A, B or C in " + InsuranceCodes.ITEM_CLASS + ") is required"));
    if (!item.hasQuantity() || !item.getQuantity().hasValue() || item.getQuantity().getValue().signum() <= 0
        || item.getQuantity().getValue().scale() > 3) {
      throw new ClaimRefused(at + ".quantity", "a quantity more than 0, at most three decimals");
    }
    BigDecimal quantity = item.getQuantity().getValue();
    long unit = fen(item.getUnitPrice(), at + ".unitPrice");
    ClaimLine line = new ClaimLine(item.getSequence(), code.getCode().strip(), itemClass, quantity, unit);
    if (item.hasNet()) {
      long net = fen(item.getNet(), at + ".net");
      if (net != line.submittedFen()) {
        throw new ClaimRefused(at + ".net", "net " + BigDecimal.valueOf(net).movePointLeft(2)
            + " is not quantity x unitPrice (" + BigDecimal.valueOf(line.submittedFen()).movePointLeft(2) + ")");
      }
    }
    return line;
  }

  private static long fen(org.hl7.fhir.r4.model.Money money, String at) {
    if (money == null || !money.hasValue() || money.getValue().signum() <= 0) {
      throw new ClaimRefused(at, "an amount in CNY more than 0 is required");
    }
    if (money.hasCurrency() && !"CNY".equals(money.getCurrency())) {
      throw new ClaimRefused(at + ".currency", "amounts are in CNY");
    }
    if (money.getValue().stripTrailingZeros().scale() > 2) {
      throw new ClaimRefused(at + ".value", "more than two decimals (the smallest unit is one fen)");
    }
    return money.getValue().movePointRight(2).longValueExact();
  }
}
