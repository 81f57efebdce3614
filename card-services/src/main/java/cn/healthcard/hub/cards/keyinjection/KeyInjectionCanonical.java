package cn.healthcard.hub.cards.keyinjection;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bytes each key-injection signature covers: every field of the message except the signature,
 * in a fixed order, length-prefixed so that no choice of values can make two messages look alike.
 *
 * <pre>
 * canonical = "HC-KEY-INJECTION/1 " type LF  field*
 * field     = name "=" decimal(UTF-8 byte length of value) ":" value LF
 * </pre>
 *
 * A null value is written as the empty string. Types: {@code personalization-request},
 * {@code personalization-response}, {@code injection-confirmation}, {@code injection-receipt}.
 * The key-check-value map is one field, its entries sorted by key and written {@code k:v} joined
 * by commas. The signature is SM3withSM2 (default user id) over these bytes: SM2 signs the SM3
 * digest of them.
 */
public final class KeyInjectionCanonical {
  private static final String PREFIX = "HC-KEY-INJECTION/1 ";

  private KeyInjectionCanonical() {}

  public static byte[] request(PersonalizationRequest r) {
    return new Builder("personalization-request")
        .field("requestId", r.requestId())
        .field("producerId", r.producerId())
        .field("timestamp", r.timestamp())
        .field("encryptedSessionKey", r.encryptedSessionKey())
        .field("iv", r.iv())
        .field("encryptedData", r.encryptedData())
        .bytes();
  }

  public static byte[] response(PersonalizationResponse r) {
    StringBuilder checkValues = new StringBuilder();
    if (r.keyCheckValues() != null) {
      for (Map.Entry<String, String> entry : new TreeMap<>(r.keyCheckValues()).entrySet()) {
        if (!checkValues.isEmpty()) {
          checkValues.append(',');
        }
        checkValues.append(entry.getKey()).append(':').append(entry.getValue());
      }
    }
    return new Builder("personalization-response")
        .field("requestId", r.requestId())
        .field("encryptedSessionKey", r.encryptedSessionKey())
        .field("iv", r.iv())
        .field("encryptedKeys", r.encryptedKeys())
        .field("diversificationCode", r.diversificationCode())
        .field("keyCheckValues", checkValues.toString())
        .bytes();
  }

  public static byte[] confirmation(InjectionConfirmation c) {
    return new Builder("injection-confirmation")
        .field("requestId", c.requestId())
        .field("cardNumber", c.cardNumber())
        .field("chipSerial", c.chipSerial())
        .field("diversificationCode", c.diversificationCode())
        .bytes();
  }

  public static byte[] receipt(InjectionReceipt r) {
    return new Builder("injection-receipt")
        .field("requestId", r.requestId())
        .field("diversificationCode", r.diversificationCode())
        .field("status", r.status())
        .bytes();
  }

  private static final class Builder {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(512);

    Builder(String type) {
      out.writeBytes((PREFIX + type + "\n").getBytes(StandardCharsets.UTF_8));
    }

    Builder field(String name, String value) {
      byte[] bytes = (value == null ? "" : value).getBytes(StandardCharsets.UTF_8);
      out.writeBytes((name + "=" + bytes.length + ":").getBytes(StandardCharsets.UTF_8));
      out.writeBytes(bytes);
      out.write('\n');
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
