package cn.healthcard.hub.payments.order;

import java.util.Locale;

/** A refund's states: refunding (with the channel) -> refunded or failed; the last two are final. */
public enum RefundStatus {
  REFUNDING, REFUNDED, FAILED;

  public boolean canBecome(RefundStatus next) {
    return this == REFUNDING && next != REFUNDING;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static RefundStatus fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
