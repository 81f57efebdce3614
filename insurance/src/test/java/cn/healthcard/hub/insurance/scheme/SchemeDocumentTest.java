package cn.healthcard.hub.insurance.scheme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

class SchemeDocumentTest {

  @Test
  void everyProblemIsNamedByItsPointerInOneRound() {
    String json = """
        {"county": "21012", "year": 2026, "product": "P", "name": "N", "contributionPerPersonFen": -1,
         "enrolmentWindow": {"from": "2026-03-01", "to": "2026-02-01"}, "premiumGraceDays": 30,
         "waitingPeriodDays": 30,
         "deductible": {"outpatientPerYearFen": 0, "inpatientPerAdmissionFen": {"township": 1, "county": 1, "city": 1}},
         "reimbursementBp": {"inpatient": {}, "outpatient": {}},
         "annualCapFen": 100, "outpatientAnnualCapFen": 200,
         "itemClasses": {"X": "D"},
         "frequencyLimits": [{"item": "Y", "max": 1, "per": "week"}],
         "outOfCounty": {"referralRequired": true, "unreferredRatioFactorBp": 20000}}
        """;

    InvalidScheme e = catchThrowableOfType(() -> SchemeDocument.read(json, 1), InvalidScheme.class);

    assertThat(e.problems()).extracting(InvalidScheme.Problem::path).contains(
        "/county", "/contributionPerPersonFen", "/enrolmentWindow/to",
        "/deductible/inpatientPerAdmissionFen/province", "/reimbursementBp/inpatient/township/A",
        "/outpatientAnnualCapFen", "/itemClasses/X", "/frequencyLimits/0/per",
        "/outOfCounty/unreferredRatioFactorBp");
    assertThat(e.problems()).hasSize(9 + 15);
  }

  @Test
  void notJsonIsOneProblemAtTheRoot() {
    InvalidScheme e = catchThrowableOfType(() -> SchemeDocument.read("{county:", 1), InvalidScheme.class);

    assertThat(e.problems()).hasSize(1);
    assertThat(e.problems().get(0).path()).isEmpty();
  }
}
