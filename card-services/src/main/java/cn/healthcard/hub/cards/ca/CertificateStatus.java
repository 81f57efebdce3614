package cn.healthcard.hub.cards.ca;

import java.math.BigInteger;
import java.time.Instant;

/**
 * Where a card certificate issued by the Health CA stands. {@code revocation} and
 * {@code revokedAt} are null for a certificate that is not revoked (nor on hold).
 */
public record CertificateStatus(
    BigInteger serial,
    String subjectId,
    Instant notBefore,
    Instant notAfter,
    RevocationReason revocation,
    Instant revokedAt) {

  public boolean revoked() {
    return revocation != null;
  }

  /** Not revoked, not on hold, and within its validity at {@code when}. */
  public boolean goodAt(Instant when) {
    return revocation == null && !when.isBefore(notBefore) && when.isBefore(notAfter);
  }
}
