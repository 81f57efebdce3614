package cn.healthcard.hub.payments.order;

/**
 * A refund a hospital asks for.
 *
 * @param refundRequestNo the hospital's idempotency key for this refund
 */
public record NewRefund(String refundRequestNo, Fen amount, String reason) {}
