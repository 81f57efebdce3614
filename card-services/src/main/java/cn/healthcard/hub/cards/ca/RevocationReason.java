package cn.healthcard.hub.cards.ca;

import java.util.Arrays;

/** CRL reason codes (RFC 5280 section 5.3.1) the Health CA uses. */
public enum RevocationReason {
  UNSPECIFIED("unspecified", 0),
  /** The card's private key is, or may be, known to someone else (stolen card, broken chip). */
  KEY_COMPROMISE("keyCompromise", 1),
  AFFILIATION_CHANGED("affiliationChanged", 3),
  /** A replacement card carries a new certificate. */
  SUPERSEDED("superseded", 4),
  /** The card is cancelled (holder deceased, card withdrawn). */
  CESSATION_OF_OPERATION("cessationOfOperation", 5),
  /** Temporary: the card is reported lost or frozen; {@link HealthCa#releaseHold} lifts it. */
  CERTIFICATE_HOLD("certificateHold", 6),
  PRIVILEGE_WITHDRAWN("privilegeWithdrawn", 9);

  private final String token;
  private final int code;

  RevocationReason(String token, int code) {
    this.token = token;
    this.code = code;
  }

  /** The RFC 5280 name, as stored and as shown to people. */
  public String token() {
    return token;
  }

  /** The CRLReason code in the CRL entry. */
  public int code() {
    return code;
  }

  public boolean isPermanent() {
    return this != CERTIFICATE_HOLD;
  }

  public static RevocationReason fromToken(String token) {
    return Arrays.stream(values())
        .filter(reason -> reason.token.equals(token))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown revocation reason " + token));
  }
}
