package cn.healthcard.hub.insurance.adjudication;

import java.math.BigDecimal;
import java.util.Map;

/**
 * What one person has already used of the scheme in the year, from their settled claims (reversed
 * ones left out).
 *
 * @param itemQuantities quantities of each item the fund has paid for this year
 */
public record Usage(
    long fundPaidFen,
    long outpatientFundPaidFen,
    long outpatientDeductibleFen,
    int admissions,
    int visits,
    Map<String, BigDecimal> itemQuantities) {

  public static final Usage NONE = new Usage(0, 0, 0, 0, 0, Map.of());

  public Usage {
    itemQuantities = Map.copyOf(itemQuantities);
  }

  public BigDecimal quantity(String item) {
    return itemQuantities.getOrDefault(item, BigDecimal.ZERO);
  }
}
