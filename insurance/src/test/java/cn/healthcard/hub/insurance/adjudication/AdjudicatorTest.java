package cn.healthcard.hub.insurance.adjudication;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.insurance.scheme.CareSetting;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import cn.healthcard.hub.insurance.scheme.ItemClass;
import cn.healthcard.hub.insurance.scheme.Scheme;
import cn.healthcard.hub.insurance.scheme.SchemeDocument;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One case per rule of the sample scheme (its figures are in {@code sample-scheme.json}: inpatient
 * deductible 100/300/800/1200 yuan by level, class A ratio 90/80/65/55%, outpatient cap 400 yuan,
 * annual cap 200,000 yuan), each with its boundary.
 */
class AdjudicatorTest {

  static Scheme sample() {
    try (InputStream in = AdjudicatorTest.class.getResourceAsStream("/cn/healthcard/hub/insurance/sample-scheme.json")) {
      return SchemeDocument.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), 1);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final Scheme SCHEME = sample();

  static ClaimLine line(int sequence, String item, ItemClass itemClass, String quantity, long unitFen) {
    return new ClaimLine(sequence, item, itemClass, new BigDecimal(quantity), unitFen);
  }

  static Adjudication inpatient(HospitalLevel level, Usage usage, ClaimLine... lines) {
    return Adjudicator.adjudicate(SCHEME, Optional.empty(), usage,
        new ClaimToAdjudicate(CareSetting.INPATIENT, level, false, false, List.of(lines)));
  }

  static Adjudication outpatient(HospitalLevel level, Usage usage, ClaimLine... lines) {
    return Adjudicator.adjudicate(SCHEME, Optional.empty(), usage,
        new ClaimToAdjudicate(CareSetting.OUTPATIENT, level, false, false, List.of(lines)));
  }

  @ParameterizedTest(name = "{0}: deductible {1} fen, class A ratio {2} bp")
  @CsvSource({"TOWNSHIP, 10000, 9000", "COUNTY, 30000, 8000", "CITY, 80000, 6500", "PROVINCE, 120000, 5500"})
  void inpatientDeductibleAndRatioFollowTheHospitalLevel(HospitalLevel level, long deductible, int ratio) {
    Adjudication a = inpatient(level, Usage.NONE, line(1, "120100001", ItemClass.A, "10", 50_000));

    LineAdjudication only = a.lines().get(0);
    assertThat(only.submittedFen()).isEqualTo(500_000);
    assertThat(only.eligibleFen()).isEqualTo(500_000);
    assertThat(only.deductibleFen()).isEqualTo(deductible);
    assertThat(only.ratioBp()).isEqualTo(ratio);
    assertThat(only.benefitFen()).isEqualTo((500_000 - deductible) * ratio / 10_000);
    assertThat(only.copayFen()).isEqualTo(500_000 - deductible - only.benefitFen());
    assertThat(only.patientShareFen()).isEqualTo(500_000 - only.benefitFen());
    assertThat(only.rules()).containsExactly("deductible.inpatientPerAdmissionFen." + level.code(),
        "reimbursementBp.inpatient." + level.code() + ".A");
    assertThat(a.scheme()).isEqualTo("210124/2026/v1");
  }

  @Test
  void deductibleMetMidClaimFallsOnTheLineThatMeetsIt() {
    // county hospital: 300 yuan deductible; the first line (200 yuan) takes 200, the second 100 of its 500
    Adjudication a = inpatient(HospitalLevel.COUNTY, Usage.NONE,
        line(1, "250101001", ItemClass.A, "1", 20_000),
        line(2, "120100001", ItemClass.B, "1", 50_000));

    assertThat(a.lines().get(0).deductibleFen()).isEqualTo(20_000);
    assertThat(a.lines().get(0).benefitFen()).isZero();
    assertThat(a.lines().get(1).deductibleFen()).isEqualTo(10_000);
    // 400 yuan left at class B 75%
    assertThat(a.lines().get(1).benefitFen()).isEqualTo(30_000);
    assertThat(a.lines().get(1).copayFen()).isEqualTo(10_000);
    assertThat(a.deductibleFen()).isEqualTo(30_000);
    assertThat(a.benefitFen()).isEqualTo(30_000);
    assertThat(a.patientShareFen()).isEqualTo(40_000);
  }

