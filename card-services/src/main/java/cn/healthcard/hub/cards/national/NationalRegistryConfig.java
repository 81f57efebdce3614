package cn.healthcard.hub.cards.national;

import java.net.URI;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import cn.healthcard.hub.crypto.sm.Sm2;

/**
 * How the hub reaches the national card-management system.
 *
 * @param baseUrl the national system's base URL; the protocol's paths are appended to it
 * @param keyId the province's key id, sent as {@code X-Hub-Key-Id} (e.g. {@code province-21})
 * @param provinceSigner signs every request with the province's SM2 key (SM3withSM2; in the
 *     application the key stays in the HSM)
 * @param nationalKeyId the key id the national system signs its answers with
 * @param nationalKey the national system's SM2 public key, verifying every answer
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout how long to wait for an answer once the request is sent
 * @param maxResponseSkew how far an answer's timestamp may be from the hub's clock
 */
public record NationalRegistryConfig(
    URI baseUrl,
    String keyId,
    UnaryOperator<byte[]> provinceSigner,
    String nationalKeyId,
    PublicKey nationalKey,
    Duration connectTimeout,
    Duration requestTimeout,
    Duration maxResponseSkew) {

  public NationalRegistryConfig {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(keyId, "keyId");
    Objects.requireNonNull(provinceSigner, "provinceSigner");
    Objects.requireNonNull(nationalKeyId, "nationalKeyId");
    Objects.requireNonNull(nationalKey, "nationalKey");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(maxResponseSkew, "maxResponseSkew");
    String scheme = baseUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("the national base URL must be http or https");
    }
    if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
      throw new IllegalArgumentException("the national base URL must have no query or fragment");
    }
  }

  /** Connect within 5 s, an answer within 10 s, answers signed within 5 min of the hub's clock. */
  public static NationalRegistryConfig of(
      URI baseUrl, String keyId, PrivateKey provinceKey, String nationalKeyId, PublicKey nationalKey) {
    Objects.requireNonNull(provinceKey, "provinceKey");
    return of(baseUrl, keyId, data -> Sm2.sign(provinceKey, data), nationalKeyId, nationalKey);
  }

  /** As above, signing through {@code provinceSigner}. */
  public static NationalRegistryConfig of(
      URI baseUrl,
      String keyId,
      UnaryOperator<byte[]> provinceSigner,
      String nationalKeyId,
      PublicKey nationalKey) {
    return new NationalRegistryConfig(
        baseUrl,
        keyId,
        provinceSigner,
        nationalKeyId,
        nationalKey,
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofMinutes(5));
  }

  public NationalRegistryConfig withTimeouts(Duration connect, Duration request) {
    return new NationalRegistryConfig(
        baseUrl, keyId, provinceSigner, nationalKeyId, nationalKey, connect, request, maxResponseSkew);
  }

  /** Keys are not printed. */
  @Override
  public String toString() {
    return "NationalRegistryConfig[baseUrl=" + baseUrl + ", keyId=" + keyId
        + ", nationalKeyId=" + nationalKeyId + ", requestTimeout=" + requestTimeout + "]";
  }
}
