package cn.healthcard.hub.insurance.fhir;

import cn.healthcard.hub.insurance.adjudication.Adjudication;
import cn.healthcard.hub.insurance.adjudication.LineAdjudication;
import cn.healthcard.hub.insurance.adjudication.Reason;
import cn.healthcard.hub.insurance.claims.SettledClaim;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.math.BigDecimal;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.ExplanationOfBenefit;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * A settled claim as FHIR: the {@code ClaimResponse} answering the hospital and the {@code
 * ExplanationOfBenefit} kept for the patient and the hospital. Each item's adjudication has the
 * categories {@code submitted}, {@code eligible}, {@code deductible}, {@code copay}, {@code
 * benefit} (the fund's share), {@code eligpercent} (the ratio) and the hub's {@code patient-share};
 * reasons in {@link Reason#SYSTEM}; the scheme's rules that applied as {@link
 * InsuranceCodes#RULE_EXTENSION} ({@code 210124/2026/v1#annualCapFen}). Pure.
 */
public final class SettlementToFhir {

  private SettlementToFhir() {}

  public static ClaimResponse claimResponse(SettledClaim settled, String schemeProduct, String claimResourceId) {
    Adjudication a = settled.adjudication();
    ClaimResponse r = new ClaimResponse();
    r.addIdentifier(new Identifier().setSystem(InsuranceCodes.SETTLEMENT).setValue(settled.id()));
    r.setStatus(settled.reversed() ? ClaimResponse.ClaimResponseStatus.CANCELLED : ClaimResponse.ClaimResponseStatus.ACTIVE);
    r.setType(type(a));
    r.setUse(ClaimResponse.Use.CLAIM);
    r.setPatient(new Reference("Patient/" + settled.patient()));
    r.setCreated(Date.from(settled.settledAt()));
    r.setInsurer(insurer(settled, schemeProduct));
    r.setRequestor(provider(settled));
    r.setRequest(new Reference("Claim/" + claimResourceId));
    r.setOutcome(ClaimResponse.RemittanceOutcome.COMPLETE);
    r.setDisposition(disposition(settled));
    for (LineAdjudication line : a.lines()) {
      ClaimResponse.ItemComponent item = r.addItem().setItemSequence(line.sequence());
      rules(line, a).forEach(rule -> item.addExtension(InsuranceCodes.RULE_EXTENSION, new StringType(rule)));
      for (Adjudicated part : parts(line)) {
        ClaimResponse.AdjudicationComponent adj = item.addAdjudication().setCategory(part.category());
        part.amount().ifPresent(adj::setAmount);
        part.value().ifPresent(adj::setValueElement);
        part.reason().ifPresent(adj::setReason);
      }
    }
    for (Adjudicated total : totals(a)) {
      r.addTotal().setCategory(total.category()).setAmount(total.amount().orElseThrow());
    }
    if (a.benefitFen() > 0 && !settled.reversed()) {
      r.getPayment().setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/ex-paymenttype",
          "complete", "Complete"))).setAmount(money(a.benefitFen()));
    }
    return r;
  }

  public static ExplanationOfBenefit explanation(SettledClaim settled, String schemeProduct, Claim claim,
      String claimResourceId, String claimResponseId, Optional<String> coverage) {
    Adjudication a = settled.adjudication();
    ExplanationOfBenefit e = new ExplanationOfBenefit();
    e.addIdentifier(new Identifier().setSystem(InsuranceCodes.SETTLEMENT).setValue(settled.id()));
    e.setStatus(settled.reversed() ? ExplanationOfBenefit.ExplanationOfBenefitStatus.CANCELLED
        : ExplanationOfBenefit.ExplanationOfBenefitStatus.ACTIVE);
    e.setType(type(a));
    e.setUse(ExplanationOfBenefit.Use.CLAIM);
    e.setPatient(new Reference("Patient/" + settled.patient()));
    e.setBillablePeriod(new Period().setStart(Date.from(settled.serviceFrom())).setEnd(Date.from(settled.serviceTo())));
    e.setCreated(Date.from(settled.settledAt()));
    e.setInsurer(insurer(settled, schemeProduct));
    e.setProvider(provider(settled));
    e.setClaim(new Reference("Claim/" + claimResourceId));
    e.setClaimResponse(new Reference("ClaimResponse/" + claimResponseId));
    e.setOutcome(ExplanationOfBenefit.RemittanceOutcome.COMPLETE);
    e.setDisposition(disposition(settled));
    if (claim.hasReferral()) {
      e.setReferral(claim.getReferral());
    }
    for (int i = 0; i < settled.diagnoses().size(); i++) {
      e.addDiagnosis().setSequence(i + 1).setDiagnosis(claim.getDiagnosis().get(i).getDiagnosisCodeableConcept().copy());
    }
    e.addInsurance().setFocal(true).setCoverage(coverage.map(c -> new Reference("Coverage/" + c))
        .orElse(new Reference().setDisplay("not enrolled for the year of care")));
    for (LineAdjudication line : a.lines()) {
      Claim.ItemComponent billed = claim.getItem().stream().filter(i -> i.getSequence() == line.sequence())
          .findFirst().orElseThrow();
      ExplanationOfBenefit.ItemComponent item = e.addItem().setSequence(line.sequence())
          .setProductOrService(billed.getProductOrService().copy()).setCategory(billed.getCategory().copy())
          .setQuantity(billed.getQuantity().copy()).setUnitPrice(billed.getUnitPrice().copy())
          .setNet(money(line.submittedFen()));
      rules(line, a).forEach(rule -> item.addExtension(InsuranceCodes.RULE_EXTENSION, new StringType(rule)));
      for (Adjudicated part : parts(line)) {
        ExplanationOfBenefit.AdjudicationComponent adj = item.addAdjudication().setCategory(part.category());
        part.amount().ifPresent(adj::setAmount);
        part.value().ifPresent(adj::setValueElement);
        part.reason().ifPresent(adj::setReason);
      }
    }
    for (Adjudicated total : totals(a)) {
      e.addTotal().setCategory(total.category()).setAmount(total.amount().orElseThrow());
    }
    if (a.benefitFen() > 0 && !settled.reversed()) {
      e.getPayment().setAmount(money(a.benefitFen()));
    }
    return e;
  }

  private record Adjudicated(CodeableConcept category, Optional<Money> amount, Optional<DecimalType> value,
      Optional<CodeableConcept> reason) {}

  private static List<Adjudicated> parts(LineAdjudication line) {
    Optional<CodeableConcept> reason = line.reasons().isEmpty() ? Optional.empty() : Optional.of(reason(line.reasons()));
    return List.of(
        new Adjudicated(fhirCategory("submitted", "Submitted Amount"), Optional.of(money(line.submittedFen())),
            Optional.empty(), Optional.empty()),
        new Adjudicated(fhirCategory("eligible", "Eligible Amount"), Optional.of(money(line.eligibleFen())),
            Optional.empty(), reason),
        new Adjudicated(fhirCategory("deductible", "Deductible"), Optional.of(money(line.deductibleFen())),
            Optional.empty(), Optional.empty()),
        new Adjudicated(fhirCategory("eligpercent", "Eligible %"), Optional.empty(),
            Optional.of(new DecimalType(BigDecimal.valueOf(line.ratioBp()).movePointLeft(2))), Optional.empty()),
        new Adjudicated(fhirCategory("copay", "CoPay"), Optional.of(money(line.copayFen())),
            Optional.empty(), Optional.empty()),
        new Adjudicated(fhirCategory("benefit", "Benefit Amount"), Optional.of(money(line.benefitFen())),
            Optional.empty(), Optional.empty()),
        new Adjudicated(patientShare(), Optional.of(money(line.patientShareFen())), Optional.empty(), Optional.empty()));
  }

  private static List<Adjudicated> totals(Adjudication a) {
    return List.of(
        new Adjudicated(fhirCategory("submitted", "Submitted Amount"), Optional.of(money(a.submittedFen())),
            Optional.empty(), Optional.empty()),
        new Adjudicated(fhirCategory("eligible", "Eligible Amount"), Optional.of(money(a.eligibleFen())),
            Optional.empty(), Optional.empty()),
        new Adjudicated(fhirCategory("deductible", "Deductible"), Optional.of(money(a.deductibleFen())),
            Optional.empty(), Optional.empty()),
        new Adjudicated(fhirCategory("copay", "CoPay"), Optional.of(money(a.copayFen())),
            Optional.empty(), Optional.empty()),
        new Adjudicated(fhirCategory("benefit", "Benefit Amount"), Optional.of(money(a.benefitFen())),
            Optional.empty(), Optional.empty()),
        new Adjudicated(patientShare(), Optional.of(money(a.patientShareFen())), Optional.empty(), Optional.empty()));
  }

  private static List<String> rules(LineAdjudication line, Adjudication a) {
    return line.rules().stream().map(rule -> a.scheme() + "#" + rule).toList();
  }

  private static CodeableConcept reason(List<Reason> reasons) {
    CodeableConcept c = new CodeableConcept();
    reasons.forEach(r -> c.addCoding(new Coding(Reason.SYSTEM, r.code(), r.display())));
    return c;
  }

  static CodeableConcept fhirCategory(String code, String display) {
    return new CodeableConcept(new Coding(InsuranceCodes.FHIR_ADJUDICATION, code, display));
  }

  static CodeableConcept patientShare() {
    return new CodeableConcept(new Coding(InsuranceCodes.ADJUDICATION_CATEGORY, "patient-share", "Patient's share"));
  }

  private static CodeableConcept type(Adjudication a) {
    String code = a.setting() == cn.healthcard.hub.insurance.scheme.CareSetting.INPATIENT ? "institutional" : "professional";
    return new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/claim-type", code, null));
  }

  static Reference insurer(SettledClaim settled, String product) {
    return new Reference().setIdentifier(new Identifier().setSystem(InsuranceCodes.SCHEME).setValue(product))
        .setDisplay("scheme of county " + settled.county() + ", " + settled.year());
  }

  private static Reference provider(SettledClaim settled) {
    return new Reference().setIdentifier(new Identifier().setSystem(HubCodeSystems.INSTITUTION)
        .setValue(settled.institution()));
  }

  private static String disposition(SettledClaim settled) {
    Adjudication a = settled.adjudication();
    if (settled.reversed()) {
      return "reversed: the fund's share of " + yuan(a.benefitFen()) + " CNY is taken back";
    }
    if (a.refused()) {
      return "not paid by the fund: " + String.join(", ", a.claimReasons().stream().map(Reason::display).toList());
    }
    return "settled under " + a.scheme() + ": fund " + yuan(a.benefitFen()) + " CNY, patient " + yuan(a.patientShareFen())
        + " CNY";
  }

  /** An amount of fen as Money in CNY with two decimals. */
  public static Money money(long fen) {
    return new Money().setValue(BigDecimal.valueOf(fen).movePointLeft(2).setScale(2)).setCurrency("CNY");
  }

  public static String yuan(long fen) {
    return BigDecimal.valueOf(fen).movePointLeft(2).setScale(2).toPlainString();
  }

}
