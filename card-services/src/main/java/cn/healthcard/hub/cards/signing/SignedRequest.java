package cn.healthcard.hub.cards.signing;

import cn.healthcard.hub.crypto.sm.Sm2;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The signature scheme of every machine-to-machine request the card platform sends or accepts
 * (bank back offices, the national card registry): SM3withSM2 over a canonical string that binds
 * the method, the path, a timestamp, a single-use nonce and the SM3 digest of the body.
 *
 * <pre>
 * canonical = METHOD "\n" PATH "\n" TIMESTAMP "\n" NONCE "\n" hex(SM3(body))
 * headers   = X-Hub-Key-Id, X-Hub-Timestamp (ISO-8601 instant), X-Hub-Nonce,
 *             X-Hub-Signature (Base64 of the DER signature)
 * </pre>
 */
public final class SignedRequest {
  public static final String KEY_ID = "X-Hub-Key-Id";
  public static final String TIMESTAMP = "X-Hub-Timestamp";
  public static final String NONCE = "X-Hub-Nonce";
  public static final String SIGNATURE = "X-Hub-Signature";

  private SignedRequest() {}

  public static String canonical(
      String method, String path, String timestamp, String nonce, byte[] body) {
    return method.toUpperCase()
        + "\n"
        + path
        + "\n"
        + timestamp
        + "\n"
        + nonce
        + "\n"
        + HexFormat.of().formatHex(Sm2.sm3(body == null ? new byte[0] : body));
  }

  /** The four headers to send with a request signed by {@code key}. */
  public static Map<String, String> sign(
      String keyId, PrivateKey key, String method, String path, byte[] body, Instant now) {
    return sign(keyId, data -> Sm2.sign(key, data), method, path, body, now);
  }

  /** As above, with the signature made elsewhere (an HSM that never hands its key out). */
  public static Map<String, String> sign(
      String keyId,
      java.util.function.UnaryOperator<byte[]> signer,
      String method,
      String path,
      byte[] body,
      Instant now) {
    String timestamp = now.toString();
    String nonce = UUID.randomUUID().toString();
    byte[] signature =
        signer.apply(canonical(method, path, timestamp, nonce, body).getBytes(StandardCharsets.UTF_8));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(KEY_ID, keyId);
    headers.put(TIMESTAMP, timestamp);
    headers.put(NONCE, nonce);
    headers.put(SIGNATURE, Base64.getEncoder().encodeToString(signature));
    return headers;
  }
}
