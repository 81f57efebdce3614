package cn.healthcard.hub.cards.hsm;

import cn.healthcard.hub.crypto.sm.Sm4;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a card receives at injection, in clear: its symmetric keys, and optionally its SM2 private
 * key and certificate. This is the plaintext inside {@link WrappedCardKeys#encryptedKeys()}.
 *
 * <p>Encoding (all lengths big-endian):
 *
 * <pre>
 * package = "HCK1" item*
 * item    = tag(1 byte) length(2 bytes) value(length bytes)
 * tags    = 0x01 diversification code (ASCII hex)
 *           0x11 AUTH key, 0x12 MAC key, 0x13 ENC key (16 bytes each)
 *           0x21 card SM2 private key (PKCS#8 DER)
 *           0x22 card certificate (X.509 DER)
 * </pre>
 *
 * Every item appears at most once; all three card keys and the code are required; a reader
 * ignores tags it does not know.
 */
public record CardKeyPackage(
    String diversificationCode,
    Map<CardKeyType, byte[]> keys,
    byte[] privateKeyPkcs8,
    byte[] certificateDer) {

  private static final byte[] MAGIC = "HCK1".getBytes(StandardCharsets.US_ASCII);
  private static final int TAG_CODE = 0x01;
  private static final int TAG_PRIVATE_KEY = 0x21;
  private static final int TAG_CERTIFICATE = 0x22;

  public CardKeyPackage {
    if (diversificationCode == null || diversificationCode.isEmpty()) {
      throw new IllegalArgumentException("card key package without a diversification code");
    }
    EnumMap<CardKeyType, byte[]> copy = new EnumMap<>(CardKeyType.class);
    for (CardKeyType type : CardKeyType.values()) {
      byte[] key = keys.get(type);
      if (key == null || key.length != Sm4.KEY) {
        throw new IllegalArgumentException("card key package without a 16-byte " + type.token() + " key");
      }
      copy.put(type, key.clone());
    }
    keys = Collections.unmodifiableMap(copy);
  }

  public byte[] key(CardKeyType type) {
    return keys.get(type).clone();
  }

  /** The key check values of the keys in this package, as the HSM reported them. */
  public Map<CardKeyType, String> checkValues() {
    EnumMap<CardKeyType, String> values = new EnumMap<>(CardKeyType.class);
    keys.forEach((type, key) -> values.put(type, Sm4.checkValue(key)));
    return values;
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    out.writeBytes(MAGIC);
    item(out, TAG_CODE, diversificationCode.getBytes(StandardCharsets.US_ASCII));
    keys.forEach((type, key) -> item(out, type.tag(), key));
    if (privateKeyPkcs8 != null) {
      item(out, TAG_PRIVATE_KEY, privateKeyPkcs8);
    }
    if (certificateDer != null) {
      item(out, TAG_CERTIFICATE, certificateDer);
    }
    return out.toByteArray();
  }

  private static void item(ByteArrayOutputStream out, int tag, byte[] value) {
    if (value.length > 0xFFFF) {
      throw new IllegalArgumentException("card key package item too long");
    }
    out.write(tag);
    out.write(value.length >>> 8);
    out.write(value.length & 0xFF);
    out.writeBytes(value);
  }

  /** @throws IllegalArgumentException if {@code encoded} is not a well-formed package */
  public static CardKeyPackage decode(byte[] encoded) {
    ByteBuffer in = ByteBuffer.wrap(encoded);
    byte[] magic = new byte[MAGIC.length];
    if (in.remaining() < MAGIC.length || !Arrays.equals(take(in, magic), MAGIC)) {
      throw new IllegalArgumentException("not a card key package");
    }
    String code = null;
    byte[] privateKey = null;
    byte[] certificate = null;
    EnumMap<CardKeyType, byte[]> keys = new EnumMap<>(CardKeyType.class);
    boolean[] seen = new boolean[256];
    while (in.hasRemaining()) {
      if (in.remaining() < 3) {
        throw new IllegalArgumentException("truncated card key package");
      }
      int tag = in.get() & 0xFF;
      int length = in.getShort() & 0xFFFF;
      if (in.remaining() < length) {
        throw new IllegalArgumentException("truncated card key package");
      }
      if (seen[tag]) {
        throw new IllegalArgumentException("card key package repeats tag " + tag);
      }
      seen[tag] = true;
      byte[] value = take(in, new byte[length]);
      switch (tag) {
        case TAG_CODE -> code = new String(value, StandardCharsets.US_ASCII);
        case TAG_PRIVATE_KEY -> privateKey = value;
        case TAG_CERTIFICATE -> certificate = value;
        default -> {
          for (CardKeyType type : CardKeyType.values()) {
            if (type.tag() == tag) {
              keys.put(type, value);
            }
          }
        }
      }
    }
    return new CardKeyPackage(code, keys, privateKey, certificate);
  }

  private static byte[] take(ByteBuffer in, byte[] into) {
    in.get(into);
    return into;
  }

  /**
   * Opens a sealed package: SM2-decrypts the session key with the recipient's private key, then
   * SM4-CBC-decrypts the package.
   *
   * @throws IllegalArgumentException if any layer does not decrypt or decode
   */
  public static CardKeyPackage open(
      PrivateKey recipientKey, byte[] encryptedSessionKey, byte[] iv, byte[] encryptedKeys) {
    byte[] sessionKey = Sm2Cipher.decrypt(recipientKey, encryptedSessionKey);
    byte[] plaintext = null;
    try {
      plaintext = Sm4.cbcDecrypt(sessionKey, iv, encryptedKeys);
      return decode(plaintext);
    } finally {
      Arrays.fill(sessionKey, (byte) 0);
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
  }

  @Override
  public String toString() {
    return "CardKeyPackage[" + diversificationCode + ", keys hidden]";
  }
}
