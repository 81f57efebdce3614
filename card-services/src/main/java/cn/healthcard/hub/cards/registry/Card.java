package cn.healthcard.hub.cards.registry;

import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;

/**
 * One physical card as the registry holds it.
 *
 * @param heldFrom the status the card had when the national registry put it on hold
 * @param lostFrom the status the card was reported lost from (active or frozen)
 */
public record Card(
    UUID id,
    String cardNumber,
    String patientId,
    CardType type,
    Channel channel,
    String institution,
    String division,
    CardStatus status,
    CardStatus heldFrom,
    CardStatus lostFrom,
    String chipSerial,
    String diversificationCode,
    String certificateSerial,
    LocalDate issuedOn,
    LocalDate expiresOn,
    UUID replaces,
    UUID batchId,
    Instant createdAt,
    Instant updatedAt) {}
