package cn.healthcard.hub.insurance.supervision;

/**
 * How much of an item settled claims of a principal diagnosis bill at a hospital level over the
 * last year: how many claims, the mean and standard deviation of the quantity.
 */
public record QuantityStatistic(String item, int claims, double meanQuantity, double stddevQuantity) {

  public boolean outlier(java.math.BigDecimal quantity) {
    return claims >= CostStatistic.MINIMUM_CLAIMS && stddevQuantity > 0
        && quantity.doubleValue() > meanQuantity + CostStatistic.DEVIATIONS * stddevQuantity;
  }
}