  @Test
  void linesAreTakenInSequenceOrderWhateverOrderTheyCameIn() {
    Adjudication a = Adjudicator.adjudicate(SCHEME, Optional.empty(), Usage.NONE,
        new ClaimToAdjudicate(CareSetting.INPATIENT, HospitalLevel.TOWNSHIP, false, false, List.of(
            line(2, "120100001", ItemClass.A, "1", 50_000), line(1, "250101001", ItemClass.A, "1", 5_000))));

    assertThat(a.lines()).extracting(LineAdjudication::sequence).containsExactly(1, 2);
    assertThat(a.lines().get(0).deductibleFen()).isEqualTo(5_000);
    assertThat(a.lines().get(1).deductibleFen()).isEqualTo(5_000);
  }

  @Test
  void outpatientCapReachedMidClaimLeavesTheRestToThePatient() {
    // 350 yuan of the 400 outpatient cap used; township class A 60%
    Usage usage = new Usage(35_000, 35_000, 0, 0, 3, Map.of());
    Adjudication a = outpatient(HospitalLevel.TOWNSHIP, usage,
        line(1, "110200001", ItemClass.A, "1", 5_000),
        line(2, "250101001", ItemClass.A, "1", 10_000),
        line(3, "120100001", ItemClass.A, "1", 10_000));

    assertThat(a.lines().get(0).benefitFen()).isEqualTo(3_000);
    assertThat(a.lines().get(0).reasons()).isEmpty();
    // 6,000 by the ratio, 2,000 left under the cap
    assertThat(a.lines().get(1).benefitFen()).isEqualTo(2_000);
    assertThat(a.lines().get(1).reasons()).containsExactly(Reason.ANNUAL_CAP);
    assertThat(a.lines().get(1).rules()).contains("outpatientAnnualCapFen");
    assertThat(a.lines().get(2).benefitFen()).isZero();
    assertThat(a.lines().get(2).copayFen()).isEqualTo(10_000);
    assertThat(a.benefitFen()).isEqualTo(5_000);
  }

  @Test
  void annualCapReachedMidClaimStopsTheFundExactlyAtTheCap() {
    Usage usage = new Usage(19_990_000, 0, 0, 2, 0, Map.of());
    Adjudication a = inpatient(HospitalLevel.TOWNSHIP, usage,
        line(1, "120100001", ItemClass.A, "1", 10_000),
        line(2, "120100001", ItemClass.A, "1", 20_000),
        line(3, "120100001", ItemClass.A, "1", 20_000));

    // line 1 is the deductible; line 2 would pay 18,000 but only 10,000 is left
    assertThat(a.lines().get(1).benefitFen()).isEqualTo(10_000);
    assertThat(a.lines().get(1).reasons()).containsExactly(Reason.ANNUAL_CAP);
    assertThat(a.lines().get(1).rules()).contains("annualCapFen");
    assertThat(a.lines().get(2).benefitFen()).isZero();
    assertThat(a.benefitFen()).isEqualTo(10_000);
  }

  @Test
  void excludedItemIsNotEligibleAndTakesNoDeductible() {
    Adjudication a = inpatient(HospitalLevel.TOWNSHIP, Usage.NONE,
        line(1, "480000001", ItemClass.A, "1", 100_000),
        line(2, "120100001", ItemClass.A, "1", 20_000));

    LineAdjudication excluded = a.lines().get(0);
    assertThat(excluded.eligibleFen()).isZero();
    assertThat(excluded.deductibleFen()).isZero();
    assertThat(excluded.benefitFen()).isZero();
    assertThat(excluded.patientShareFen()).isEqualTo(100_000);
    assertThat(excluded.reasons()).containsExactly(Reason.EXCLUDED);
    assertThat(excluded.rules()).containsExactly("excludedItems");
    assertThat(a.lines().get(1).deductibleFen()).isEqualTo(10_000);
    assertThat(a.lines().get(1).benefitFen()).isEqualTo(9_000);
  }

