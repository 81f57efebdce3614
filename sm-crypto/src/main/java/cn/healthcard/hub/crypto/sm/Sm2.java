package cn.healthcard.hub.crypto.sm;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The national SM algorithms as the card and payment platforms use them: SM2 key pairs on the curve
 * {@code sm2p256v1}, signatures SM3withSM2 (default user id), SM3 digests. Keys travel as
 * standard encodings (X.509 SubjectPublicKeyInfo, PKCS#8), Base64 in text protocols.
 */
public final class Sm2 {
  /** One provider instance for the whole application; never registered globally. */
  public static final Provider PROVIDER = new BouncyCastleProvider();

  private static final SecureRandom RANDOM = new SecureRandom();

  private Sm2() {}

  public static KeyPair generateKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", PROVIDER);
      generator.initialize(new ECGenParameterSpec("sm2p256v1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SM2 is not available", e);
    }
  }

  public static byte[] sign(PrivateKey key, byte[] data) {
    try {
      Signature signature = Signature.getInstance("SM3withSM2", PROVIDER);
      signature.initSign(key, RANDOM);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SM2 signing failed", e);
    }
  }

  /** False for a wrong signature, and for one that is not even well formed. */
  public static boolean verify(PublicKey key, byte[] data, byte[] signatureBytes) {
    try {
      Signature signature = Signature.getInstance("SM3withSM2", PROVIDER);
      signature.initVerify(key);
      signature.update(data);
      return signature.verify(signatureBytes);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  public static byte[] sm3(byte[] data) {
    SM3Digest digest = new SM3Digest();
    digest.update(data, 0, data.length);
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return out;
  }

  public static String encodePublicKey(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  public static PublicKey decodePublicKey(String base64) {
    try {
      return KeyFactory.getInstance("EC", PROVIDER)
          .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not an SM2 public key", e);
    }
  }

  public static PrivateKey decodePrivateKey(byte[] pkcs8) {
    try {
      return KeyFactory.getInstance("EC", PROVIDER).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an SM2 private key", e);
    }
  }
}
