package cn.healthcard.hub.payments.channel;

import java.time.Instant;
import java.util.Optional;

/**
 * One line of a channel's statement: a payment it took or a refund it paid back, as the channel
 * booked it (its own ids, its amounts and its fee), in integer fen.
 *
 * @param outTradeNo the hub's payment id as the channel knows the order
 * @param outRefundNo the hub's refund id, for a refund line
 * @param amountFen what moved: paid in, or refunded (always positive)
 * @param feeFen the channel's fee on this line (a refund gives part of it back: still positive)
 */
public record StatementLine(Kind kind, Instant bookedAt, String channelTransactionId, String outTradeNo,
    Optional<String> channelRefundId, Optional<String> outRefundNo, long amountFen, long feeFen) {

  public enum Kind { PAYMENT, REFUND }

  public StatementLine {
    if (amountFen < 0 || feeFen < 0) {
      throw new IllegalArgumentException("statement amounts are never negative");
    }
    if (kind == Kind.REFUND && outRefundNo.isEmpty()) {
      throw new IllegalArgumentException("a refund line names its refund");
    }
  }
}
