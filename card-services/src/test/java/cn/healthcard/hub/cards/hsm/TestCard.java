package cn.healthcard.hub.cards.hsm;

import cn.healthcard.hub.crypto.sm.Sm4;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;

/**
 * A card after key injection, as the chip holds it: its symmetric keys and, when the hub issued
 * them, its SM2 private key and certificate. It answers a terminal's challenge the way the chip
 * does (SM4 CBC-MAC under its AUTH key), for tests here and in other modules (test-jar).
 */
public final class TestCard {
  private final String cardNumber;
  private final String chipSerial;
  private final CardKeyPackage injected;

  public TestCard(String cardNumber, String chipSerial, CardKeyPackage injected) {
    this.cardNumber = cardNumber;
    this.chipSerial = chipSerial;
    this.injected = injected;
  }

  /** Opens keys exported by {@link Hsm#exportCardKeys} with the recipient's private key. */
  public static TestCard inject(
      String cardNumber, String chipSerial, WrappedCardKeys wrapped, PrivateKey recipientKey) {
    return new TestCard(cardNumber, chipSerial, wrapped.open(recipientKey));
  }

  public String cardNumber() {
    return cardNumber;
  }

  public String chipSerial() {
    return chipSerial;
  }

  public String diversificationCode() {
    return injected.diversificationCode();
  }

  public Map<CardKeyType, String> keyCheckValues() {
    return injected.checkValues();
  }

  /** The chip's answer to a terminal challenge: the 16-byte MAC {@link Hsm#verifyCardMac} checks. */
  public byte[] answerChallenge(byte[] challenge) {
    return Sm4.cbcMac(injected.key(CardKeyType.AUTH), challenge);
  }

  public Optional<PrivateKey> privateKey() {
    return Optional.ofNullable(injected.privateKeyPkcs8()).map(Sm2::decodePrivateKey);
  }

  public Optional<X509Certificate> certificate() {
    if (injected.certificateDer() == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          (X509Certificate)
              CertificateFactory.getInstance("X.509", Sm2.PROVIDER)
                  .generateCertificate(new ByteArrayInputStream(injected.certificateDer())));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the injected certificate does not parse", e);
    }
  }

  /** SM3withSM2 signature with the card's private key (internal authentication, signing). */
  public byte[] sign(byte[] data) {
    return Sm2.sign(
        privateKey().orElseThrow(() -> new IllegalStateException("this card has no private key")),
        data);
  }

  @Override
  public String toString() {
    return "TestCard[" + diversificationCode() + "]";
  }
}
