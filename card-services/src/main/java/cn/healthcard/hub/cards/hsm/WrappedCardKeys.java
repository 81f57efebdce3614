package cn.healthcard.hub.cards.hsm;

import java.security.PrivateKey;
import java.util.Map;

/**
 * A card's keys as they leave the HSM: {@code encryptedKeys} is a {@link CardKeyPackage} under
 * SM4-CBC/PKCS#7 with {@code iv} and a fresh session key; {@code encryptedSessionKey} is that
 * session key SM2-encrypted (C1||C3||C2) to the recipient. The diversification code and the key
 * check values (first 3 bytes of SM4(key, 0^16), upper-case hex) are public.
 */
public record WrappedCardKeys(
    String diversificationCode,
    byte[] encryptedSessionKey,
    byte[] iv,
    byte[] encryptedKeys,
    Map<CardKeyType, String> keyCheckValues) {

  public WrappedCardKeys {
    keyCheckValues = Map.copyOf(keyCheckValues);
  }

  /** Opens the package with the recipient's private key (what the card-production system does). */
  public CardKeyPackage open(PrivateKey recipientKey) {
    return CardKeyPackage.open(recipientKey, encryptedSessionKey, iv, encryptedKeys);
  }
}
