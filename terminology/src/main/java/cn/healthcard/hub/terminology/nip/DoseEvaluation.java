package cn.healthcard.hub.terminology.nip;

/**
 * How one recorded dose was counted. A combination vaccine (CVX 110, 120, 130, 146...) is
 * evaluated once for each series it counts in.
 *
 * @param dose the recorded dose
 * @param series the series it was evaluated in; null when its code counts in no series
 * @param doseNumber for a valid dose, its number in the series; for an invalid one, the number it
 *     would have had; null when no series applies
 * @param vaccineCode the NIP vaccine the record stands for; null when the code does not say
 *     (CVX 129, 85, 89...) or counts in no series
 * @param valid whether it counts
 * @param problem why it does not count; null when valid
 * @param reason the same in words, with the ages, dates and intervals involved; null when valid
 */
public record DoseEvaluation(
    AdministeredDose dose,
    NipSeries series,
    Integer doseNumber,
    String vaccineCode,
    boolean valid,
    Problem problem,
    String reason) {

  /** Why a recorded dose does not count. */
  public enum Problem {
    /** Not an NIP or CVX code the schedule knows. */
    UNRECOGNISED_CODE,
    /** A known code that counts in no series (key-population vaccine, ambiguous CVX code...). */
    NOT_COUNTED_CODE,
    /** Dated before the birth date. */
    BEFORE_BIRTH,
    /** Dated after the evaluation date. */
    AFTER_AS_OF,
    /** A second record of the series on the same day (the same dose sent twice, or two codes). */
    DUPLICATE,
    /** The series was already complete. */
    SERIES_COMPLETE,
    /** Given before the dose's minimum age. */
    TOO_YOUNG,
    /** Given at or after the age from which the dose is no longer given. */
    TOO_OLD,
    /** Given before the minimum interval from an earlier dose had passed. */
    INTERVAL_TOO_SHORT,
    /** An injectable live vaccine given 1 to 27 days after another one. */
    LIVE_VACCINE_SPACING
  }

  static DoseEvaluation valid(AdministeredDose dose, NipSeries series, int doseNumber, String vaccineCode) {
    return new DoseEvaluation(dose, series, doseNumber, vaccineCode, true, null, null);
  }

  static DoseEvaluation invalid(
      AdministeredDose dose, NipSeries series, Integer doseNumber, String vaccineCode,
      Problem problem, String reason) {
    return new DoseEvaluation(dose, series, doseNumber, vaccineCode, false, problem, reason);
  }
}
