package cn.healthcard.hub.payments.unionpay;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The sandbox's UnionPay: a simulator on loopback with a certificate hierarchy made for this run
 * (root, middle, the gateway's signing certificate named as UnionPay names its own) and a merchant
 * whose signing certificate the simulator has on file, so the adapter runs its production code.
 */
public record UnionPaySandbox(UnionPaySettings settings, UnionPaySimulator simulator) implements AutoCloseable {

  /** UnionPay sends a notification not answered 200 again after growing delays; the sandbox, faster. */
  public static final List<Duration> SANDBOX_RETRIES = List.of(Duration.ofSeconds(2), Duration.ofSeconds(4),
      Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(32));

  public static final String MERCHANT_ID = "777290058110097";

  public static UnionPaySandbox start(String backUrl, List<Duration> retries, Clock clock) throws IOException {
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      KeyPair rootKeys = rsa.generateKeyPair();
      KeyPair middleKeys = rsa.generateKeyPair();
      KeyPair signerKeys = rsa.generateKeyPair();
      KeyPair merchantKeys = rsa.generateKeyPair();
      X500Name rootName = name("China Financial Certification Authority (sandbox)", null);
      X500Name middleName = name("CFCA ACS OCA31 (sandbox)", null);
      X509Certificate root = certificate(rootName, rootName, rootKeys.getPublic(), rootKeys.getPrivate(), true);
      X509Certificate middle = certificate(middleName, rootName, middleKeys.getPublic(), rootKeys.getPrivate(), true);
      X509Certificate signer = certificate(name("041@Z12400000000@" + UnionPaySettings.OWNER + "@00000001", "UnionPay"),
          middleName, signerKeys.getPublic(), middleKeys.getPrivate(), false);
      X509Certificate merchant = certificate(name("041@Z" + MERCHANT_ID + "@hub sandbox merchant@00000001", "Merchant"),
          middleName, merchantKeys.getPublic(), middleKeys.getPrivate(), false);
      UnionPaySimulator simulator = new UnionPaySimulator(MERCHANT_ID, merchant, signerKeys.getPrivate(), signer,
          retries, clock);
      return new UnionPaySandbox(new UnionPaySettings(simulator.gatewayUrl(), simulator.fileUrl(), MERCHANT_ID,
          merchantKeys.getPrivate(), AcpSignature.certId(merchant), middle, root, UnionPaySettings.OWNER, backUrl),
          simulator);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IllegalStateException("cannot make the sandbox's UnionPay certificates", e);
    }
  }

  private static X500Name name(String commonName, String unit) {
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.C, "CN")
        .addRDN(BCStyle.O, unit == null ? "China Financial Certification Authority" : "OCA31");
    if (unit != null) {
      name.addRDN(BCStyle.OU, unit);
    }
    return name.addRDN(BCStyle.CN, commonName).build();
  }

  private static X509Certificate certificate(X500Name subject, X500Name issuer, PublicKey key, PrivateKey issuerKey,
      boolean authority) throws GeneralSecurityException, OperatorCreationException {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
        new BigInteger(64, new SecureRandom()).setBit(63), Date.from(now.minus(Duration.ofDays(1))),
        Date.from(now.plus(Duration.ofDays(3650))), subject, key);
    try {
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
      builder.addExtension(Extension.keyUsage, true, authority
          ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
          : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
    } catch (org.bouncycastle.cert.CertIOException e) {
      throw new GeneralSecurityException(e);
    }
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
  }

  @Override
  public void close() {
    simulator.close();
  }
}
