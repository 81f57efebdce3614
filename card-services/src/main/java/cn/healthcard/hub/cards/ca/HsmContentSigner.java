package cn.healthcard.hub.cards.ca;

import cn.healthcard.hub.cards.hsm.Hsm;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.operator.ContentSigner;

/**
 * A BouncyCastle {@link ContentSigner} whose private key stays in the {@link Hsm}: it collects the
 * to-be-signed bytes and asks the HSM for an SM3withSM2 signature over them. One instance signs
 * one structure (certificate or CRL); it is not thread-safe.
 */
public final class HsmContentSigner implements ContentSigner {
  private static final AlgorithmIdentifier SM3_WITH_SM2 =
      new AlgorithmIdentifier(GMObjectIdentifiers.sm2sign_with_sm3);

  private final Hsm hsm;
  private final String alias;
  private final ByteArrayOutputStream toBeSigned = new ByteArrayOutputStream(1024);

  public HsmContentSigner(Hsm hsm, String alias) {
    this.hsm = hsm;
    this.alias = alias;
  }

  @Override
  public AlgorithmIdentifier getAlgorithmIdentifier() {
    return SM3_WITH_SM2;
  }

  @Override
  public OutputStream getOutputStream() {
    return toBeSigned;
  }

  @Override
  public byte[] getSignature() {
    return hsm.sign(alias, toBeSigned.toByteArray());
  }
}
