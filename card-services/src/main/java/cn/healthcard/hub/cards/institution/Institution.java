package cn.healthcard.hub.cards.institution;

/**
 * An institution allowed to take part in card issuance or production.
 *
 * @param kind {@code bank-branch}, {@code kiosk}, {@code service-point}, {@code card-factory},
 *     {@code household-registration} (the police household system, which supplies children's ID
 *     numbers) or {@code hospital} (its id is its HL7 v2 sending facility, MSH-4)
 * @param publicKey Base64 SM2 public key (X.509) its signed requests verify against; null when
 *     it signs nothing
 */
public record Institution(
    String id, String kind, String name, String division, String publicKey, boolean enabled) {}
