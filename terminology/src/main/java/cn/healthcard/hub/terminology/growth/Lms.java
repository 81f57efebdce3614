package cn.healthcard.hub.terminology.growth;

/**
 * The Box-Cox power (L), median (M) and coefficient of variation (S) of a growth standard at one
 * age: a measurement {@code y} has the z-score {@code ((y / M)^L - 1) / (L * S)}, or
 * {@code ln(y / M) / S} when L is 0 (WHO Child Growth Standards, methods and development, 2006,
 * chapter 7).
 */
public record Lms(double l, double m, double s) {

  private static final double L_ZERO = 1e-9;

  /** The plain LMS z-score of a measurement, without the WHO restriction beyond +-3 SD. */
  public double zScore(double value) {
    if (Math.abs(l) < L_ZERO) {
      return Math.log(value / m) / s;
    }
    return (Math.pow(value / m, l) - 1) / (l * s);
  }

  /**
   * The measurement that has the plain LMS z-score {@code z}; NaN where the Box-Cox curve has no
   * value (1 + L*S*z &lt;= 0).
   */
  public double valueAt(double z) {
    if (Math.abs(l) < L_ZERO) {
      return m * Math.exp(s * z);
    }
    double base = 1 + l * s * z;
    return base > 0 ? m * Math.pow(base, 1 / l) : Double.NaN;
  }

  static Lms between(Lms a, Lms b, double fraction) {
    return new Lms(
        a.l + (b.l - a.l) * fraction, a.m + (b.m - a.m) * fraction, a.s + (b.s - a.s) * fraction);
  }
}
