package cn.healthcard.hub.insurance.adjudication;

import cn.healthcard.hub.insurance.scheme.ItemClass;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * One billed line: a national catalogue item, the class the hospital gives it, how many and at
 * what unit price.
 */
public record ClaimLine(int sequence, String item, ItemClass declaredClass, BigDecimal quantity, long unitPriceFen) {

  public long submittedFen() {
    return amount(quantity, unitPriceFen);
  }

  /** Quantity times unit price, to the fen (half up). */
  static long amount(BigDecimal quantity, long unitPriceFen) {
    return quantity.multiply(BigDecimal.valueOf(unitPriceFen)).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }
}
