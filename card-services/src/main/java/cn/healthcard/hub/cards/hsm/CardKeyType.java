package cn.healthcard.hub.cards.hsm;

import java.util.Arrays;

/**
 * The symmetric keys each card carries, each derived from its own master key. The token names
 * the key in key-check-value maps and in the key-injection protocol.
 */
public enum CardKeyType {
  /** Internal authentication: the card MACs a terminal's challenge with it (card genuineness). */
  AUTH("auth", 0x11),
  /** Secure-messaging integrity: MACs the commands that update the card's data files. */
  MAC("mac", 0x12),
  /** Secure-messaging confidentiality: encrypts confidential data written to the card. */
  ENC("enc", 0x13);

  private final String token;
  private final int tag;

  CardKeyType(String token, int tag) {
    this.token = token;
    this.tag = tag;
  }

  public String token() {
    return token;
  }

  /** The tag of this key in a {@link CardKeyPackage}. */
  int tag() {
    return tag;
  }

  /** The HSM alias of the master key this card key is diversified from. */
  String masterAlias() {
    return "master/" + token;
  }

  public static CardKeyType fromToken(String token) {
    return Arrays.stream(values())
        .filter(type -> type.token.equals(token))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown card key type " + token));
  }
}
