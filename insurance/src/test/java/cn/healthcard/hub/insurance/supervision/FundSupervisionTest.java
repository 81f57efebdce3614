package cn.healthcard.hub.insurance.supervision;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.insurance.adjudication.Adjudication;
import cn.healthcard.hub.insurance.adjudication.LineAdjudication;
import cn.healthcard.hub.insurance.claims.SettledClaim;
import cn.healthcard.hub.insurance.scheme.CareSetting;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import cn.healthcard.hub.insurance.scheme.ItemClass;
import cn.healthcard.hub.insurance.scheme.SchemeRules;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each fund-supervision rule with its evidence, and the claims it must leave alone. */
class FundSupervisionTest {

  static final SchemeRules RULES = new SchemeRules(Map.of(), 0, Map.of(), 0, 0, Set.of(), Map.of(), List.of(),
      OptionalInt.empty(), OptionalInt.empty(), 0, false, 0, Set.of("331202001"), Set.of("311000014"));
  static final String MAN = number("19800101", false);
  static final String WOMAN = number("19800101", true);
  static final PersonFacts ALIVE = new PersonFacts("p", Optional.empty(), Optional.of("active"));

  static String number(String birth, boolean female) {
    for (int seq = 100; ; seq++) {
      String body = "210124" + birth + seq;
      String n = body + ResidentIdNumber.checkCharacter(body);
      if ((ResidentIdNumber.parse(n).sex() == ResidentIdNumber.Sex.FEMALE) == female) {
        return n;
      }
    }
  }

  static SettledClaim claim(String id, String institution, String card, CareSetting setting, String from, String to,
      String... items) {
    List<LineAdjudication> lines = new java.util.ArrayList<>();
    int sequence = 1;
    for (String item : items) {
      lines.add(new LineAdjudication(sequence++, item, ItemClass.A, BigDecimal.ONE, BigDecimal.ONE, 10_000, 10_000, 0,
          4_000, 6_000, 6_000, List.of(), List.of()));
    }
    return new SettledClaim(id, institution, "no-" + id, card, "p", "210124", 2031, 1, HospitalLevel.COUNTY,
        Instant.parse(from), Instant.parse(to), List.of("J18.9"), String.join(";", items), "settled", "payable",
        new Adjudication("210124/2031/v1", setting, lines, List.of()), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Instant.parse(to));
  }

  static List<SupervisionRule> rules(List<Finding> findings) {
    return findings.stream().map(Finding::rule).toList();
  }

  @Test
  void theSameCardAtTwoHospitalsOnOneDay() {
    SettledClaim here = claim("C2", "H2", MAN, CareSetting.OUTPATIENT, "2031-03-01T06:00:00Z", "2031-03-01T07:00:00Z", "x");
    SettledClaim there = claim("C1", "H1", MAN, CareSetting.OUTPATIENT, "2031-03-01T01:00:00Z", "2031-03-01T02:00:00Z", "y");
    SettledClaim sameHospital = claim("C0", "H2", MAN, CareSetting.OUTPATIENT, "2031-03-01T01:00:00Z", "2031-03-01T02:00:00Z", "z");
    SettledClaim nextDay = claim("C3", "H3", MAN, CareSetting.OUTPATIENT, "2031-03-02T01:00:00Z", "2031-03-02T02:00:00Z", "z");

    List<Finding> found = FundSupervision.evaluate(here, List.of(there, sameHospital, nextDay), ALIVE, RULES, Optional.empty());

    assertThat(rules(found)).containsExactly(SupervisionRule.SAME_DAY_TWO_HOSPITALS);
    assertThat(found.get(0).evidenceClaims()).containsExactly("C1");
  }

  @Test
  void overlappingAdmissionsAndASplitAdmission() {
    SettledClaim admission = claim("A2", "H2", MAN, CareSetting.INPATIENT, "2031-03-10T00:00:00Z", "2031-03-15T00:00:00Z", "x");
    SettledClaim overlapping = claim("A1", "H1", MAN, CareSetting.INPATIENT, "2031-03-12T00:00:00Z", "2031-03-20T00:00:00Z", "y");
    SettledClaim justBefore = claim("A0", "H2", MAN, CareSetting.INPATIENT, "2031-03-01T00:00:00Z", "2031-03-09T12:00:00Z", "z");
    SettledClaim longBefore = claim("A9", "H2", MAN, CareSetting.INPATIENT, "2031-02-01T00:00:00Z", "2031-03-08T00:00:00Z", "w");

    List<Finding> found = FundSupervision.evaluate(admission, List.of(overlapping, justBefore, longBefore), ALIVE, RULES,
        Optional.empty());

    assertThat(rules(found)).containsExactly(SupervisionRule.OVERLAPPING_ADMISSIONS, SupervisionRule.SPLIT_ADMISSION);
    assertThat(found.get(0).evidenceClaims()).containsExactly("A1");
    assertThat(found.get(1).evidenceClaims()).containsExactly("A0");
  }

