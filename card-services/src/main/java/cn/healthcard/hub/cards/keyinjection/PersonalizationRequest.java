package cn.healthcard.hub.cards.keyinjection;

/**
 * Step 1: the card-production system asks the hub to personalize one card. See PROTOCOL.md.
 *
 * @param requestId unique per request, chosen by the producer (a UUID is recommended)
 * @param producerId the producer's registered id
 * @param timestamp ISO-8601 instant of signing
 * @param encryptedSessionKey Base64 of the 16-byte SM4 session key, SM2-encrypted (C1C3C2) to the
 *     hub's key-injection encryption key
 * @param iv Base64 of the 16-byte SM4-CBC IV
 * @param encryptedData Base64 of SM4-CBC/PKCS#7 of the UTF-8 JSON {@link PersonalizationData}
 * @param signature Base64 of the DER SM3withSM2 signature by the producer's key over
 *     {@link KeyInjectionCanonical#request}
 */
public record PersonalizationRequest(
    String requestId,
    String producerId,
    String timestamp,
    String encryptedSessionKey,
    String iv,
    String encryptedData,
    String signature) {

  public PersonalizationRequest withSignature(String newSignature) {
    return new PersonalizationRequest(
        requestId, producerId, timestamp, encryptedSessionKey, iv, encryptedData, newSignature);
  }
}
