package cn.healthcard.hub.payments.order;

import java.time.Instant;
import java.util.Optional;

/**
 * A payment order as the ledger holds it.
 *
 * @param id the hub's payment id, also the order number the channel knows ({@code out_trade_no})
 * @param payload what the payer's app shows (a QR-code URL), once the channel has the order
 */
public record PaymentOrder(
    String id,
    String institution,
    String merchantOrderNo,
    String channel,
    Fen amount,
    String description,
    Optional<String> patient,
    Optional<String> encounter,
    Optional<String> chargeItem,
    Optional<String> invoice,
    PaymentStatus status,
    Optional<String> payload,
    Optional<String> channelTransactionId,
    Optional<Instant> paidAt,
    Instant createdAt) {}