  @Test
  void aCardNotLiveAndCareAfterDeath() {
    SettledClaim c = claim("D1", "H1", MAN, CareSetting.OUTPATIENT, "2031-03-10T02:00:00Z", "2031-03-10T03:00:00Z", "x");

    assertThat(rules(FundSupervision.evaluate(c, List.of(), new PersonFacts("p", Optional.empty(), Optional.of("frozen")),
        RULES, Optional.empty()))).containsExactly(SupervisionRule.CARD_NOT_LIVE);
    assertThat(rules(FundSupervision.evaluate(c, List.of(),
        new PersonFacts("p", Optional.of(LocalDate.of(2031, 3, 9)), Optional.of("cancelled")), RULES, Optional.empty())))
        .containsExactly(SupervisionRule.CARD_NOT_LIVE, SupervisionRule.DECEASED);
    // died the same day: care that day is not after death
    assertThat(FundSupervision.evaluate(c, List.of(), new PersonFacts("p", Optional.of(LocalDate.of(2031, 3, 10)),
        Optional.of("active")), RULES, Optional.empty())).isEmpty();
  }

  @Test
  void itemsOfTheOtherSexAndCareBeforeBirth() {
    SettledClaim man = claim("S1", "H1", MAN, CareSetting.OUTPATIENT, "2031-03-10T02:00:00Z", "2031-03-10T03:00:00Z",
        "331202001", "110200001");
    SettledClaim woman = claim("S2", "H1", WOMAN, CareSetting.OUTPATIENT, "2031-03-10T02:00:00Z", "2031-03-10T03:00:00Z",
        "331202001");
    // a bill dated before the holder was born
    SettledClaim unborn = claim("S3", "H1", number("20260401", false), CareSetting.OUTPATIENT, "2026-03-10T02:00:00Z",
        "2026-03-10T03:00:00Z", "110200001");

    List<Finding> found = FundSupervision.evaluate(man, List.of(), ALIVE, RULES, Optional.empty());
    assertThat(rules(found)).containsExactly(SupervisionRule.SEX_CONTRADICTION);
    assertThat(found.get(0).detail()).contains("331202001").doesNotContain("110200001");
    assertThat(FundSupervision.evaluate(woman, List.of(), ALIVE, RULES, Optional.empty())).isEmpty();
    assertThat(rules(FundSupervision.evaluate(unborn, List.of(), ALIVE, RULES, Optional.empty())))
        .containsExactly(SupervisionRule.AGE_CONTRADICTION);
  }

  @Test
  void theSameBillFromTheSameHospitalAgain() {
    SettledClaim again = claim("R2", "H1", MAN, CareSetting.OUTPATIENT, "2031-03-20T02:00:00Z", "2031-03-20T03:00:00Z", "a", "b");
    SettledClaim first = claim("R1", "H1", MAN, CareSetting.OUTPATIENT, "2031-03-10T02:00:00Z", "2031-03-10T03:00:00Z", "a", "b");
    SettledClaim otherHospital = claim("R0", "H2", MAN, CareSetting.OUTPATIENT, "2031-03-12T02:00:00Z", "2031-03-12T03:00:00Z", "a", "b");

    List<Finding> found = FundSupervision.evaluate(again, List.of(first, otherHospital), ALIVE, RULES, Optional.empty());

    assertThat(rules(found)).containsExactly(SupervisionRule.REPEATED_CLAIM);
    assertThat(found.get(0).evidenceClaims()).containsExactly("R1");
  }

  @Test
  void aQuantityFarAboveWhatTheDiagnosisUsuallyBillsIsFlagged() {
    SettledClaim c = claim("Q1", "H1", MAN, CareSetting.INPATIENT, "2031-03-10T02:00:00Z", "2031-03-12T03:00:00Z",
        "x", "y");
    Map<String, QuantityStatistic> usual = Map.of(
        "x", new QuantityStatistic("x", 40, 0.2, 0.1),
        "y", new QuantityStatistic("y", 40, 1.0, 0.5));

    List<Finding> found = FundSupervision.evaluate(c, List.of(), ALIVE, RULES, Optional.empty(), usual);

    // x: 1 > 0.2 + 3 x 0.1; y: 1 is usual
    assertThat(rules(found)).containsExactly(SupervisionRule.QUANTITY_OUTLIER);
    assertThat(found.get(0).detail()).contains("x x 1").doesNotContain("y x");
    assertThat(FundSupervision.evaluate(c, List.of(), ALIVE, RULES, Optional.empty(),
        Map.of("x", new QuantityStatistic("x", 29, 0.2, 0.1)))).isEmpty();
  }

  @Test
  void aCostOutlierNeedsEnoughClaimsToSayWhatIsUsual() {
    SettledClaim c = claim("O1", "H1", MAN, CareSetting.INPATIENT, "2031-03-10T02:00:00Z", "2031-03-12T03:00:00Z", "x");
    CostStatistic usual = new CostStatistic("J18.9", "county", "inpatient", 30, 3_000.0, 1_000.0);
    CostStatistic few = new CostStatistic("J18.9", "county", "inpatient", 29, 3_000.0, 1_000.0);
    CostStatistic wide = new CostStatistic("J18.9", "county", "inpatient", 30, 3_000.0, 3_000.0);

    assertThat(rules(FundSupervision.evaluate(c, List.of(), ALIVE, RULES, Optional.of(usual))))
        .containsExactly(SupervisionRule.COST_OUTLIER);
    assertThat(FundSupervision.evaluate(c, List.of(), ALIVE, RULES, Optional.of(few))).isEmpty();
    // 10,000 is not above 3,000 + 3 x 3,000
    assertThat(FundSupervision.evaluate(c, List.of(), ALIVE, RULES, Optional.of(wide))).isEmpty();
  }
}
