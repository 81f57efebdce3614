package cn.healthcard.hub.insurance.fhir;

import cn.healthcard.hub.insurance.Insurance;
import cn.healthcard.hub.insurance.adjudication.Usage;
import cn.healthcard.hub.insurance.scheme.Scheme;
import cn.healthcard.hub.insurance.scheme.SchemeRules;
import java.util.Date;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.UnsignedIntType;

/**
 * An eligibility check's answer: in force or not (with the reason), and per benefit what the year
 * allows, has used and has left: the fund's annual cap, the outpatient cap, the outpatient
 * deductible, the inpatient deductible at the asking hospital's level, admissions and visits;
 * items asked about that the scheme excludes. Pure.
 */
public final class EligibilityToFhir {

  private EligibilityToFhir() {}

  public static CoverageEligibilityResponse response(CoverageEligibilityRequest request, Insurance.Eligibility e,
      Date now) {
    CoverageEligibilityResponse r = new CoverageEligibilityResponse();
    r.setStatus(CoverageEligibilityResponse.EligibilityResponseStatus.ACTIVE);
    r.addPurpose(CoverageEligibilityResponse.EligibilityResponsePurpose.BENEFITS);
    r.addPurpose(CoverageEligibilityResponse.EligibilityResponsePurpose.VALIDATION);
    r.setPatient(new Reference("Patient/" + e.patient()));
    r.setCreated(now);
    if (request.hasServicedDateType()) {
      r.setServiced(request.getServicedDateType().copy());
    }
    r.setRequestor(request.getProvider());
    r.setRequest(new Reference().setDisplay("eligibility check"));
    r.setOutcome(org.hl7.fhir.r4.model.Enumerations.RemittanceOutcome.COMPLETE);
    r.setInsurer(e.scheme().map(s -> new Reference().setIdentifier(new org.hl7.fhir.r4.model.Identifier()
        .setSystem(InsuranceCodes.SCHEME).setValue(s.product())).setDisplay(s.name()))
        .orElse(new Reference().setDisplay("no scheme for the person's county and year")));
    e.refusal().ifPresent(reason -> r.setDisposition(reason.display()));
    CoverageEligibilityResponse.InsuranceComponent insurance = r.addInsurance();
    e.enrolment().flatMap(en -> en.coverage()).ifPresent(c -> insurance.setCoverage(new Reference("Coverage/" + c)));
    if (!insurance.hasCoverage()) {
      insurance.setCoverage(new Reference().setDisplay("not enrolled for the year"));
    }
    insurance.setInforce(e.refusal().isEmpty());
    if (e.scheme().isEmpty()) {
      return r;
    }
    Scheme scheme = e.scheme().get();
    SchemeRules rules = scheme.rules();
    Usage used = e.usage();
    CoverageEligibilityResponse.ItemsComponent item = insurance.addItem();
    item.setCategory(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/ex-benefitcategory",
        "1", "Medical Care")));
    item.setName(scheme.name());
    item.setExcluded(false);
    benefit(item, "annual-cap", "Fund's annual cap", rules.annualCapFen(), used.fundPaidFen());
    benefit(item, "outpatient-cap", "Fund's outpatient cap", rules.outpatientAnnualCapFen(), used.outpatientFundPaidFen());
    benefit(item, "outpatient-deductible", "Outpatient deductible for the year", rules.outpatientDeductibleFen(),
        used.outpatientDeductibleFen());
    e.provider().ifPresent(p -> {
      long deductible = rules.inpatientDeductibleFen().get(p.level());
      item.addBenefit().setType(type("inpatient-deductible", "Deductible per admission at a " + p.level().code()
          + " hospital")).setAllowed(SettlementToFhir.money(deductible));
    });
    count(item, "admissions", "Admissions paid per year", rules.admissionsPerYear(), used.admissions());
    count(item, "visits", "Outpatient visits paid per year", rules.visitsPerYear(), used.visits());
    for (String excluded : e.excludedAsked()) {
      insurance.addItem().setExcluded(true)
          .setProductOrService(new CodeableConcept(new Coding(InsuranceCodes.CATALOGUE, excluded, null)))
          .setDescription("excluded from the scheme");
    }
    return r;
  }

  private static void benefit(CoverageEligibilityResponse.ItemsComponent item, String code, String display,
      long allowedFen, long usedFen) {
    item.addBenefit().setType(type(code, display)).setAllowed(SettlementToFhir.money(allowedFen))
        .setUsed(SettlementToFhir.money(Math.min(usedFen, allowedFen)));
    item.addBenefit().setType(type(code + "-left", display + ", left"))
        .setAllowed(SettlementToFhir.money(Math.max(0, allowedFen - usedFen)));
  }

  private static void count(CoverageEligibilityResponse.ItemsComponent item, String code, String display,
      java.util.OptionalInt limit, int used) {
    CoverageEligibilityResponse.BenefitComponent b = item.addBenefit().setType(type(code, display))
        .setUsed(new UnsignedIntType(used));
    if (limit.isPresent()) {
      b.setAllowed(new UnsignedIntType(limit.getAsInt()));
      item.addBenefit().setType(type(code + "-left", display + ", left"))
          .setAllowed(new UnsignedIntType(Math.max(0, limit.getAsInt() - used)));
    }
  }

  private static CodeableConcept type(String code, String display) {
    return new CodeableConcept(new Coding(InsuranceCodes.BENEFIT_TYPE, code, display));
  }
}
