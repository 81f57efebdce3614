package cn.healthcard.hub.cards.keyinjection;

import java.util.Map;

/**
 * Step 4: the hub's answer, everything secret sealed for the producer. See PROTOCOL.md.
 *
 * @param encryptedSessionKey Base64 of a fresh SM4 session key SM2-encrypted to the producer's
 *     registered public key
 * @param iv Base64 of the SM4-CBC IV
 * @param encryptedKeys Base64 of SM4-CBC/PKCS#7 of the card key package (card AUTH/MAC/ENC keys,
 *     card SM2 private key PKCS#8, card certificate DER), see {@code CardKeyPackage}
 * @param diversificationCode the card's diversification code
 * @param keyCheckValues key type token ({@code auth}, {@code mac}, {@code enc}) to check value
 * @param signature Base64 of the hub's SM3withSM2 signature over {@link
 *     KeyInjectionCanonical#response}
 */
public record PersonalizationResponse(
    String requestId,
    String encryptedSessionKey,
    String iv,
    String encryptedKeys,
    String diversificationCode,
    Map<String, String> keyCheckValues,
    String signature) {

  public PersonalizationResponse withSignature(String newSignature) {
    return new PersonalizationResponse(
        requestId, encryptedSessionKey, iv, encryptedKeys, diversificationCode, keyCheckValues,
        newSignature);
  }
}
