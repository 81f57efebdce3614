package cn.healthcard.hub.payments.order;

import java.util.Optional;

/**
 * What a hospital asks to be paid.
 *
 * @param institution the hospital (from its client, never from the request body)
 * @param merchantOrderNo the hospital's own number, unique per institution (the idempotency key)
 * @param patient the payer's card number as {@code system|value}, or empty with an encounter
 * @param encounter a reference to the visit, or empty with a patient
 */
public record NewPayment(
    String institution,
    String channel,
    String merchantOrderNo,
    Fen amount,
    Optional<String> patient,
    Optional<String> encounter,
    Optional<String> chargeItem,
    Optional<String> invoice,
    String description) {}
