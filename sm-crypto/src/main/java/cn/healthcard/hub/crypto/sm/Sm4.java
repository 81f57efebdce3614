package cn.healthcard.hub.crypto.sm;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.BlockCipher;
import org.bouncycastle.crypto.BufferedBlockCipher;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.modes.AEADBlockCipher;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.paddings.PKCS7Padding;
import org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * SM4 (GB/T 32907) on BouncyCastle's lightweight engine (no JCE provider look-up per call; a
 * fresh engine costs one key schedule). Keys and blocks are 16 bytes. Used inside the card
 * platform's HSM and by the card side, and for the medical-insurance channel's message bodies.
 */
public final class Sm4 {
  public static final int BLOCK = 16;
  public static final int KEY = 16;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Sm4() {}

  public static byte[] randomKey() {
    byte[] key = new byte[KEY];
    RANDOM.nextBytes(key);
    return key;
  }

  public static byte[] randomIv() {
    byte[] iv = new byte[BLOCK];
    RANDOM.nextBytes(iv);
    return iv;
  }

  /** SM4 of one 16-byte block (ECB), as used for key diversification and check values. */
  public static byte[] encryptBlock(byte[] key, byte[] block) {
    requireLength(key, KEY, "key");
    requireLength(block, BLOCK, "block");
    SM4Engine engine = new SM4Engine();
    engine.init(true, new KeyParameter(key));
    byte[] out = new byte[BLOCK];
    engine.processBlock(block, 0, out, 0);
    return out;
  }

  /** SM4-CBC with PKCS#7 padding. */
  public static byte[] cbcEncrypt(byte[] key, byte[] iv, byte[] plaintext) {
    return cbc(true, key, iv, plaintext);
  }

  /**
   * Reverses {@link #cbcEncrypt}.
   *
   * @throws IllegalArgumentException if the ciphertext is not whole blocks or its padding is wrong
   */
  public static byte[] cbcDecrypt(byte[] key, byte[] iv, byte[] ciphertext) {
    return cbc(false, key, iv, ciphertext);
  }

  private static byte[] cbc(boolean encrypt, byte[] key, byte[] iv, byte[] input) {
    requireLength(key, KEY, "key");
    requireLength(iv, BLOCK, "iv");
    BufferedBlockCipher cipher =
        new PaddedBufferedBlockCipher(CBCBlockCipher.newInstance(new SM4Engine()), new PKCS7Padding());
    cipher.init(encrypt, new ParametersWithIV(new KeyParameter(key), iv));
    byte[] out = new byte[cipher.getOutputSize(input.length)];
    try {
      int length = cipher.processBytes(input, 0, input.length, out, 0);
      length += cipher.doFinal(out, length);
      return length == out.length ? out : Arrays.copyOf(out, length);
    } catch (InvalidCipherTextException | org.bouncycastle.crypto.DataLengthException e) {
      throw new IllegalArgumentException("SM4-CBC ciphertext does not decrypt", e);
    }
  }

  /**
   * SM4-GCM with a 12-byte nonce and a 16-byte tag appended to the ciphertext; {@code aad} is
   * authenticated, not encrypted.
   */
  public static byte[] gcmEncrypt(byte[] key, byte[] nonce, byte[] aad, byte[] plaintext) {
    return gcm(true, key, nonce, aad, plaintext);
  }

  /** @throws IllegalArgumentException if the tag does not match (wrong key, altered data) */
  public static byte[] gcmDecrypt(byte[] key, byte[] nonce, byte[] aad, byte[] ciphertext) {
    return gcm(false, key, nonce, aad, ciphertext);
  }

  private static byte[] gcm(boolean encrypt, byte[] key, byte[] nonce, byte[] aad, byte[] input) {
    requireLength(key, KEY, "key");
    AEADBlockCipher cipher = GCMBlockCipher.newInstance(new SM4Engine());
    cipher.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, aad));
    byte[] out = new byte[cipher.getOutputSize(input.length)];
    try {
      int length = cipher.processBytes(input, 0, input.length, out, 0);
      length += cipher.doFinal(out, length);
      return length == out.length ? out : Arrays.copyOf(out, length);
    } catch (InvalidCipherTextException | org.bouncycastle.crypto.DataLengthException e) {
      throw new IllegalArgumentException("SM4-GCM authentication failed", e);
    }
  }

  /**
   * CBC-MAC per ISO/IEC 9797-1, MAC algorithm 1 (plain CBC, zero IV, last block is the MAC) with
   * padding method 2 (one 0x80 byte, then zeros to a whole block; always at least the 0x80).
   * Returns the full 16-byte block.
   */
  public static byte[] cbcMac(byte[] key, byte[] data) {
    requireLength(key, KEY, "key");
    BlockCipher engine = new SM4Engine();
    engine.init(true, new KeyParameter(key));
    int blocks = data.length / BLOCK + 1;
    byte[] padded = Arrays.copyOf(data, blocks * BLOCK);
    padded[data.length] = (byte) 0x80;
    byte[] chain = new byte[BLOCK];
    for (int offset = 0; offset < padded.length; offset += BLOCK) {
      for (int i = 0; i < BLOCK; i++) {
        chain[i] ^= padded[offset + i];
      }
      engine.processBlock(chain, 0, chain, 0);
    }
    return chain;
  }

  /** Key check value: the first 3 bytes of SM4(key, 16 zero bytes), upper-case hex. */
  public static String checkValue(byte[] key) {
    byte[] encrypted = encryptBlock(key, new byte[BLOCK]);
    return HexFormat.of().withUpperCase().formatHex(encrypted, 0, 3);
  }

  /** Constant-time comparison; false when lengths differ. */
  public static boolean equal(byte[] a, byte[] b) {
    return a != null && b != null && MessageDigest.isEqual(a, b);
  }

  private static void requireLength(byte[] value, int length, String what) {
    if (value == null || value.length != length) {
      throw new IllegalArgumentException("SM4 " + what + " must be " + length + " bytes");
    }
  }
}
