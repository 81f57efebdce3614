package cn.healthcard.hub.payments.reconcile;

import java.util.Arrays;

/** How a line of a channel's statement compares with the hub's ledger. */
public enum Match {
  /** The channel and the hub agree: same order or refund, same amount, done on both sides. */
  MATCHED("matched"),
  /** The channel booked it, the hub has no such order or refund (on that channel). */
  ONLY_IN_CHANNEL("only-in-channel"),
  /** The hub has it paid or refunded that day, the channel's statement does not. */
  ONLY_IN_HUB("only-in-hub"),
  /** Both have it, for different amounts. */
  AMOUNT_MISMATCH("amount-mismatch"),
  /**
   * Both have it, the channel done and the hub not (an order the hub closed or still thinks
   * open, a refund it still thinks refunding or failed): money moved that the hub does not count.
   */
  STATUS_MISMATCH("status-mismatch");

  private final String code;

  Match(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Match fromCode(String code) {
    return Arrays.stream(values()).filter(m -> m.code.equals(code)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no match result " + code));
  }
}
