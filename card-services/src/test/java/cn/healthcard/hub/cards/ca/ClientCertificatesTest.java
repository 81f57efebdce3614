package cn.healthcard.hub.cards.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.hsm.SoftwareHsm;
import cn.healthcard.hub.cards.hsm.TestHsms;
import cn.healthcard.hub.cards.national.MutableClock;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.sql.DataSource;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClientCertificatesTest {
  private static final Duration YEAR = Duration.ofDays(365);

  private final DataSource db = TestDatabase.dataSource();
  private SoftwareHsm hsm;
  private MutableClock clock;
  private HealthCa ca;
  private ClientCertificates certificates;

  @BeforeEach
  void freshCa() {
    TestDatabase.truncateAll();
    hsm = TestHsms.open(db);
    clock = MutableClock.atSystemTime();
    ca = new HealthCa(db, hsm, HealthCa.Settings.defaults(), clock);
    certificates = new ClientCertificates(ca);
  }

  static KeyPair ecKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    return generator.generateKeyPair();
  }

  static String csr(KeyPair key, String signature) throws Exception {
    PKCS10CertificationRequest request =
        new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=ignored"), key.getPublic())
            .build(new JcaContentSignerBuilder(signature).build(key.getPrivate()));
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      pem.writeObject(request);
    }
    return out.toString();
  }

  @Test
  void aClientCertificateNamesTheClientAndVerifiesUntilRevoked() throws Exception {
    KeyPair key = ecKey();
    X509Certificate certificate = certificates.issue("hosp-a", csr(key, "SHA256withECDSA"), YEAR);

    certificate.verify(ca.issuingCertificate().getPublicKey(), Sm2.PROVIDER);
    assertThat(certificate.getPublicKey().getEncoded()).isEqualTo(key.getPublic().getEncoded());
    assertThat(certificate.getSubjectX500Principal().getName())
        .isEqualTo("CN=hosp-a,O=" + ClientCertificates.CLIENT_ORGANIZATION + ",C=CN");
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(certificates.verify(certificate)).isEqualTo("hosp-a");
    assertThat(certificates.of("hosp-a")).extracting(CertificateStatus::serial)
        .containsExactly(certificate.getSerialNumber());

    assertThat(certificates.revoke("someone-else", certificate.getSerialNumber(), RevocationReason.KEY_COMPROMISE))
        .isFalse();
    assertThat(certificates.verify(certificate)).isEqualTo("hosp-a");
    assertThat(certificates.revoke("hosp-a", certificate.getSerialNumber(), RevocationReason.KEY_COMPROMISE))
        .isTrue();
    assertThatThrownBy(() -> certificates.verify(certificate))
        .isInstanceOf(ClientCertificates.Refused.class)
        .hasMessage("the certificate is revoked (keyCompromise)");
    assertThat(ca.crl().getRevokedCertificate(certificate.getSerialNumber())).isNotNull();
  }

  @Test
  void aLookAlikeWithTheSameSerialAndSubjectIsRefused() throws Exception {
    X509Certificate genuine = certificates.issue("hosp-a", csr(ecKey(), "SHA256withECDSA"), YEAR);
    KeyPair forger = ecKey();
    X509Certificate lookAlike = new JcaX509CertificateConverter().getCertificate(
        new JcaX509v3CertificateBuilder(
            genuine.getIssuerX500Principal(), genuine.getSerialNumber(), genuine.getNotBefore(),
            genuine.getNotAfter(), genuine.getSubjectX500Principal(), forger.getPublic())
            .build(new JcaContentSignerBuilder("SHA256withECDSA").build(forger.getPrivate())));

    assertThatThrownBy(() -> certificates.verify(lookAlike))
        .isInstanceOf(ClientCertificates.Refused.class)
        .hasMessage("the certificate was not issued by the hub's Health CA");
  }

  @Test
  void cardCertificatesAndExpiredCertificatesAuthenticateNoClient() throws Exception {
    X509Certificate card = ca.issueCardCertificate(
        java.util.UUID.randomUUID().toString(), Sm2.generateKeyPair().getPublic(), YEAR);
    assertThatThrownBy(() -> certificates.verify(card)).hasMessage("not a client certificate");

    X509Certificate shortLived = certificates.issue("hosp-a", csr(ecKey(), "SHA256withECDSA"), Duration.ofDays(1));
    clock.advance(Duration.ofDays(2));
    assertThatThrownBy(() -> certificates.verify(shortLived)).hasMessage("the certificate is outside its validity");
  }

  @Test
  void badRequestsAreRefusedNamingWhatIsWrong() throws Exception {
    KeyPair key = ecKey();
    String good = csr(key, "SHA256withECDSA");
    assertThatThrownBy(() -> certificates.issue("hosp-a", "", YEAR))
        .hasMessage("csr: a PEM certificate request (PKCS #10) is required");
    assertThatThrownBy(() -> certificates.issue("hosp-a", "-----BEGIN JUNK-----\nAAAA\n-----END JUNK-----\n", YEAR))
        .hasMessage("csr: not a PEM certificate request");
    String[] lines = good.split("\n");
    // flip one character in the middle of the base64: the signature no longer matches
    String body = lines[2];
    lines[2] = body.substring(0, 10) + (body.charAt(10) == 'A' ? 'B' : 'A') + body.substring(11);
    assertThatThrownBy(() -> certificates.issue("hosp-a", String.join("\n", lines), YEAR))
        .isInstanceOf(ClientCertificates.Refused.class)
        .hasMessageStartingWith("csr: ");
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    assertThatThrownBy(() -> certificates.issue("hosp-a", csr(rsa.generateKeyPair(), "SHA256withRSA"), YEAR))
        .hasMessage("csr: RSA keys must have at least 2048 bits");
    assertThatThrownBy(() -> certificates.issue("hosp a/../x", good, YEAR))
        .hasMessage("client_id cannot name a certificate");
    assertThatThrownBy(() -> certificates.issue("hosp-a", good, Duration.ofDays(5 * 365)))
        .hasMessage("validity must be positive and at most 3 years");
    assertThat(certificates.of("hosp-a")).isEmpty();
  }

  @Test
  void aTlsHandshakeSucceedsWithAGoodCertificateAndFailsOnceItIsRevoked() throws Exception {
    KeyPair clientKey = ecKey();
    X509Certificate clientCertificate = certificates.issue("hosp-a", csr(clientKey, "SHA256withECDSA"), YEAR);
    KeyPair serverKey = ecKey();
    X509Certificate serverCertificate = selfSigned(serverKey);

    SSLContext server = SSLContext.getInstance("TLS");
    server.init(keyManagers(serverKey.getPrivate(), serverCertificate),
        new javax.net.ssl.TrustManager[] {new ClientCertificateTrust(certificates)}, null);
    SSLContext client = SSLContext.getInstance("TLS");
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("hub", serverCertificate);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    // the client presents its certificate alone: Java's TLS cannot even parse the SM2 key of the
    // issuing CA's certificate, and the hub knows that one anyway
    client.init(keyManagers(clientKey.getPrivate(), clientCertificate),
        trust.getTrustManagers(), null);

    assertThat(exchange(server, client)).isEqualTo(42);
    certificates.revoke("hosp-a", clientCertificate.getSerialNumber(), RevocationReason.PRIVILEGE_WITHDRAWN);
    assertThatThrownBy(() -> exchange(server, client)).isInstanceOf(java.io.IOException.class);
  }

  private static int exchange(SSLContext server, SSLContext client) throws Exception {
    try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(true);
      CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
          socket.setSoTimeout(10_000);
          InputStream in = socket.getInputStream();
          OutputStream out = socket.getOutputStream();
          out.write(in.read());
          out.flush();
        } catch (Exception e) {
          // the handshake failed on the server's side: the client sees it too
        }
      });
      try (SSLSocket socket = (SSLSocket) client.getSocketFactory()
          .createSocket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(42);
        socket.getOutputStream().flush();
        int answer = socket.getInputStream().read();
        if (answer < 0) {
          throw new java.io.EOFException("the server closed the connection");
        }
        return answer;
      } finally {
        served.get(10, TimeUnit.SECONDS);
      }
    }
  }

  private static javax.net.ssl.KeyManager[] keyManagers(PrivateKey key, X509Certificate... chain) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("me", key, "pw".toCharArray(), chain);
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, "pw".toCharArray());
    return factory.getKeyManagers();
  }

  private static X509Certificate selfSigned(KeyPair key) throws Exception {
    X500Name name = new X500Name("CN=localhost");
    Instant now = Instant.now();
    return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
        name, BigInteger.ONE, Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))),
        name, key.getPublic()).build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())));
  }
}
