package cn.healthcard.hub.payments.channel;

import java.time.Instant;
import java.util.Optional;

/**
 * An order as a channel reports it (a query answer or a notification).
 *
 * @param outTradeNo the hub's payment id
 * @param amountFen what the channel says was paid (or ordered, before payment)
 * @param settlement how the medical insurance split a paid order
 */
public record ChannelState(
    String outTradeNo,
    State state,
    Optional<String> transactionId,
    Optional<Instant> paidAt,
    long amountFen,
    Optional<InsuranceSettlement> settlement) {

  /** A channel's state without an insurance settlement (every channel but medical insurance). */
  public ChannelState(String outTradeNo, State state, Optional<String> transactionId, Optional<Instant> paidAt,
      long amountFen) {
    this(outTradeNo, state, transactionId, paidAt, amountFen, Optional.empty());
  }

  /** The channel's states, in the hub's words. */
  public enum State { NOT_PAID, PAYING, PAID, CLOSED, FAILED, REFUNDED }
}
