package cn.healthcard.hub.terminology.growth;

/**
 * A measurement assessed against a WHO Child Growth Standard.
 *
 * @param indicator the standard
 * @param sex the table used
 * @param ageInDays age at measurement, completed days since birth (0 on the day of birth)
 * @param value the measurement as given, in {@link Indicator#unit()}
 * @param standardisedValue the measurement assessed: {@code value}, or for length/height the value
 *     corrected by 0.7 cm to the position the standard uses at that age (see {@link
 *     LengthPosition})
 * @param lms the L, M and S of the standard at that age
 * @param zScore the z-score, unrounded; for weight-based indicators beyond +-3 by the WHO's
 *     restricted rule
 * @param percentile {@code 100 * P(Z <= zScore)}, 0-100, unrounded
 * @param restrictedRuleApplied whether {@code zScore} came from the restricted rule
 */
public record GrowthResult(
    Indicator indicator,
    Sex sex,
    int ageInDays,
    double value,
    double standardisedValue,
    Lms lms,
    double zScore,
    double percentile,
    boolean restrictedRuleApplied) {

  /** The z-score rounded to 2 decimals, as the WHO Anthro software reports it. */
  public double roundedZScore() {
    return Math.round(zScore * 100) / 100.0;
  }

  /**
   * Whether the WHO Anthro software would flag the z-score as biologically implausible (see
   * {@link Indicator#implausible(double)}); a flagged result is more likely a measuring or data
   * entry error than a real child.
   */
  public boolean implausible() {
    return indicator.implausible(roundedZScore());
  }

  /** The LOINC code of this result's percentile. */
  public String percentileLoinc() {
    return indicator.percentileLoinc();
  }
}
