package cn.healthcard.hub.cards.signing;

import cn.healthcard.hub.crypto.sm.Sm2;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks a request signed per {@link SignedRequest}: the key is known, the timestamp is within
 * the allowed skew, the nonce has not been used before and the signature covers exactly this
 * method, path and body. Each refusal says which of these failed.
 */
public final class RequestVerifier {

  /** Remembers nonces for at least the skew window; answers false for one already seen. */
  public interface NonceLog {
    boolean firstUse(String keyId, String nonce, Instant timestamp);
  }

  public record Verified(String keyId) {}

  public static final class SignatureRefused extends RuntimeException {
    public SignatureRefused(String reason) {
      super(reason);
    }
  }

  private final Function<String, Optional<PublicKey>> keys;
  private final NonceLog nonces;
  private final Duration maxSkew;
  private final Clock clock;

  public RequestVerifier(
      Function<String, Optional<PublicKey>> keys, NonceLog nonces, Duration maxSkew, Clock clock) {
    this.keys = keys;
    this.nonces = nonces;
    this.maxSkew = maxSkew;
    this.clock = clock;
  }

  /**
   * @param header reads one request header (null when absent)
   * @throws SignatureRefused naming the first check that failed
   */
  public Verified verify(
      Function<String, String> header, String method, String path, byte[] body) {
    String keyId = required(header, SignedRequest.KEY_ID);
    String timestamp = required(header, SignedRequest.TIMESTAMP);
    String nonce = required(header, SignedRequest.NONCE);
    String signature = required(header, SignedRequest.SIGNATURE);
    PublicKey key =
        keys.apply(keyId).orElseThrow(() -> new SignatureRefused("unknown key id " + keyId));
    Instant signedAt;
    try {
      signedAt = Instant.parse(timestamp);
    } catch (DateTimeParseException e) {
      throw new SignatureRefused(SignedRequest.TIMESTAMP + " is not an ISO-8601 instant");
    }
    Duration skew = Duration.between(signedAt, clock.instant()).abs();
    if (skew.compareTo(maxSkew) > 0) {
      throw new SignatureRefused(
          SignedRequest.TIMESTAMP + " is " + skew.toSeconds() + " s away from the hub clock");
    }
    byte[] signatureBytes;
    try {
      signatureBytes = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      throw new SignatureRefused(SignedRequest.SIGNATURE + " is not Base64");
    }
    byte[] canonical =
        SignedRequest.canonical(method, path, timestamp, nonce, body)
            .getBytes(StandardCharsets.UTF_8);
    if (!Sm2.verify(key, canonical, signatureBytes)) {
      throw new SignatureRefused("signature does not match the request");
    }
    // the nonce is spent only by a request that was really signed by the key holder
    if (!nonces.firstUse(keyId, nonce, signedAt)) {
      throw new SignatureRefused("nonce already used (replayed request)");
    }
    return new Verified(keyId);
  }

  private static String required(Function<String, String> header, String name) {
    String value = header.apply(name);
    if (value == null || value.isBlank()) {
      throw new SignatureRefused("missing header " + name);
    }
    return value.trim();
  }
}