  @Test
  void classCIsThePatientsWhateverTheHospitalLevel() {
    Adjudication a = inpatient(HospitalLevel.TOWNSHIP, Usage.NONE, line(1, "XJ99ZZZ001", ItemClass.C, "3", 1_000));

    assertThat(a.lines().get(0).eligibleFen()).isZero();
    assertThat(a.lines().get(0).reasons()).containsExactly(Reason.SELF_PAID_CLASS);
    assertThat(a.patientShareFen()).isEqualTo(3_000);
  }

  @Test
  void theSchemesOwnClassWinsOverTheHospitalsAndIsNamed() {
    // the hospital says A; the scheme's table says B: township inpatient B is 85%
    Adjudication a = inpatient(HospitalLevel.TOWNSHIP, Usage.NONE, line(1, "XJ01DDA117", ItemClass.A, "1", 110_000));

    assertThat(a.lines().get(0).itemClass()).isEqualTo(ItemClass.B);
    assertThat(a.lines().get(0).ratioBp()).isEqualTo(8_500);
    assertThat(a.lines().get(0).benefitFen()).isEqualTo(85_000);
    assertThat(a.lines().get(0).rules()).startsWith("itemClasses.XJ01DDA117");
  }

  @Test
  void yearlyFrequencyLimitCountsWhatWasPaidBefore() {
    // 4 CT scans a year; 3 paid already, 2 billed now: one is eligible
    Usage usage = new Usage(0, 0, 0, 1, 0, Map.of("210300001", new BigDecimal("3")));
    Adjudication a = inpatient(HospitalLevel.TOWNSHIP, usage, line(1, "210300001", ItemClass.A, "2", 30_000));

    LineAdjudication ct = a.lines().get(0);
    assertThat(ct.eligibleQuantity()).isEqualByComparingTo("1");
    assertThat(ct.eligibleFen()).isEqualTo(30_000);
    assertThat(ct.reasons()).containsExactly(Reason.FREQUENCY_LIMIT);
    assertThat(ct.rules()).contains("frequencyLimits.210300001");
    assertThat(ct.patientShareFen()).isEqualTo(60_000 - ct.benefitFen());
  }

  @Test
  void perClaimFrequencyLimitCountsEarlierLinesOfTheSameClaim() {
    Adjudication a = inpatient(HospitalLevel.TOWNSHIP, new Usage(0, 0, 0, 0, 0, Map.of("250101001", BigDecimal.TEN)),
        line(1, "250101001", ItemClass.A, "1", 2_000),
        line(2, "250101001", ItemClass.A, "2", 2_000));

    assertThat(a.lines().get(0).eligibleQuantity()).isEqualByComparingTo("1");
    assertThat(a.lines().get(0).reasons()).isEmpty();
    assertThat(a.lines().get(1).eligibleQuantity()).isEqualByComparingTo("1");
    assertThat(a.lines().get(1).eligibleFen()).isEqualTo(2_000);
    assertThat(a.lines().get(1).reasons()).containsExactly(Reason.FREQUENCY_LIMIT);
  }

  @Test
  void unreferredCareOutsideTheCountyGetsTheReducedRatio() {
    Adjudication a = Adjudicator.adjudicate(SCHEME, Optional.empty(), Usage.NONE,
        new ClaimToAdjudicate(CareSetting.INPATIENT, HospitalLevel.CITY, true, false,
            List.of(line(1, "120100001", ItemClass.A, "1", 180_000))));

    // city class A 65% x 60% = 39%
    LineAdjudication l = a.lines().get(0);
    assertThat(l.ratioBp()).isEqualTo(3_900);
    assertThat(l.benefitFen()).isEqualTo(39_000);
    assertThat(l.reasons()).containsExactly(Reason.UNREFERRED);
    assertThat(l.rules()).contains("outOfCounty.unreferredRatioFactorBp");

    Adjudication referred = Adjudicator.adjudicate(SCHEME, Optional.empty(), Usage.NONE,
        new ClaimToAdjudicate(CareSetting.INPATIENT, HospitalLevel.CITY, true, true,
            List.of(line(1, "120100001", ItemClass.A, "1", 180_000))));
    assertThat(referred.lines().get(0).ratioBp()).isEqualTo(6_500);
    assertThat(referred.lines().get(0).reasons()).isEmpty();
  }

