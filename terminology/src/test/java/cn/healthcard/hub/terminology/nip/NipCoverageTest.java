package cn.healthcard.hub.terminology.nip;

import static cn.healthcard.hub.terminology.nip.AdministeredDose.cvx;
import static cn.healthcard.hub.terminology.nip.AdministeredDose.nip;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class NipCoverageTest {

  private final NipCoverage coverage = new NipCoverage();

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  @Test
  void onlyValidDosesCountAsReceivedKeyedBySeriesAndDoseNumber() {
    List<AdministeredDose> history = List.of(
        nip("HEPB", d("2026-01-15")), nip("BCG", d("2026-01-15")),
        nip("HEPB", d("2026-02-01")),               // 17 days after dose 1: does not count
        nip("HEPB", d("2026-02-15")),               // counts as dose 2
        cvx("120", d("2026-03-15")),                // DTaP-Hib-IPV: DTP 1 and polio 1
        nip("MMR", d("2026-04-01")));               // far too young: does not count

    List<NipCoverage.CoveredDose> covered = coverage.coveredDoses(d("2026-01-15"), history, d("2026-06-30"));

    assertThat(covered).extracting(NipCoverage.CoveredDose::key)
        .containsExactly("HEPB-1", "HEPB-2", "BCG-1", "POLIO-1", "DTP-1");
    assertThat(covered).filteredOn(c -> c.series() == NipSeries.HEPB && c.doseNumber() == 2).singleElement()
        .extracting(NipCoverage.CoveredDose::date).isEqualTo(d("2026-02-15"));
    assertThat(covered).filteredOn(c -> c.series() == NipSeries.POLIO).singleElement()
        .extracting(NipCoverage.CoveredDose::vaccineCode).isEqualTo("IPV");
    assertThat(coverage.received(d("2026-01-15"), history, d("2026-06-30"), NipSeries.MMR, 1)).isFalse();
    assertThat(coverage.received(d("2026-01-15"), history, d("2026-06-30"), NipSeries.DTP, 1)).isTrue();
  }

  @Test
  void dosesAfterTheEndOfTheReportingPeriodDoNotCount() {
    List<AdministeredDose> history = List.of(nip("HEPB", d("2026-01-15")), nip("HEPB", d("2026-02-15")));
    assertThat(coverage.coveredDoses(d("2026-01-15"), history, d("2026-01-31")))
        .extracting(NipCoverage.CoveredDose::key).containsExactly("HEPB-1");
  }

  @Test
  void completeSevenYearOldCoversEveryDoseOfEverySeries() {
    List<NipCoverage.CoveredDose> covered = coverage.coveredDoses(d("2019-06-01"),
        NipForecasterTest.completeHistoryBornJune2019(), d("2026-11-26"));
    assertThat(covered).extracting(NipCoverage.CoveredDose::key).containsExactly(
        "HEPB-1", "HEPB-2", "HEPB-3", "BCG-1", "POLIO-1", "POLIO-2", "POLIO-3", "POLIO-4",
        "DTP-1", "DTP-2", "DTP-3", "DTP-4", "DTP-5", "MMR-1", "MMR-2", "JE-1", "JE-2",
        "MPSV-A-1", "MPSV-A-2", "MPSV-AC-1", "MPSV-AC-2", "HEPA-1");
  }
}
