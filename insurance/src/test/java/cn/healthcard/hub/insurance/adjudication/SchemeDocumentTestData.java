package cn.healthcard.hub.insurance.adjudication;

import cn.healthcard.hub.insurance.scheme.Scheme;
import cn.healthcard.hub.insurance.scheme.SchemeRules;
import java.util.OptionalInt;

/** Variations of the sample scheme for rules it leaves off. */
final class SchemeDocumentTestData {
  private SchemeDocumentTestData() {}

  static Scheme withOutpatientDeductible(Scheme s, long fen) {
    SchemeRules r = s.rules();
    return with(s, new SchemeRules(r.inpatientDeductibleFen(), fen, r.ratioBp(), r.annualCapFen(),
        r.outpatientAnnualCapFen(), r.excludedItems(), r.itemClasses(), r.frequencyLimits(), r.admissionsPerYear(),
        r.visitsPerYear(), r.waitingPeriodDays(), r.referralRequiredOutsideCounty(), r.unreferredRatioFactorBp(),
        r.femaleOnlyItems(), r.maleOnlyItems()));
  }

  static Scheme withAdmissionsPerYear(Scheme s, int admissions) {
    SchemeRules r = s.rules();
    return with(s, new SchemeRules(r.inpatientDeductibleFen(), r.outpatientDeductibleFen(), r.ratioBp(),
        r.annualCapFen(), r.outpatientAnnualCapFen(), r.excludedItems(), r.itemClasses(), r.frequencyLimits(),
        OptionalInt.of(admissions), r.visitsPerYear(), r.waitingPeriodDays(), r.referralRequiredOutsideCounty(),
        r.unreferredRatioFactorBp(), r.femaleOnlyItems(), r.maleOnlyItems()));
  }

  private static Scheme with(Scheme s, SchemeRules rules) {
    return new Scheme(s.county(), s.year(), s.version(), s.product(), s.name(), s.contributionFen(), s.enrolmentFrom(),
        s.enrolmentTo(), s.premiumGraceDays(), rules);
  }
}
