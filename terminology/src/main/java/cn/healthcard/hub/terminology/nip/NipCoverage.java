package cn.healthcard.hub.terminology.nip;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What one child contributes to coverage figures: the doses that count, by series and dose number,
 * evaluated exactly as {@link NipForecaster} evaluates them (valid doses only; a dose that does not
 * count, e.g. given too early, is not coverage). The application groups children by division and
 * birth cohort and counts, for each {@link CoveredDose#key()}, the children who have it. Pure.
 */
public final class NipCoverage {

  /**
   * A dose that counts.
   *
   * @param series the series
   * @param doseNumber its number in the series
   * @param vaccineCode the NIP vaccine recorded (null when the record's code does not say, e.g.
   *     CVX 129 for JE)
   * @param date the day it was given
   */
  public record CoveredDose(NipSeries series, int doseNumber, String vaccineCode, LocalDate date) {

    /** "HEPB-1", "POLIO-4": the series code and dose number, a stable key for aggregation. */
    public String key() {
      return series.code() + "-" + doseNumber;
    }
  }

  private final NipForecaster forecaster;

  public NipCoverage() {
    this(new NipForecaster());
  }

  /** Uses the forecaster's evaluation (its preferred JE and hepatitis A paths). */
  public NipCoverage(NipForecaster forecaster) {
    this.forecaster = Objects.requireNonNull(forecaster);
  }

  /**
   * The valid doses of a child's history given up to {@code asOf} (the end of the reporting
   * period), in series order then dose number.
   *
   * @throws IllegalArgumentException when {@code asOf} is before {@code birthDate}
   */
  public List<CoveredDose> coveredDoses(LocalDate birthDate, List<AdministeredDose> history, LocalDate asOf) {
    return forecaster.evaluate(birthDate, history, asOf).stream()
        .filter(DoseEvaluation::valid)
        .map(e -> new CoveredDose(e.series(), e.doseNumber(), e.vaccineCode(), e.dose().date()))
        .sorted(Comparator.comparing(CoveredDose::series)
            .thenComparingInt(CoveredDose::doseNumber))
        .toList();
  }

  /** Whether the child has a valid dose {@code doseNumber} of {@code series} by {@code asOf}. */
  public boolean received(
      LocalDate birthDate, List<AdministeredDose> history, LocalDate asOf, NipSeries series, int doseNumber) {
    return coveredDoses(birthDate, history, asOf).stream()
        .anyMatch(d -> d.series() == series && d.doseNumber() == doseNumber);
  }
}
