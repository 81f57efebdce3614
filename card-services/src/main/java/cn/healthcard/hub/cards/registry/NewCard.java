package cn.healthcard.hub.cards.registry;

import java.time.LocalDate;

/**
 * A card about to enter the registry.
 *
 * @param initialStatus {@code active} for cards issued on the spot, {@code applied} for batch
 *     applications
 * @param chipSerial known for cards issued on the spot, null until production otherwise
 */
public record NewCard(
    String cardNumber,
    String patientId,
    CardType type,
    Channel channel,
    String institution,
    String division,
    CardStatus initialStatus,
    String chipSerial,
    LocalDate issuedOn,
    LocalDate expiresOn,
    String actor,
    String reason) {}
