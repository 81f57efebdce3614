package cn.healthcard.hub.terminology.nip;

import static cn.healthcard.hub.terminology.nip.AdministeredDose.cvx;
import static cn.healthcard.hub.terminology.nip.AdministeredDose.nip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.nip.DoseEvaluation.Problem;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NipForecasterTest {

  private final NipForecaster forecaster = new NipForecaster();

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  private static Recommendation of(List<Recommendation> recs, NipSeries s) {
    return recs.stream().filter(r -> r.series() == s).findFirst().orElseThrow();
  }

  private List<Recommendation> forecast(String birth, String asOf, AdministeredDose... history) {
    return forecaster.forecast(d(birth), Arrays.asList(history), d(asOf));
  }

  @Test
  void newbornIsDueHepBDose1AndBcgAtBirthAndNothingElse() {
    List<Recommendation> recs = forecast("2026-03-10", "2026-03-10");

    assertThat(recs).extracting(Recommendation::series).containsExactly(NipSeries.values());
    Recommendation hepb = of(recs, NipSeries.HEPB);
    assertThat(hepb.status()).isEqualTo(ForecastStatus.DUE);
    assertThat(hepb.doseNumber()).isEqualTo(1);
    assertThat(hepb.vaccineCode()).isEqualTo("HEPB");
    assertThat(hepb.earliestDate()).isEqualTo(d("2026-03-10"));
    assertThat(hepb.recommendedDate()).isEqualTo(d("2026-03-10"));
    assertThat(hepb.overdueDate()).isEqualTo(d("2026-03-11"));
    assertThat(hepb.latestDate()).isEqualTo(d("2044-03-09"));
    assertThat(hepb.seriesDoses()).isEqualTo(3);
    assertThat(hepb.notes()).anyMatch(n -> n.contains("24 hours"));
    Recommendation bcg = of(recs, NipSeries.BCG);
    assertThat(bcg.status()).isEqualTo(ForecastStatus.DUE);
    assertThat(bcg.overdueDate()).isEqualTo(d("2026-06-10"));
    assertThat(bcg.latestDate()).isEqualTo(d("2030-03-09"));
    assertThat(recs).filteredOn(r -> r.series() != NipSeries.HEPB && r.series() != NipSeries.BCG)
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(ForecastStatus.NOT_YET_DUE));
    assertThat(of(recs, NipSeries.POLIO)).extracting(Recommendation::vaccineCode, Recommendation::recommendedDate)
        .containsExactly("IPV", d("2026-05-10"));
    assertThat(of(recs, NipSeries.DTP)).extracting(Recommendation::vaccineCode, Recommendation::recommendedDate)
        .containsExactly("DTAP", d("2026-05-10"));
    assertThat(of(recs, NipSeries.MMR).recommendedDate()).isEqualTo(d("2026-11-10"));
    assertThat(of(recs, NipSeries.JE)).extracting(Recommendation::vaccineCode, Recommendation::recommendedDate)
        .containsExactly("JE-L", d("2026-11-10"));
    assertThat(of(recs, NipSeries.MPSV_A).recommendedDate()).isEqualTo(d("2026-09-10"));
    assertThat(of(recs, NipSeries.MPSV_AC).recommendedDate()).isEqualTo(d("2029-03-10"));
    assertThat(of(recs, NipSeries.HEPA)).extracting(Recommendation::vaccineCode, Recommendation::recommendedDate)
        .containsExactly("HEPA-L", d("2027-09-10"));
  }

  @Test
  void hepBBirthDoseIsOverdueFromTheDayAfterBirthButStillCountsThatDay() {
    assertThat(of(forecast("2026-03-10", "2026-03-11"), NipSeries.HEPB).status())
        .isEqualTo(ForecastStatus.OVERDUE);
    List<Recommendation> recs = forecast("2026-03-10", "2026-03-12", nip("HEPB", d("2026-03-11")));
    assertThat(of(recs, NipSeries.HEPB).validDoses()).isEqualTo(1);
  }

  @Test
  void twoMonthOldWithBirthDosesIsOverdueForHepB2AndDueForIpv1AndDtap1() {
    AdministeredDose[] birthDoses = {nip("HEPB", d("2026-01-15")), nip("BCG", d("2026-01-15"))};

    List<Recommendation> recs = forecast("2026-01-15", "2026-03-15", birthDoses);

    Recommendation hepb = of(recs, NipSeries.HEPB);
    assertThat(hepb.doseNumber()).isEqualTo(2);
    assertThat(hepb.recommendedDate()).isEqualTo(d("2026-02-15"));
    assertThat(hepb.overdueDate()).isEqualTo(d("2026-03-15"));
    assertThat(hepb.status()).isEqualTo(ForecastStatus.OVERDUE);
    assertThat(of(recs, NipSeries.BCG).status()).isEqualTo(ForecastStatus.COMPLETE);
    Recommendation polio = of(recs, NipSeries.POLIO);
    assertThat(polio).extracting(Recommendation::doseNumber, Recommendation::vaccineCode, Recommendation::status,
            Recommendation::overdueDate)
        .containsExactly(1, "IPV", ForecastStatus.DUE, d("2026-04-15"));
    assertThat(of(recs, NipSeries.DTP)).extracting(Recommendation::doseNumber, Recommendation::vaccineCode,
            Recommendation::status)
        .containsExactly(1, "DTAP", ForecastStatus.DUE);
    // one day earlier HepB 2 is still only due
    assertThat(of(forecast("2026-01-15", "2026-03-14", birthDoses), NipSeries.HEPB).status())
        .isEqualTo(ForecastStatus.DUE);
  }

  @Test
  void doseGivenBeforeTheMinimumIntervalDoesNotCountAndIsRecommendedAgain() {
    List<Recommendation> recs = forecast("2026-01-15", "2026-08-01",
        nip("HEPB", d("2026-01-15")), nip("HEPB", d("2026-06-15")), nip("HEPB", d("2026-07-15")));

    Recommendation hepb = of(recs, NipSeries.HEPB);
    assertThat(hepb.evaluations()).extracting(DoseEvaluation::valid).containsExactly(true, true, false);
    DoseEvaluation third = hepb.evaluations().get(2);
    assertThat(third.problem()).isEqualTo(Problem.INTERVAL_TOO_SHORT);
    assertThat(third.doseNumber()).isEqualTo(3);
    assertThat(third.reason()).contains("30 days after HEPB dose 2 (2026-06-15)").contains("60 days")
        .contains("2026-08-14");
    assertThat(hepb.doseNumber()).isEqualTo(3);
    assertThat(hepb.validDoses()).isEqualTo(2);
    assertThat(hepb.earliestDate()).isEqualTo(d("2026-08-14"));
    assertThat(hepb.recommendedDate()).isEqualTo(d("2026-08-14"));
    assertThat(hepb.overdueDate()).isEqualTo(d("2027-01-15"));
    assertThat(hepb.status()).isEqualTo(ForecastStatus.NOT_YET_DUE);
  }

  @Test
  void hepB3NeedsFourMonthsAfterDose1EvenWhenDose2WasLongAgo() {
    // dose 1 late at 3 months, dose 2 at 4 months, dose 3 at 6 months: only 3 months after dose 1
    List<Recommendation> recs = forecast("2026-01-15", "2026-07-20",
        nip("HEPB", d("2026-04-15")), nip("HEPB", d("2026-05-15")), nip("HEPB", d("2026-07-15")));
    Recommendation hepb = of(recs, NipSeries.HEPB);
    assertThat(hepb.evaluations().get(2).problem()).isEqualTo(Problem.INTERVAL_TOO_SHORT);
    assertThat(hepb.earliestDate()).isEqualTo(d("2026-08-15"));
  }

  @Test
  void doseGivenBeforeTheMinimumAgeDoesNotCountAndIsRecommendedAgain() {
    List<Recommendation> recs = forecast("2026-01-15", "2026-10-01", nip("MMR", d("2026-09-14")));

    Recommendation mmr = of(recs, NipSeries.MMR);
    DoseEvaluation early = mmr.evaluations().get(0);
    assertThat(early.valid()).isFalse();
    assertThat(early.problem()).isEqualTo(Problem.TOO_YOUNG);
    assertThat(early.reason()).contains("minimum age of MMR dose 1 (8 months, reached on 2026-09-15)");
    assertThat(mmr).extracting(Recommendation::doseNumber, Recommendation::status, Recommendation::recommendedDate,
            Recommendation::overdueDate)
        .containsExactly(1, ForecastStatus.DUE, d("2026-09-15"), d("2027-01-15"));
  }

  @Test
  void cvxCodedHistoryCountsIncludingCombinationVaccinesInEachOfTheirSeries() {
    List<Recommendation> recs = forecast("2026-01-15", "2026-04-20",
        cvx("08", d("2026-01-15")), cvx("19", d("2026-01-15")), cvx("8", d("2026-02-15")),
        cvx("120", d("2026-03-15")));

    assertThat(of(recs, NipSeries.HEPB)).extracting(Recommendation::validDoses, Recommendation::doseNumber)
        .containsExactly(2, 3);
    assertThat(of(recs, NipSeries.BCG).status()).isEqualTo(ForecastStatus.COMPLETE);
    Recommendation polio = of(recs, NipSeries.POLIO);
    assertThat(polio.evaluations()).singleElement()
        .extracting(DoseEvaluation::valid, DoseEvaluation::vaccineCode).containsExactly(true, "IPV");
    assertThat(polio).extracting(Recommendation::doseNumber, Recommendation::vaccineCode, Recommendation::status)
        .containsExactly(2, "IPV", ForecastStatus.DUE);
    Recommendation dtp = of(recs, NipSeries.DTP);
    assertThat(dtp.evaluations()).singleElement()
        .extracting(DoseEvaluation::valid, DoseEvaluation::vaccineCode).containsExactly(true, "DTAP");
    assertThat(dtp).extracting(Recommendation::doseNumber, Recommendation::recommendedDate)
        .containsExactly(2, d("2026-05-15"));
  }

  @Test
  void combinationVaccineGivenPerItsLabelAt2_3_4And18MonthsCompletesPolioWithoutBopv() {
    List<AdministeredDose> pentaxim = List.of(
        cvx("120", d("2025-04-01")), cvx("120", d("2025-05-01")), cvx("120", d("2025-06-01")),
        cvx("120", d("2026-08-01")));

    List<Recommendation> recs = forecaster.forecast(d("2025-02-01"), pentaxim, d("2026-11-26"));

    assertThat(of(recs, NipSeries.POLIO).status()).isEqualTo(ForecastStatus.COMPLETE);
    Recommendation dtp = of(recs, NipSeries.DTP);
    assertThat(dtp.evaluations()).allMatch(DoseEvaluation::valid);
    assertThat(dtp).extracting(Recommendation::doseNumber, Recommendation::recommendedDate)
        .containsExactly(5, d("2031-02-01"));
    // the same ages with the programme's own DTaP do not count for doses 2 and 3 (4 and 6 months)
    List<Recommendation> standalone = forecaster.forecast(d("2025-02-01"), List.of(
        nip("DTAP", d("2025-04-01")), nip("DTAP", d("2025-05-01"))), d("2025-05-10"));
    assertThat(of(standalone, NipSeries.DTP).evaluations().get(1).problem()).isEqualTo(Problem.TOO_YOUNG);
  }

  @Test
  void jeFollowsThePreferredLiveVaccineUntilAChildStartsOne() {
    Recommendation live = of(forecast("2025-02-01", "2025-10-01"), NipSeries.JE);
    assertThat(live).extracting(Recommendation::vaccineCode, Recommendation::seriesDoses, Recommendation::status,
            Recommendation::overdueDate)
        .containsExactly("JE-L", 2, ForecastStatus.DUE, d("2026-02-01"));

    Recommendation inactivated = of(new NipForecaster("JE-I", "HEPA-L")
        .forecast(d("2025-02-01"), List.of(), d("2025-10-01")), NipSeries.JE);
    assertThat(inactivated).extracting(Recommendation::vaccineCode, Recommendation::seriesDoses,
            Recommendation::overdueDate)
        .containsExactly("JE-I", 4, d("2025-11-01"));
  }

  @Test
  void firstInactivatedJeDoseSetsTheFourDosePathWithDose2SevenDaysLater() {
    Recommendation je = of(forecast("2025-02-01", "2025-10-03", nip("JE-I", d("2025-10-01"))), NipSeries.JE);
    assertThat(je).extracting(Recommendation::doseNumber, Recommendation::vaccineCode, Recommendation::status,
            Recommendation::earliestDate, Recommendation::overdueDate, Recommendation::seriesDoses)
        .containsExactly(2, "JE-I", ForecastStatus.NOT_YET_DUE, d("2025-10-08"), d("2026-02-01"), 4);
    assertThat(je.notes()).anyMatch(n -> n.contains("7-10 days"));
  }

  @Test
  void doseOfTheOtherJeVaccineCountsAsTheNextDoseOfThePathFollowed() {
    List<Recommendation> recs = forecast("2025-02-01", "2027-03-01",
        nip("JE-I", d("2025-10-01")), nip("JE-I", d("2025-10-09")), nip("JE-L", d("2027-02-01")));
    Recommendation je = of(recs, NipSeries.JE);
    assertThat(je.evaluations()).extracting(DoseEvaluation::valid, DoseEvaluation::doseNumber, DoseEvaluation::vaccineCode)
        .containsExactly(
            tuple(true, 1, "JE-I"),
            tuple(true, 2, "JE-I"),
            tuple(true, 3, "JE-L"));
    assertThat(je).extracting(Recommendation::doseNumber, Recommendation::vaccineCode, Recommendation::recommendedDate)
        .containsExactly(4, "JE-I", d("2031-02-01"));

    Recommendation liveFirst = of(forecast("2025-02-01", "2027-03-01",
        nip("JE-L", d("2025-10-01")), nip("JE-I", d("2027-02-01"))), NipSeries.JE);
    assertThat(liveFirst.status()).isEqualTo(ForecastStatus.COMPLETE);
    assertThat(liveFirst.vaccineCode()).isEqualTo("JE-L");
  }

  @Test
  void oneInactivatedHepADoseThenALiveOneSixMonthsLaterCompletesHepatitisA() {
    Recommendation hepa = of(forecast("2025-02-01", "2027-03-01",
        nip("HEPA-I", d("2026-08-01")), nip("HEPA-L", d("2027-02-01"))), NipSeries.HEPA);
    assertThat(hepa.status()).isEqualTo(ForecastStatus.COMPLETE);

    Recommendation liveThenInactivated = of(forecast("2025-02-01", "2027-03-01",
        nip("HEPA-L", d("2026-08-01")), nip("HEPA-I", d("2027-02-01"))), NipSeries.HEPA);
    assertThat(liveThenInactivated.status()).isEqualTo(ForecastStatus.COMPLETE);
    assertThat(liveThenInactivated.evaluations().get(1).problem()).isEqualTo(Problem.SERIES_COMPLETE);
  }

  @Test
  void completeSevenYearOldShowsEverySeriesComplete() {
    List<Recommendation> recs = forecaster.forecast(d("2019-06-01"), completeHistoryBornJune2019(), d("2026-11-26"));

    assertThat(recs).allSatisfy(r -> {
      assertThat(r.status()).as(r.series().code()).isEqualTo(ForecastStatus.COMPLETE);
      assertThat(r.evaluations()).as(r.series().code()).allMatch(DoseEvaluation::valid);
    });
    assertThat(of(recs, NipSeries.DTP).validDoses()).isEqualTo(5);
  }

  static List<AdministeredDose> completeHistoryBornJune2019() {
    return List.of(
        nip("HEPB", d("2019-06-01")), nip("BCG", d("2019-06-01")), nip("HEPB", d("2019-07-01")),
        nip("IPV", d("2019-08-01")), nip("IPV", d("2019-09-01")), nip("DTAP", d("2019-09-01")),
        nip("BOPV", d("2019-10-01")), nip("DTAP", d("2019-10-01")), nip("DTAP", d("2019-11-01")),
        nip("HEPB", d("2019-12-01")), nip("MPSV-A", d("2019-12-01")),
        nip("MMR", d("2020-02-01")), nip("JE-L", d("2020-02-01")), nip("MPSV-A", d("2020-03-01")),
        nip("DTAP", d("2020-12-01")), nip("MMR", d("2020-12-01")), nip("HEPA-L", d("2020-12-01")),
        nip("JE-L", d("2021-06-01")), nip("MPSV-AC", d("2022-06-01")), nip("BOPV", d("2023-06-01")),
        // sixth birthday after 1 January 2025: the fifth dose is DTaP, no longer DT
        nip("DTAP", d("2025-06-01")), nip("MPSV-AC", d("2025-06-01")));
  }

  @Test
  void forecastDateBeforeBirthIsRefused() {
    assertThatThrownBy(() -> forecaster.forecast(d("2026-03-10"), List.of(), d("2026-03-09")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the forecast date 2026-03-09 is before the birth date 2026-03-10");
    assertThatThrownBy(() -> forecaster.evaluate(d("2026-03-10"), List.of(), d("2026-03-09")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void forecastIsDeterministicWhateverTheOrderOfTheHistory() {
    List<AdministeredDose> history = new ArrayList<>(completeHistoryBornJune2019().subList(0, 14));
    history.add(cvx("08", d("2019-06-01")));
    history.add(nip("MMR", d("2020-01-20")));
    List<Recommendation> first = forecaster.forecast(d("2019-06-01"), history, d("2021-01-01"));

    List<AdministeredDose> shuffled = new ArrayList<>(history);
    Collections.shuffle(shuffled, new Random(42));
    Collections.reverse(history);
    assertThat(forecaster.forecast(d("2019-06-01"), history, d("2021-01-01"))).isEqualTo(first);
    assertThat(forecaster.forecast(d("2019-06-01"), shuffled, d("2021-01-01"))).isEqualTo(first);
    assertThat(new NipForecaster().forecast(d("2019-06-01"), shuffled, d("2021-01-01"))).isEqualTo(first);
  }

  @Test
  void dtapDosesAreEvaluatedUnderTheEditionInForceOnTheirDay() {
    // born mid-2024: three doses at 3, 4, 5 months in 2024 under the 2021 edition all count
    List<Recommendation> recs = forecast("2024-07-01", "2025-06-01",
        nip("DTAP", d("2024-10-01")), nip("DTAP", d("2024-11-01")), nip("DTAP", d("2024-12-01")));
    Recommendation dtp = of(recs, NipSeries.DTP);
    assertThat(dtp.evaluations()).allMatch(DoseEvaluation::valid);
    assertThat(dtp).extracting(Recommendation::doseNumber, Recommendation::recommendedDate)
        .containsExactly(4, d("2026-01-01"));

    // DTaP at 2 months was too young in 2024, is on time since 2025
    assertThat(forecaster.evaluate(d("2024-08-01"), List.of(nip("DTAP", d("2024-10-01"))), d("2024-10-02")))
        .singleElement().extracting(DoseEvaluation::problem).isEqualTo(Problem.TOO_YOUNG);
    assertThat(forecaster.evaluate(d("2025-03-01"), List.of(nip("DTAP", d("2025-05-01"))), d("2025-05-02")))
        .singleElement().extracting(DoseEvaluation::valid).isEqualTo(true);
    // a child forecast in 2024 was told DTaP 1 at 3 months
    assertThat(of(forecast("2024-08-01", "2024-08-01"), NipSeries.DTP).recommendedDate())
        .isEqualTo(d("2024-11-01"));
  }

  @Test
  void childOverSixWithThreeDtapDosesNeedsOneMoreDoseOnly() {
    List<AdministeredDose> infancy = List.of(
        nip("DTAP", d("2019-09-01")), nip("DTAP", d("2019-10-01")), nip("DTAP", d("2019-11-01")));

    Recommendation dtp = of(forecaster.forecast(d("2019-06-01"), infancy, d("2026-11-26")), NipSeries.DTP);
    assertThat(dtp).extracting(Recommendation::doseNumber, Recommendation::vaccineCode, Recommendation::seriesDoses,
            Recommendation::status)
        .containsExactly(4, "DT", 4, ForecastStatus.OVERDUE);
    assertThat(dtp.notes()).anyMatch(n -> n.startsWith("Catch-up from 6 years"));

    List<AdministeredDose> caughtUp = new ArrayList<>(infancy);
    caughtUp.add(nip("DT", d("2026-11-27")));
    assertThat(of(forecaster.forecast(d("2019-06-01"), caughtUp, d("2026-11-28")), NipSeries.DTP).status())
        .isEqualTo(ForecastStatus.COMPLETE);
  }

  @Test
  void childOverSixWithNoDtpDoseCatchesUpThreeDosesSixMonthsBetweenTheLastTwo() {
    List<AdministeredDose> history = List.of(nip("DT", d("2026-01-10")), nip("DT", d("2026-02-10")));
    Recommendation dtp = of(forecaster.forecast(d("2018-06-01"), history, d("2026-03-01")), NipSeries.DTP);
    assertThat(dtp).extracting(Recommendation::doseNumber, Recommendation::seriesDoses, Recommendation::earliestDate,
            Recommendation::status)
        .containsExactly(3, 3, d("2026-08-10"), ForecastStatus.NOT_YET_DUE);
  }

  @Test
  void injectableLiveVaccineWithin28DaysOfAnotherDoesNotCount() {
    List<AdministeredDose> history = List.of(nip("MMR", d("2025-10-01")), nip("JE-L", d("2025-10-11")));
    List<Recommendation> recs = forecaster.forecast(d("2025-02-01"), history, d("2025-10-20"));

    DoseEvaluation je = of(recs, NipSeries.JE).evaluations().get(0);
    assertThat(je.problem()).isEqualTo(Problem.LIVE_VACCINE_SPACING);
    assertThat(je.reason()).contains("10 days after").contains("MMR on 2025-10-01");
    assertThat(of(recs, NipSeries.JE)).extracting(Recommendation::earliestDate, Recommendation::status)
        .containsExactly(d("2025-10-29"), ForecastStatus.NOT_YET_DUE);
    // the same day is fine
    assertThat(forecaster.evaluate(d("2025-02-01"),
            List.of(nip("MMR", d("2025-10-01")), nip("JE-L", d("2025-10-01"))), d("2025-10-20")))
        .allMatch(DoseEvaluation::valid);
  }

  @Test
  void mpsvAIsNotGivenFrom24MonthsAndTheChildMovesOnToMpsvAc() {
    List<Recommendation> recs = forecast("2024-01-01", "2026-02-01", nip("MPSV-A", d("2026-01-15")));

    Recommendation a = of(recs, NipSeries.MPSV_A);
    assertThat(a.evaluations()).singleElement().extracting(DoseEvaluation::problem).isEqualTo(Problem.TOO_OLD);
    assertThat(a).extracting(Recommendation::status, Recommendation::doseNumber, Recommendation::latestDate)
        .containsExactly(ForecastStatus.AGED_OUT, 1, d("2025-12-31"));
    assertThat(a.notes()).anyMatch(n -> n.contains("MPSV-AC"));
    assertThat(of(recs, NipSeries.MPSV_AC)).extracting(Recommendation::status, Recommendation::recommendedDate)
        .containsExactly(ForecastStatus.NOT_YET_DUE, d("2027-01-01"));
  }

  @Test
  void bcgAfterThreeMonthsNeedsASkinTestAndIsNotGivenFromFourYears() {
    Recommendation late = of(forecast("2026-01-01", "2026-05-01"), NipSeries.BCG);
    assertThat(late.status()).isEqualTo(ForecastStatus.OVERDUE);
    assertThat(late.notes()).anyMatch(n -> n.contains("TB-PPD"));
    assertThat(of(forecast("2026-01-01", "2030-01-01"), NipSeries.BCG).status()).isEqualTo(ForecastStatus.AGED_OUT);
  }

  @Test
  void everySeriesAgesOutAtEighteen() {
    assertThat(forecast("2006-01-01", "2024-01-01"))
        .allSatisfy(r -> assertThat(r.status()).isEqualTo(ForecastStatus.AGED_OUT));
    assertThat(of(forecast("2006-01-01", "2023-12-31"), NipSeries.HEPB).status()).isEqualTo(ForecastStatus.OVERDUE);
  }

  @Test
  void polioCatchUpStartsWithIpvAndChildrenBornBeforeOctober2019NeedOnlyOne() {
    Recommendation late = of(forecast("2022-01-01", "2025-01-01"), NipSeries.POLIO);
    assertThat(late).extracting(Recommendation::doseNumber, Recommendation::vaccineCode, Recommendation::status)
        .containsExactly(1, "IPV", ForecastStatus.OVERDUE);
    Recommendation afterOneIpv = of(forecast("2022-01-01", "2025-03-01", nip("IPV", d("2025-01-01"))),
        NipSeries.POLIO);
    assertThat(afterOneIpv.vaccineCode()).isEqualTo("IPV");
    Recommendation olderCohort = of(forecast("2019-01-01", "2019-04-01", nip("IPV", d("2019-03-01"))),
        NipSeries.POLIO);
    assertThat(olderCohort.vaccineCode()).isEqualTo("BOPV");
  }

  @Test
  void sameDoseRecordedTwiceOnTheSameDayCountsOnce() {
    Recommendation hepb = of(forecast("2026-01-15", "2026-01-20",
        nip("HEPB", d("2026-01-15")), cvx("08", d("2026-01-15"))), NipSeries.HEPB);
    assertThat(hepb.validDoses()).isEqualTo(1);
    // ties are taken in system order: the CVX record first, the NIP one is the duplicate
    assertThat(hepb.evaluations()).extracting(e -> e.dose().system(), DoseEvaluation::problem).containsExactly(
        tuple(HubCodeSystems.CVX, null),
        tuple(HubCodeSystems.NIP_VACCINE,
            Problem.DUPLICATE));
  }

  @Test
  void codesOutsideTheScheduleAndDosesOutsideTheDatesAreReportedNotCounted() {
    List<DoseEvaluation> evaluations = forecaster.evaluate(d("2026-01-15"), List.of(
        new AdministeredDose("http://snomed.info/sct", "871751006", d("2026-02-01")),
        nip("HFRS", d("2026-02-01")),
        cvx("167", d("2026-02-01")),
        nip("BCG", d("2026-01-14")),
        nip("HEPB", d("2026-03-01"))), d("2026-02-15"));

    assertThat(evaluations).extracting(DoseEvaluation::problem).containsExactlyInAnyOrder(
        Problem.UNRECOGNISED_CODE, Problem.NOT_COUNTED_CODE, Problem.NOT_COUNTED_CODE,
        Problem.BEFORE_BIRTH, Problem.AFTER_AS_OF);
    assertThat(evaluations).noneMatch(DoseEvaluation::valid);
    assertThat(evaluations).filteredOn(e -> e.dose().code().equals("167")).singleElement()
        .extracting(DoseEvaluation::reason).asString().contains("MPSV-A or MPSV-AC");
    assertThat(evaluations).filteredOn(e -> e.dose().code().equals("HFRS")).singleElement()
        .extracting(DoseEvaluation::reason).asString().contains("key-population");
  }
}
