package cn.healthcard.hub.cards.hsm;

import java.security.InvalidKeyException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.params.ECKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.bouncycastle.math.ec.ECCurve;

/**
 * SM2 public-key encryption (GM/T 0003.4-2012) on the curve sm2p256v1 with SM3: ciphertext
 * {@code C1 || C3 || C2}, C1 an uncompressed point (65 bytes), C3 the 32-byte SM3 check, C2 as
 * long as the plaintext. Used to carry SM4 session keys between the hub and its partners.
 */
public final class Sm2Cipher {
  private static final ECCurve SM2_CURVE = GMNamedCurves.getByName("sm2p256v1").getCurve();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Sm2Cipher() {}

  public static byte[] encrypt(PublicKey recipient, byte[] plaintext) {
    SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
    try {
      ECKeyParameters key = (ECKeyParameters) ECUtil.generatePublicKeyParameter(recipient);
      requireSm2(key);
      engine.init(true, new ParametersWithRandom(key, RANDOM));
      return engine.processBlock(plaintext, 0, plaintext.length);
    } catch (InvalidKeyException | ClassCastException e) {
      throw new IllegalArgumentException("not an SM2 public key", e);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("SM2 encryption failed", e);
    }
  }

  /**
   * @throws IllegalArgumentException if the ciphertext was not made for this key or was altered
   */
  public static byte[] decrypt(PrivateKey key, byte[] ciphertext) {
    SM2Engine engine = new SM2Engine(SM2Engine.Mode.C1C3C2);
    ECKeyParameters parameters;
    try {
      parameters = (ECKeyParameters) ECUtil.generatePrivateKeyParameter(key);
    } catch (InvalidKeyException | ClassCastException e) {
      throw new IllegalArgumentException("not an SM2 private key", e);
    }
    requireSm2(parameters);
    engine.init(false, parameters);
    try {
      return engine.processBlock(ciphertext, 0, ciphertext.length);
    } catch (InvalidCipherTextException | RuntimeException e) {
      // BC reports a point off the curve or a short input as runtime exceptions
      throw new IllegalArgumentException("SM2 ciphertext does not decrypt", e);
    }
  }

  private static void requireSm2(ECKeyParameters key) {
    if (!key.getParameters().getCurve().equals(SM2_CURVE)) {
      throw new IllegalArgumentException("key is not on the SM2 curve");
    }
  }
}
