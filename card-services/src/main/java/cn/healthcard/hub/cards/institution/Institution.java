package cn.healthcard.hub.cards.institution;

/**
 * An institution allowed to take part in card issuance or production.
 *
 * @param kind {@code bank-branch}, {@code kiosk}, {@code service-point}, {@code card-factory} or
 *     {@code household-registration} (the police household system, which supplies children's ID numbers)
 * @param publicKey Base64 SM2 public key (X.509) its signed requests verify against; null when
 *     it signs nothing
 */
public record Institution(
    String id, String kind, String name, String division, String publicKey, boolean enabled) {}
