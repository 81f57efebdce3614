package cn.healthcard.hub.terminology.growth;

/** The standard normal distribution function. */
final class StandardNormal {

  private static final double INV_SQRT_2PI = 0.3989422804014327;

  private StandardNormal() {}

  /**
   * P(Z &lt;= z) for a standard normal Z, to about 1e-15 absolute: 0.5 + phi(z) times the series
   * z + z^3/3 + z^5/(3*5) + ..., whose terms are all of one sign, summed until they stop adding.
   */
  static double cdf(double z) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    // beyond 9 SD the answer is 0 or 1 within 1e-18 (and the series would overflow further out)
    if (z < -9) {
      return 0;
    }
    if (z > 9) {
      return 1;
    }
    double term = z;
    double sum = z;
    double z2 = z * z;
    for (int k = 3; ; k += 2) {
      term *= z2 / k;
      double next = sum + term;
      if (next == sum) {
        break;
      }
      sum = next;
    }
    double p = 0.5 + sum * INV_SQRT_2PI * Math.exp(-z2 / 2);
    return Math.min(1, Math.max(0, p));
  }
}
