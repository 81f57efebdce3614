package cn.healthcard.hub.insurance;

import static cn.healthcard.hub.insurance.ClaimsForTests.claim;
import static cn.healthcard.hub.insurance.ClaimsForTests.item;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.insurance.enrolment.EnrolmentKind;
import cn.healthcard.hub.insurance.supervision.StoredFinding;
import cn.healthcard.hub.insurance.supervision.SupervisionRule;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The nightly pass on a real PostgreSQL: it finds what a claim could not see when it settled (a
 * claim of another hospital that came later; a cost far above the statistics it computes), once.
 */
class NightlySupervisionTest {

  static {
    HouseholdYearTest.scheme();
  }

  private final Insurance insurance = HouseholdYearTest.insurance;

  @Test
  void theNightlyPassFindsWhatArrivedLaterAndFindsItOnce() {
    MovableClock clock = HouseholdYearTest.CLOCK;
    clock.set("2030-11-15T10:00:00");
    InsuranceRepository.Household h = HouseholdYearTest.household();
    String card = HouseholdYearTest.card(h, 0);
    Insurance.Enrolled enrolled = insurance.enrol(h.id(), Optional.of(HouseholdYearTest.YEAR), EnrolmentKind.REGULAR, "o");
    insurance.invoicePaid(enrolled.invoice(), clock.instant(), "bank");

    clock.set("2031-10-10T12:00:00");
    Insurance.Submitted first = insurance.submit(claim("N1-" + card, card, false, "2031-10-10T09:00:00",
        "2031-10-10T09:30:00", item("110200001", "A", "1", "50.00")), HouseholdYearTest.TOWNSHIP);
    assertThat(first.findings()).isEmpty();
    clock.set("2031-10-10T18:00:00");
    Insurance.Submitted second = insurance.submit(claim("N2-" + card, card, false, "2031-10-10T15:00:00",
        "2031-10-10T15:30:00", item("110200001", "A", "1", "60.00")), HouseholdYearTest.COUNTY_HOSPITAL);
    assertThat(second.findings()).extracting(StoredFinding::rule).containsExactly(SupervisionRule.SAME_DAY_TWO_HOSPITALS);
    assertThat(second.findings().get(0).evidenceClaims()).containsExactly(first.claim().id());

    clock.set("2031-10-11T02:30:00");
    NightlySupervision nightly = new NightlySupervision(insurance, HouseholdYearTest.jdbc, clock, LocalTime.of(2, 30), "test");
    int found = nightly.run(LocalDate.of(2031, 10, 10), false);
    assertThat(found).isGreaterThanOrEqualTo(1);
    List<StoredFinding> ofFirst = insurance.findings().ofClaim(first.claim().id());
    assertThat(ofFirst).extracting(StoredFinding::rule).containsExactly(SupervisionRule.SAME_DAY_TWO_HOSPITALS);
    assertThat(ofFirst.get(0).evidenceClaims()).containsExactly(second.claim().id());
    assertThat(nightly.status().state()).isEqualTo("done");
    assertThat(nightly.status().done()).isEqualTo(nightly.status().claims());

    assertThat(nightly.run(LocalDate.of(2031, 10, 10), false)).isEqualTo(-1);
    assertThat(nightly.run(LocalDate.of(2031, 10, 10), true)).isZero();
    nightly.close();
  }

  @Test
  void aCostFarAboveTheDiagnosisUsualAtThisLevelIsAnOutlier() {
    MovableClock clock = HouseholdYearTest.CLOCK;
    clock.set("2031-09-01T10:00:00");
    String diagnosis = "K35." + (System.nanoTime() % 1000);
    for (int i = 0; i < 40; i++) {
      String person = ClaimsForTests.card(HouseholdYearTest.COUNTY, i % 2 == 0);
      HouseholdYearTest.REPOSITORY.people.put(person, new cn.healthcard.hub.insurance.supervision.PersonFacts(
          "P" + person, Optional.empty(), Optional.of("active")));
      org.hl7.fhir.r4.model.Claim usual = claim("U" + i + "-" + person, person, true, "2031-08-01T08:00:00",
          "2031-08-05T08:00:00", item("120100001", "A", "1", String.valueOf(3000 + 10 * (i % 7))));
      usual.getDiagnosisFirstRep().getDiagnosisCodeableConcept().getCodingFirstRep().setCode(diagnosis);
      insurance.submit(usual, HouseholdYearTest.COUNTY_HOSPITAL);
    }
    assertThat(insurance.costs().refresh()).isGreaterThan(0);

    String person = ClaimsForTests.card(HouseholdYearTest.COUNTY, false);
    HouseholdYearTest.REPOSITORY.people.put(person, new cn.healthcard.hub.insurance.supervision.PersonFacts(
        "P" + person, Optional.empty(), Optional.of("active")));
    org.hl7.fhir.r4.model.Claim expensive = claim("X-" + person, person, true, "2031-08-10T08:00:00",
        "2031-08-15T08:00:00", item("120100001", "A", "1", "30000.00"));
    expensive.getDiagnosisFirstRep().getDiagnosisCodeableConcept().getCodingFirstRep().setCode(diagnosis);
    Insurance.Submitted outlier = insurance.submit(expensive, HouseholdYearTest.COUNTY_HOSPITAL);

    assertThat(outlier.findings()).extracting(StoredFinding::rule).containsExactly(SupervisionRule.COST_OUTLIER);
    assertThat(outlier.findings().get(0).detail()).contains("40 claims of " + diagnosis);
  }
}