  @Test
  void outpatientDeductibleIsForTheYear() {
    Scheme withDeductible = SchemeDocumentTestData.withOutpatientDeductible(SCHEME, 5_000);
    Usage usage = new Usage(0, 0, 3_000, 0, 1, Map.of());
    Adjudication a = Adjudicator.adjudicate(withDeductible, Optional.empty(), usage,
        new ClaimToAdjudicate(CareSetting.OUTPATIENT, HospitalLevel.TOWNSHIP, false, false,
            List.of(line(1, "110200001", ItemClass.A, "1", 10_000))));

    assertThat(a.lines().get(0).deductibleFen()).isEqualTo(2_000);
    assertThat(a.lines().get(0).rules()).contains("deductible.outpatientPerYearFen");
    assertThat(a.lines().get(0).benefitFen()).isEqualTo(4_800);
  }

  @Test
  void aRefusedClaimPaysNothingOnAnyLineAndSaysWhy() {
    Adjudication a = Adjudicator.adjudicate(SCHEME, Optional.of(Reason.WAITING_PERIOD), Usage.NONE,
        new ClaimToAdjudicate(CareSetting.INPATIENT, HospitalLevel.TOWNSHIP, false, false,
            List.of(line(1, "120100001", ItemClass.A, "1", 50_000), line(2, "250101001", ItemClass.A, "1", 1_000))));

    assertThat(a.refused()).isTrue();
    assertThat(a.claimReasons()).containsExactly(Reason.WAITING_PERIOD);
    assertThat(a.benefitFen()).isZero();
    assertThat(a.patientShareFen()).isEqualTo(51_000);
    assertThat(a.lines()).allSatisfy(l -> assertThat(l.reasons()).containsExactly(Reason.WAITING_PERIOD));
  }

  @Test
  void admissionLimitRefusesTheAdmissionBeyondIt() {
    Scheme limited = SchemeDocumentTestData.withAdmissionsPerYear(SCHEME, 2);
    Adjudication second = Adjudicator.adjudicate(limited, Optional.empty(), new Usage(0, 0, 0, 1, 0, Map.of()),
        new ClaimToAdjudicate(CareSetting.INPATIENT, HospitalLevel.TOWNSHIP, false, false,
            List.of(line(1, "120100001", ItemClass.A, "1", 50_000))));
    Adjudication third = Adjudicator.adjudicate(limited, Optional.empty(), new Usage(0, 0, 0, 2, 0, Map.of()),
        new ClaimToAdjudicate(CareSetting.INPATIENT, HospitalLevel.TOWNSHIP, false, false,
            List.of(line(1, "120100001", ItemClass.A, "1", 50_000))));

    assertThat(second.refused()).isFalse();
    assertThat(third.claimReasons()).containsExactly(Reason.ADMISSION_LIMIT);
    assertThat(third.benefitFen()).isZero();
  }

  @Test
  void fractionalQuantitiesRoundHalfUpToTheFen() {
    Adjudication a = inpatient(HospitalLevel.TOWNSHIP, Usage.NONE, line(1, "120100001", ItemClass.A, "1.5", 33_333));

    assertThat(a.lines().get(0).submittedFen()).isEqualTo(50_000);
    // (50,000 - 10,000) x 90% = 36,000
    assertThat(a.lines().get(0).benefitFen()).isEqualTo(36_000);
  }
}
