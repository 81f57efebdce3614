package cn.healthcard.hub.terminology.growth;

import static cn.healthcard.hub.terminology.growth.Indicator.BMI_FOR_AGE;
import static cn.healthcard.hub.terminology.growth.Indicator.HEAD_CIRCUMFERENCE_FOR_AGE;
import static cn.healthcard.hub.terminology.growth.Indicator.LENGTH_HEIGHT_FOR_AGE;
import static cn.healthcard.hub.terminology.growth.Indicator.WEIGHT_FOR_AGE;
import static cn.healthcard.hub.terminology.growth.Sex.FEMALE;
import static cn.healthcard.hub.terminology.growth.Sex.MALE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GrowthStandardsTest {

  private static final GrowthStandards WHO = GrowthStandards.standard();

  private static GrowthResult assess(Indicator i, Sex sex, int days, double value) {
    return WHO.assess(i, sex, days, value).orElseThrow();
  }

  @Test
  void boyAtBirthWeighingTheMedianIsAtZeroAndTheFiftiethPercentile() {
    GrowthResult r = assess(WEIGHT_FOR_AGE, MALE, 0, 3.3464);
    assertThat(r.zScore()).isCloseTo(0, within(1e-9));
    assertThat(r.percentile()).isCloseTo(50, within(1e-9));
    assertThat(r.lms()).isEqualTo(new Lms(0.3487, 3.3464, 0.14602));
    assertThat(r.restrictedRuleApplied()).isFalse();
    assertThat(r.percentileLoinc()).isEqualTo("8336-0");
  }

  @Test
  void boyAtTwelveMonthsWeighingThePublishedMedianIsAtZero() {
    // WHO weight-for-age boys, 12 months (365.25 days): M = 9.6479 kg
    GrowthResult r = assess(WEIGHT_FOR_AGE, MALE, 365, 9.6479);
    assertThat(r.zScore()).isCloseTo(0, within(0.01));
    assertThat(r.percentile()).isCloseTo(50, within(0.5));
  }

  @Test
  void mediansAtBirthOfTheOtherStandards() {
    assertThat(assess(LENGTH_HEIGHT_FOR_AGE, MALE, 0, 49.8842).zScore()).isCloseTo(0, within(1e-9));
    assertThat(assess(LENGTH_HEIGHT_FOR_AGE, FEMALE, 0, 49.1477).zScore()).isCloseTo(0, within(1e-9));
    assertThat(assess(HEAD_CIRCUMFERENCE_FOR_AGE, MALE, 0, 34.4618).zScore()).isCloseTo(0, within(1e-9));
    assertThat(assess(HEAD_CIRCUMFERENCE_FOR_AGE, FEMALE, 0, 33.8787).zScore()).isCloseTo(0, within(1e-9));
    assertThat(assess(BMI_FOR_AGE, MALE, 0, 13.4069).zScore()).isCloseTo(0, within(1e-9));
    assertThat(assess(BMI_FOR_AGE, FEMALE, 0, 13.3363).zScore()).isCloseTo(0, within(1e-9));
  }

  /**
   * Medians of days the packaged table skips, from the WHO daily tables: the interpolation stays
   * within 0.01 z-score of them (day 38, early in the weekly part, is where it is worst).
   */
  @ParameterizedTest
  @CsvSource({
    "WEIGHT_FOR_AGE, MALE, 100, 6.5699",
    "WEIGHT_FOR_AGE, FEMALE, 1522, 16.433",
    "WEIGHT_FOR_AGE, FEMALE, 300, 8.4445",
    "LENGTH_HEIGHT_FOR_AGE, MALE, 600, 83.9267",
    "LENGTH_HEIGHT_FOR_AGE, FEMALE, 1000, 92.8178",
    "HEAD_CIRCUMFERENCE_FOR_AGE, MALE, 100, 40.8555",
    "HEAD_CIRCUMFERENCE_FOR_AGE, FEMALE, 1400, 49.2162",
    "BMI_FOR_AGE, MALE, 100, 16.9923",
    "BMI_FOR_AGE, FEMALE, 1000, 15.4604",
    "WEIGHT_FOR_AGE, MALE, 38, 4.7778",
    "LENGTH_HEIGHT_FOR_AGE, MALE, 38, 55.7285",
    "BMI_FOR_AGE, MALE, 38, 15.4062",
  })
  void interpolatedMediansMatchTheDailyTable(Indicator i, Sex sex, int day, double median) {
    assertThat(assess(i, sex, day, median).zScore()).isCloseTo(0, within(0.01));
  }

  /**
   * The WHO Anthro software's own examples (R package anthro, README): z-scores of four children
   * by age in days, weight, length/height and the BMI from them, rounded to 2 decimals. The BMI
   * ones beyond +-3 come from the restricted rule.
   */
  @ParameterizedTest
  @CsvSource({
    "MALE, 1001, 18, 120, 7.31, 2.20, -3.01",
    "FEMALE, 1000, 15, 80, -3.50, 0.95, 4.66",
    "MALE, 1010, 10, 100, 1.62, -2.76, -5.61",
    "MALE, 1000, 15, 100, 1.70, 0.69, -0.58",
  })
  void whoAnthroExamples(
      Sex sex, int day, double kg, double cm, double zLength, double zWeight, double zBmi) {
    assertThat(assess(LENGTH_HEIGHT_FOR_AGE, sex, day, cm).zScore()).isCloseTo(zLength, within(0.01));
    assertThat(assess(WEIGHT_FOR_AGE, sex, day, kg).zScore()).isCloseTo(zWeight, within(0.01));
    double bmi = kg / Math.pow(cm / 100, 2);
    GrowthResult b = assess(BMI_FOR_AGE, sex, day, bmi);
    assertThat(b.zScore()).isCloseTo(zBmi, within(0.01));
    assertThat(b.restrictedRuleApplied()).isEqualTo(Math.abs(zBmi) > 3);
  }

  @Test
  void whoAnthroTestCaseGirlOf1522Days() {
    // anthro test-zscore-weight-for-age.R: 17 kg, girl, 1522 days -> 0.24
    assertThat(assess(WEIGHT_FOR_AGE, FEMALE, 1522, 17).roundedZScore()).isEqualTo(0.24);
  }

  /**
   * The WHO z-score tables by month (weight-for-age and length/height-for-age, -3 to +3 SD, to 0.1
   * kg or cm), at the day nearest the month (month * 30.4375): the packaged curves round to the
   * published figures.
   */
  @ParameterizedTest
  @CsvSource({
    "WEIGHT_FOR_AGE, MALE, 0, 2.1 2.5 2.9 3.3 3.9 4.4 5.0",
    "WEIGHT_FOR_AGE, FEMALE, 12, 6.3 7.0 7.9 8.9 10.1 11.5 13.1",
    "WEIGHT_FOR_AGE, FEMALE, 24, 8.1 9.0 10.2 11.5 13.0 14.8 17.0",
    "WEIGHT_FOR_AGE, FEMALE, 35, 9.5 10.7 12.0 13.7 15.6 17.9 20.6",
    "LENGTH_HEIGHT_FOR_AGE, FEMALE, 12, 66.3 68.9 71.4 74.0 76.6 79.2 81.7",
    "LENGTH_HEIGHT_FOR_AGE, MALE, 36, 85.0 88.7 92.4 96.1 99.8 103.5 107.2",
    "LENGTH_HEIGHT_FOR_AGE, MALE, 60, 96.1 100.7 105.3 110.0 114.6 119.2 123.9",
    "LENGTH_HEIGHT_FOR_AGE, FEMALE, 60, 95.2 99.9 104.7 109.4 114.2 118.9 123.7",
  })
  void curvesRoundToThePublishedZScoreTables(Indicator i, Sex sex, int month, String published) {
    int day = (int) Math.round(month * 30.4375);
    String[] values = published.split(" ");
    for (int sd = -3; sd <= 3; sd++) {
      double curve = WHO.valueAt(i, sex, day, sd).orElseThrow();
      assertThat(Math.round(curve * 10) / 10.0)
          .as("%s %s %d months %+d SD", i, sex, month, sd)
          .isEqualTo(Double.parseDouble(values[sd + 3]));
    }
  }

  /**
   * The published -2 SD and +2 SD values themselves (rounded to 0.1 kg or cm in the tables) come
   * out at -2 and +2 within that rounding.
   */
  @ParameterizedTest
  @CsvSource({
    "WEIGHT_FOR_AGE, MALE, 0, 2.5, 4.4",
    "WEIGHT_FOR_AGE, FEMALE, 12, 7.0, 11.5",
    "WEIGHT_FOR_AGE, FEMALE, 24, 9.0, 14.8",
    "LENGTH_HEIGHT_FOR_AGE, FEMALE, 12, 68.9, 79.2",
    "LENGTH_HEIGHT_FOR_AGE, MALE, 36, 88.7, 103.5",
    "LENGTH_HEIGHT_FOR_AGE, MALE, 60, 100.7, 119.2",
  })
  void publishedTwoSdValuesAreAtPlusMinusTwo(
      Indicator i, Sex sex, int month, double minus2, double plus2) {
    int day = (int) Math.round(month * 30.4375);
    assertThat(assess(i, sex, day, minus2).zScore())
        .isCloseTo(-2, within(roundingInZ(i, sex, day, -2)));
    assertThat(assess(i, sex, day, plus2).zScore())
        .isCloseTo(2, within(roundingInZ(i, sex, day, 2)));
  }

  /** Half a table step (0.05 kg or cm) in z units at z, plus a little for interpolation. */
  private static double roundingInZ(Indicator i, Sex sex, int day, double z) {
    double perSd =
        (WHO.valueAt(i, sex, day, z + 0.1).orElseThrow()
                - WHO.valueAt(i, sex, day, z - 0.1).orElseThrow())
            / 0.2;
    double tolerance = 0.05 / perSd + 0.005;
    assertThat(tolerance).isLessThan(0.15);
    return tolerance;
  }

  @Test
  void theTwoSdCurvesAreAtPlusMinusTwoWithinAHundredth() {
    for (Indicator i : Indicator.values()) {
      for (Sex sex : Sex.values()) {
        for (int day : List.of(0, 1, 15, 45, 183, 365, 730, 731, 1000, 1826, 1856)) {
          for (double z : List.of(-2.0, 2.0)) {
            double y = WHO.valueAt(i, sex, day, z).orElseThrow();
            assertThat(assess(i, sex, day, y).zScore()).as("%s %s %d %s", i, sex, day, z)
                .isCloseTo(z, within(0.01));
          }
        }
      }
    }
  }

  @Test
  void percentilesComeFromTheNormalDistribution() {
    assertThat(StandardNormal.cdf(0)).isEqualTo(0.5);
    assertThat(StandardNormal.cdf(1)).isCloseTo(0.8413447460685429, within(1e-12));
    assertThat(StandardNormal.cdf(-2)).isCloseTo(0.022750131948179195, within(1e-12));
    assertThat(StandardNormal.cdf(1.959963984540054)).isCloseTo(0.975, within(1e-12));
    assertThat(StandardNormal.cdf(-3)).isCloseTo(0.0013498980316301, within(1e-12));
    assertThat(StandardNormal.cdf(6)).isCloseTo(1 - 9.865876450377e-10, within(1e-12));
    assertThat(StandardNormal.cdf(-8)).isCloseTo(6.22096057427e-16, within(1e-15));
    assertThat(StandardNormal.cdf(-20)).isZero();
    assertThat(StandardNormal.cdf(20)).isEqualTo(1);

    double y = WHO.valueAt(WEIGHT_FOR_AGE, FEMALE, 365, -2).orElseThrow();
    assertThat(assess(WEIGHT_FOR_AGE, FEMALE, 365, y).percentile()).isCloseTo(2.275, within(0.01));
  }

  @Test
  void beyondThreeSdWeightIsScoredByTheRestrictedRule() {
    Lms lms = WHO.lms(WEIGHT_FOR_AGE, FEMALE, 365).orElseThrow();
    double sd3 = lms.valueAt(3);
    double sd2 = lms.valueAt(2);
    double sd3neg = lms.valueAt(-3);
    double sd2neg = lms.valueAt(-2);
    // one (3 SD - 2 SD) beyond the +3 SD curve is z = 4, whatever the LMS curve says there
    double heavy = sd3 + (sd3 - sd2);
    GrowthResult h = assess(WEIGHT_FOR_AGE, FEMALE, 365, heavy);
    assertThat(h.zScore()).isCloseTo(4, within(1e-9));
    assertThat(h.restrictedRuleApplied()).isTrue();
    assertThat(Math.abs(lms.zScore(heavy) - 4)).isGreaterThan(0.1);
    double light = sd3neg - 1.5 * (sd2neg - sd3neg);
    GrowthResult l = assess(WEIGHT_FOR_AGE, FEMALE, 365, light);
    assertThat(l.zScore()).isCloseTo(-4.5, within(1e-9));
    assertThat(l.restrictedRuleApplied()).isTrue();
    // published +3 SD of girls at 12 months: 13.1 kg
    assertThat(assess(WEIGHT_FOR_AGE, FEMALE, 365, 13.1).zScore()).isCloseTo(3, within(0.05));
    // within +-3 SD the rule does not apply
    assertThat(assess(WEIGHT_FOR_AGE, FEMALE, 365, sd3 - 0.01).restrictedRuleApplied()).isFalse();
  }

  @Test
  void lengthAndHeadCircumferenceAreNotRestricted() {
    Lms lms = WHO.lms(LENGTH_HEIGHT_FOR_AGE, MALE, 1001).orElseThrow();
    GrowthResult r = assess(LENGTH_HEIGHT_FOR_AGE, MALE, 1001, 120);
    assertThat(r.zScore()).isEqualTo(lms.zScore(120));
    assertThat(r.restrictedRuleApplied()).isFalse();
    Lms hc = WHO.lms(HEAD_CIRCUMFERENCE_FOR_AGE, FEMALE, 200).orElseThrow();
    assertThat(assess(HEAD_CIRCUMFERENCE_FOR_AGE, FEMALE, 200, 50).zScore())
        .isEqualTo(hc.zScore(50))
        .isGreaterThan(3);
  }

  @Test
  void implausibleValuesAreFlaggedAsTheWhoSoftwareDoes() {
    // anthro test: a girl of 1 day weighing 10.37 kg is flagged (z > 5)
    GrowthResult r = assess(WEIGHT_FOR_AGE, FEMALE, 1, 10.37);
    assertThat(r.zScore()).isGreaterThan(5);
    assertThat(r.implausible()).isTrue();
    assertThat(assess(WEIGHT_FOR_AGE, FEMALE, 1, 3.2).implausible()).isFalse();
    assertThat(WEIGHT_FOR_AGE.implausible(-6.01)).isTrue();
    assertThat(WEIGHT_FOR_AGE.implausible(-5.99)).isFalse();
    assertThat(LENGTH_HEIGHT_FOR_AGE.implausible(5.9)).isFalse();
    assertThat(LENGTH_HEIGHT_FOR_AGE.implausible(6.1)).isTrue();
    assertThat(BMI_FOR_AGE.implausible(-5.1)).isTrue();
    assertThat(HEAD_CIRCUMFERENCE_FOR_AGE.implausible(5.1)).isTrue();
  }

  @Test
  void girlsAndBoysHaveTheirOwnTables() {
    GrowthResult boy = assess(WEIGHT_FOR_AGE, MALE, 0, 3.2322);
    GrowthResult girl = assess(WEIGHT_FOR_AGE, FEMALE, 0, 3.2322);
    assertThat(girl.zScore()).isCloseTo(0, within(1e-9));
    assertThat(boy.zScore()).isLessThan(-0.2);
    assertThat(boy.sex()).isEqualTo(MALE);
    assertThat(girl.sex()).isEqualTo(FEMALE);
    // 75 cm at one year: about the median for boys (75.7) but above it for girls (74.0)
    assertThat(assess(LENGTH_HEIGHT_FOR_AGE, FEMALE, 365, 75).zScore())
        .isGreaterThan(assess(LENGTH_HEIGHT_FOR_AGE, MALE, 365, 75).zScore() + 0.5);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, -365, 1857, 2000, Integer.MAX_VALUE, Integer.MIN_VALUE})
  void agesOutsideTheStandardsAreEmpty(int day) {
    for (Indicator i : Indicator.values()) {
      assertThat(WHO.assess(i, MALE, day, 10)).isEmpty();
      assertThat(WHO.lms(i, FEMALE, day)).isEmpty();
      assertThat(WHO.valueAt(i, FEMALE, day, 0)).isEmpty();
    }
  }

  @Test
  void firstAndLastDayAreCovered() {
    for (Indicator i : Indicator.values()) {
      for (Sex sex : Sex.values()) {
        assertThat(WHO.lms(i, sex, 0)).isPresent();
        assertThat(WHO.lms(i, sex, GrowthStandards.LAST_DAY)).isPresent();
      }
    }
    assertThat(WHO.lms(WEIGHT_FOR_AGE, FEMALE, 1856).orElseThrow())
        .isEqualTo(new Lms(-0.3531, 18.389, 0.14892));
  }

  @Test
  void datesAreTurnedIntoDays() {
    LocalDate born = LocalDate.of(2023, 3, 1);
    GrowthResult r =
        WHO.assess(WEIGHT_FOR_AGE, MALE, born, LocalDate.of(2024, 3, 1), 9.6,
                LengthPosition.NOT_STATED)
            .orElseThrow();
    assertThat(r.ageInDays()).isEqualTo(366);
    assertThat(WHO.assess(WEIGHT_FOR_AGE, MALE, born, born.minusDays(1), 3, LengthPosition.NOT_STATED))
        .isEmpty();
    assertThat(WHO.assess(WEIGHT_FOR_AGE, MALE, born, born.plusYears(6), 20, LengthPosition.NOT_STATED))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(doubles = {0, -1, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void badMeasurementsAreRejected(double value) {
    for (Indicator i : Indicator.values()) {
      assertThatThrownBy(() -> WHO.assess(i, FEMALE, 100, value))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("positive finite number")
          .hasMessageContaining(i.unit());
      // rejected even where the age is outside the standards
      assertThatThrownBy(() -> WHO.assess(i, FEMALE, 5000, value))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void nullArgumentsAreRejected() {
    assertThatThrownBy(() -> WHO.assess(null, MALE, 1, 3)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> WHO.assess(WEIGHT_FOR_AGE, null, 1, 3))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void lengthMeasuredInTheOtherPositionIsCorrectedBySevenMillimetres() {
    // from 731 days the standard is standing height: a lying length counts 0.7 cm less
    GrowthResult lying = WHO.assess(LENGTH_HEIGHT_FOR_AGE, MALE, 800, 90.0, LengthPosition.RECUMBENT)
        .orElseThrow();
    assertThat(lying.value()).isEqualTo(90.0);
    assertThat(lying.standardisedValue()).isCloseTo(89.3, within(1e-9));
    assertThat(lying.zScore()).isEqualTo(assess(LENGTH_HEIGHT_FOR_AGE, MALE, 800, 89.3).zScore());
    // before 731 days the standard is recumbent length: a standing height counts 0.7 cm more
    GrowthResult standing =
        WHO.assess(LENGTH_HEIGHT_FOR_AGE, FEMALE, 400, 75.0, LengthPosition.STANDING).orElseThrow();
    assertThat(standing.standardisedValue()).isCloseTo(75.7, within(1e-9));
    // in the standard's own position, or not stated, nothing changes
    assertThat(WHO.assess(LENGTH_HEIGHT_FOR_AGE, FEMALE, 400, 75.0, LengthPosition.RECUMBENT)
            .orElseThrow().standardisedValue()).isEqualTo(75.0);
    assertThat(WHO.assess(LENGTH_HEIGHT_FOR_AGE, MALE, 800, 90.0, LengthPosition.STANDING)
            .orElseThrow().standardisedValue()).isEqualTo(90.0);
    // the position means nothing to the other indicators
    assertThat(WHO.assess(WEIGHT_FOR_AGE, MALE, 800, 12, LengthPosition.RECUMBENT)
            .orElseThrow().standardisedValue()).isEqualTo(12);
  }

  @Test
  void theStepFromLengthToHeightAt731DaysIsKept() {
    // WHO boys: median length 87.8018 cm at 730 days, median height 87.1303 cm at 731 days
    assertThat(WHO.lms(LENGTH_HEIGHT_FOR_AGE, MALE, 730).orElseThrow().m()).isEqualTo(87.8018);
    assertThat(WHO.lms(LENGTH_HEIGHT_FOR_AGE, MALE, 731).orElseThrow().m()).isEqualTo(87.1303);
    assertThat(WHO.lms(BMI_FOR_AGE, FEMALE, 731).orElseThrow())
        .isEqualTo(new Lms(-0.5684, 15.6881, 0.08454));
  }

  @Test
  void measurementsNamedByLoinc() {
    assertThat(Indicator.forLoinc("29463-7")).contains(WEIGHT_FOR_AGE);
    assertThat(Indicator.forLoinc("8302-2")).contains(LENGTH_HEIGHT_FOR_AGE);
    assertThat(Indicator.forLoinc("8306-3")).contains(LENGTH_HEIGHT_FOR_AGE);
    assertThat(Indicator.forLoinc("8308-9")).contains(LENGTH_HEIGHT_FOR_AGE);
    assertThat(Indicator.forLoinc("9843-4")).contains(HEAD_CIRCUMFERENCE_FOR_AGE);
    assertThat(Indicator.forLoinc("39156-5")).contains(BMI_FOR_AGE);
    assertThat(Indicator.forLoinc("8867-4")).isEmpty();
    assertThat(WEIGHT_FOR_AGE.percentileLoinc()).isEqualTo("8336-0");
    assertThat(LENGTH_HEIGHT_FOR_AGE.percentileLoinc()).isEqualTo("8303-0");
    assertThat(HEAD_CIRCUMFERENCE_FOR_AGE.percentileLoinc()).isEqualTo("8289-1");
    assertThat(BMI_FOR_AGE.percentileLoinc()).isEqualTo("59576-9");

    GrowthResult lying = WHO.assessLoinc("8306-3", MALE, 800, 90.0).orElseThrow();
    assertThat(lying.standardisedValue()).isCloseTo(89.3, within(1e-9));
    GrowthResult stated = WHO.assessLoinc("8302-2", MALE, 800, 90.0).orElseThrow();
    assertThat(stated.standardisedValue()).isEqualTo(90.0);
    assertThat(WHO.assessLoinc("29463-7", FEMALE, 1522, 17).orElseThrow().roundedZScore())
        .isEqualTo(0.24);
    assertThatThrownBy(() -> WHO.assessLoinc("8867-4", MALE, 10, 120))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8867-4");
  }

  @Test
  void valueAtIsTheInverseOfAssess() {
    for (Indicator i : Indicator.values()) {
      for (Sex sex : Sex.values()) {
        for (int day : List.of(0, 3, 30, 200, 730, 731, 1500, 1856)) {
          for (double z : List.of(-4.5, -3.2, -1.0, 0.0, 0.7, 2.9, 3.6, 5.0)) {
            double y = WHO.valueAt(i, sex, day, z).orElseThrow();
            assertThat(assess(i, sex, day, y).zScore()).as("%s %s %d %s", i, sex, day, z)
                .isCloseTo(z, within(1e-9));
          }
        }
      }
    }
  }

  @Test
  void sexFromFhirGender() {
    assertThat(Sex.fromAdministrativeGender("male")).contains(MALE);
    assertThat(Sex.fromAdministrativeGender("female")).contains(FEMALE);
    assertThat(Sex.fromAdministrativeGender("other")).isEmpty();
    assertThat(Sex.fromAdministrativeGender("unknown")).isEmpty();
    assertThat(Sex.fromAdministrativeGender(null)).isEmpty();
  }
}
