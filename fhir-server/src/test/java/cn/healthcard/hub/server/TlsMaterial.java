package cn.healthcard.hub.server;

import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * TLS material for the integration hub and its test clients: the hub's server certificate
 * (self-signed, for localhost) as PEM files, client keys and certificate requests, and the
 * client-side TLS context that presents a client certificate.
 */
public final class TlsMaterial {
  public final Path certificateFile;
  public final Path privateKeyFile;
  public final X509Certificate serverCertificate;

  private TlsMaterial(Path certificateFile, Path privateKeyFile, X509Certificate serverCertificate) {
    this.certificateFile = certificateFile;
    this.privateKeyFile = privateKeyFile;
    this.serverCertificate = serverCertificate;
  }

  public static TlsMaterial create(Path directory) {
    try {
      Files.createDirectories(directory);
      KeyPair key = ecKey();
      X500Name name = new X500Name("CN=localhost");
      Instant now = Instant.now();
      JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
          name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minusSeconds(60)),
          Date.from(now.plus(Duration.ofDays(2))), name, key.getPublic());
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
          builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
      Path certificateFile = directory.resolve("hub-cert.pem");
      Path keyFile = directory.resolve("hub-key.pem");
      Files.writeString(certificateFile, pem(certificate));
      // PKCS #8 ("BEGIN PRIVATE KEY"), what openssl genpkey writes
      Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key.getPrivate(), null)));
      return new TlsMaterial(certificateFile, keyFile, certificate);
    } catch (java.io.IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ecKey() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return generator.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static String csr(KeyPair key) {
    try {
      return pem(new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=test-client"), key.getPublic())
          .build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static X509Certificate certificate(String pem) {
    try {
      return (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Trusts the hub's server certificate; presents {@code clientCertificate} when not null. */
  public SSLContext clientContext(KeyPair clientKey, X509Certificate clientCertificate) {
    try {
      KeyStore trusted = KeyStore.getInstance("PKCS12");
      trusted.load(null, null);
      trusted.setCertificateEntry("hub", serverCertificate);
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      javax.net.ssl.KeyManager[] keys = null;
      if (clientCertificate != null) {
        KeyStore own = KeyStore.getInstance("PKCS12");
        own.load(null, null);
        own.setKeyEntry("client", clientKey.getPrivate(), "pw".toCharArray(), new X509Certificate[] {clientCertificate});
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(own, "pw".toCharArray());
        keys = factory.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pem(Object item) throws java.io.IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(item);
    }
    return out.toString();
  }
}
