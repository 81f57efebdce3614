package cn.healthcard.hub.payments.channel;

import java.time.Instant;
import java.util.Optional;

/**
 * A refund as a channel reports it.
 *
 * @param outRefundNo the hub's refund id
 */
public record ChannelRefund(
    String outRefundNo,
    State state,
    Optional<String> refundId,
    Optional<Instant> refundedAt,
    long amountFen) {

  public enum State { PROCESSING, SUCCESS, FAILED, NOT_FOUND }
}
