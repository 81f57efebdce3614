package cn.healthcard.hub.payments.order;

import java.time.Instant;
import java.util.Optional;

/**
 * A refund of (part of) a paid order.
 *
 * @param id the hub's refund id, also the refund number the channel knows ({@code out_refund_no})
 * @param refundRequestNo the hospital's idempotency key: the same one never refunds twice
 */
public record PaymentRefund(
    String id,
    String paymentId,
    String refundRequestNo,
    Fen amount,
    String reason,
    RefundStatus status,
    Optional<String> channelRefundId,
    Optional<Instant> refundedAt,
    Instant createdAt) {}
