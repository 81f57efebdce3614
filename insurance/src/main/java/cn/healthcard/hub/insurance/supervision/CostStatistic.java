package cn.healthcard.hub.insurance.supervision;

/**
 * What settled claims of a principal diagnosis cost at a hospital level in a setting over the last
 * year: how many, their mean and standard deviation (fen).
 */
public record CostStatistic(String diagnosis, String level, String setting, int claims, double meanFen,
    double stddevFen) {

  /** Fewer claims than this say nothing reliable about what is usual. */
  public static final int MINIMUM_CLAIMS = 30;
  /** Standard deviations above the mean that make a claim an outlier. */
  public static final double DEVIATIONS = 3.0;

  public boolean outlier(long submittedFen) {
    return claims >= MINIMUM_CLAIMS && stddevFen > 0 && submittedFen > meanFen + DEVIATIONS * stddevFen;
  }
}
