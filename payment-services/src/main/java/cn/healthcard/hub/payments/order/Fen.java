package cn.healthcard.hub.payments.order;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** An amount of money in fen (1/100 yuan), never a floating-point number. */
public record Fen(long value) {

  public Fen {
    if (value < 0) {
      throw new IllegalArgumentException("an amount is never negative");
    }
  }

  /**
   * A yuan amount as the API carries it (Money.value): positive, at most two decimals.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static Fen ofYuan(BigDecimal yuan) {
    if (yuan == null) {
      throw new IllegalArgumentException("the amount is required");
    }
    if (yuan.signum() <= 0) {
      throw new IllegalArgumentException("the amount must be more than zero");
    }
    if (yuan.stripTrailingZeros().scale() > 2) {
      throw new IllegalArgumentException("the amount has more than two decimals (the smallest unit is one fen)");
    }
    return new Fen(yuan.movePointRight(2).longValueExact());
  }

  /** A signed amount of fen (a refund or a fee taken: negative) in yuan with two decimals. */
  public static BigDecimal signedYuan(long fen) {
    return BigDecimal.valueOf(fen).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY);
  }

  public BigDecimal yuan() {
    return BigDecimal.valueOf(value).movePointLeft(2).setScale(2, RoundingMode.UNNECESSARY);
  }
}
