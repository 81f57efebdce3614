package cn.healthcard.hub.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.routes.mllp.MllpClient;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.TlsMaterial;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Mutual TLS with client certificates of the hub's Health CA: on the HTTPS port a certificate
 * stands for its client when no token is sent, and over MLLP with TLS it is the only way in;
 * revoking the certificate or disabling the client ends both.
 */
class MutualTlsIT extends HubIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired DataSource dataSource;

  private HttpResponse<String> admin(String method, String path, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + clients().adminToken());
    if (body != null) {
      request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return send(request.build());
  }

  private HttpResponse<String> overHttps(SSLContext tls, String path, String... headers) {
    HttpClient client = HttpClient.newBuilder().sslContext(tls).build();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + HTTPS_PORT + path)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String overMllpTls(SSLContext tls, String message) throws IOException {
    try (MllpClient mllp = new MllpClient(tls.getSocketFactory(), "localhost", MLLP_TLS_PORT, Duration.ofSeconds(30))) {
      return new String(mllp.send(message.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
  }

  private static String adt(String facility, String controlId) {
    return SenderChecks.adt(facility, controlId);
  }

  private long inboxRows(String facility) {
    return SenderChecks.inboxRows(dataSource, facility);
  }


  private X509Certificate certify(String clientId, KeyPair key) throws Exception {
    HttpResponse<String> issued = admin("POST", "/admin/clients/" + clientId + "/certificates",
        JSON.writeValueAsString(Map.of("csr", TlsMaterial.csr(key), "validity_days", 30)));
    assertThat(issued.statusCode()).isEqualTo(201);
    return TlsMaterial.certificate(JSON.readTree(issued.body()).get("certificate").asText());
  }

  private static int waitForStatus(java.util.function.IntSupplier status, int wanted) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
    int last = status.getAsInt();
    while (last != wanted && System.nanoTime() < deadline) {
      Thread.sleep(1000);
      last = status.getAsInt();
    }
    return last;
  }

  @Test
  void aHospitalsClientCertificateAuthenticatesItOverHttpsAndMllpUntilRevoked() throws Exception {
    registerHospital("MTLS_HOSP");
    registerHospital("MTLS_OTHER");
    clients().register(Map.of("client_id", "mtls-hosp", "role", "hospital", "institution", "MTLS_HOSP"));
    KeyPair key = TlsMaterial.ecKey();
    X509Certificate certificate = certify("mtls-hosp", key);
    SSLContext withCertificate = TLS.clientContext(key, certificate);
    SSLContext withoutCertificate = TLS.clientContext(null, null);

    // HTTPS: the certificate stands for the client; nothing, or a token, as on the plain port
    HttpResponse<String> read = overHttps(withCertificate, "/fhir/Organization");
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(read.body()).get("resourceType").asText()).isEqualTo("Bundle");
    assertThat(overHttps(withoutCertificate, "/fhir/Organization").statusCode()).isEqualTo(401);
    assertThat(overHttps(withoutCertificate, "/fhir/Organization", "Authorization", "Bearer " + testToken())
        .statusCode()).isEqualTo(200);
    // the roles are the client's: a hospital is no operator
    assertThat(overHttps(withCertificate, "/admin/clients").statusCode()).isEqualTo(403);
    // and the audit names the client: the read, the refused admin call
    int audited = waitForStatus(() -> {
      HttpResponse<String> events = admin("GET", "/fhir/AuditEvent?agent-name:exact=mtls-hosp&_summary=count", null);
      try {
        return JSON.readTree(events.body()).get("total").asInt();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, 2);
    assertThat(audited).isEqualTo(2);

    // MLLP over TLS: the certificate's institution is the only sending facility it may use
    String ack = overMllpTls(withCertificate, adt("MTLS_HOSP", "MTLS-1"));
    assertThat(ack).contains("\rMSA|AA|MTLS-1");
    assertThat(inboxRows("MTLS_HOSP")).isEqualTo(1);
    String foreign = overMllpTls(withCertificate, adt("MTLS_OTHER", "MTLS-2"));
    assertThat(foreign).contains("\rMSA|AR|MTLS-2").contains("for institution MTLS_HOSP only");
    assertThat(inboxRows("MTLS_OTHER")).isZero();
    // without a certificate there is no TLS connection at all
    assertThatThrownBy(() -> overMllpTls(withoutCertificate, adt("MTLS_HOSP", "MTLS-3")))
        .isInstanceOf(IOException.class);

    // the operator sees it and revokes it
    HttpResponse<String> listed = admin("GET", "/admin/clients/mtls-hosp/certificates", null);
    assertThat(listed.statusCode()).isEqualTo(200);
    JsonNode list = JSON.readTree(listed.body());
    assertThat(list.size()).isEqualTo(1);
    assertThat(list.get(0).get("serial").asText()).isEqualTo(certificate.getSerialNumber().toString(16));
    assertThat(list.get(0).get("status").asText()).isEqualTo("valid");
    try (MllpClient openBefore = new MllpClient(withCertificate.getSocketFactory(), "localhost", MLLP_TLS_PORT,
        Duration.ofSeconds(30))) {
      assertThat(new String(openBefore.send(adt("MTLS_HOSP", "MTLS-4").getBytes(StandardCharsets.UTF_8)),
          StandardCharsets.UTF_8)).contains("\rMSA|AA|MTLS-4");
      HttpResponse<String> revoked = admin("DELETE",
          "/admin/clients/mtls-hosp/certificates/" + certificate.getSerialNumber().toString(16) + "?reason=keyCompromise",
          null);
      assertThat(revoked.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(revoked.body()).get("status").asText()).isEqualTo("revoked");
      assertThat(JSON.readTree(revoked.body()).get("revocation_reason").asText()).isEqualTo("keyCompromise");
      // a connection opened before the revocation sends nothing more
      String after = new String(openBefore.send(adt("MTLS_HOSP", "MTLS-5").getBytes(StandardCharsets.UTF_8)),
          StandardCharsets.UTF_8);
      assertThat(after).contains("\rMSA|AR|MTLS-5").contains("client certificate refused: the certificate is revoked");
    }
    // a new connection: the handshake fails, or (a TLS session resumed without the certificate
    // being checked again) every message on it is refused
    String later;
    try {
      later = overMllpTls(withCertificate, adt("MTLS_HOSP", "MTLS-6"));
    } catch (IOException handshakeRefused) {
      later = null;
    }
    if (later != null) {
      assertThat(later).contains("\rMSA|AR|MTLS-6").contains("client certificate refused: the certificate is revoked");
    }
    assertThatThrownBy(() -> overMllpTls(TLS.clientContext(key, certificate), adt("MTLS_HOSP", "MTLS-7")))
        .isInstanceOf(IOException.class);
    assertThat(inboxRows("MTLS_HOSP")).isEqualTo(2);
    // HTTPS refuses it within the verdict cache's 20 seconds
    int status = waitForStatus(() -> overHttps(withCertificate, "/fhir/Organization").statusCode(), 401);
    assertThat(status).isEqualTo(401);
    HttpResponse<String> refused = overHttps(withCertificate, "/fhir/Organization");
    assertThat(JSON.readTree(refused.body()).get("error_description").asText())
        .isEqualTo("client certificate refused: the certificate is revoked (keyCompromise)");
  }

  @Test
  void aDisabledClientsCertificateStopsWorkingAndForeignCertificatesNeverDid() throws Exception {
    clients().register(Map.of("client_id", "mtls-lab", "role", "hospital", "institution", "MTLS_LAB"));
    KeyPair key = TlsMaterial.ecKey();
    X509Certificate certificate = certify("mtls-lab", key);
    SSLContext withCertificate = TLS.clientContext(key, certificate);
    assertThat(overHttps(withCertificate, "/fhir/Organization").statusCode()).isEqualTo(200);

    // a certificate the Health CA never issued, with the same subject: refused
    KeyPair forger = TlsMaterial.ecKey();
    X509Certificate lookAlike = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
        new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
            certificate.getIssuerX500Principal(), certificate.getSerialNumber(), certificate.getNotBefore(),
            certificate.getNotAfter(), certificate.getSubjectX500Principal(), forger.getPublic())
            .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withECDSA")
                .build(forger.getPrivate())));
    HttpResponse<String> forged = overHttps(TLS.clientContext(forger, lookAlike), "/fhir/Organization");
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(forged.body()).get("error_description").asText())
        .isEqualTo("client certificate refused: the certificate was not issued by the hub's Health CA");

    assertThat(admin("POST", "/admin/clients/mtls-lab/disable", null).statusCode()).isEqualTo(200);
    int status = waitForStatus(() -> overHttps(withCertificate, "/fhir/Organization").statusCode(), 401);
    assertThat(status).isEqualTo(401);
    assertThat(admin("POST", "/admin/clients/mtls-lab/enable", null).statusCode()).isEqualTo(200);
  }

  @Test
  void certificateRequestsAreCheckedAndAnsweredPrecisely() throws Exception {
    clients().register(Map.of("client_id", "mtls-bank", "role", "card-issuer", "institution", "MTLS_BANK"));
    HttpResponse<String> noClient = admin("POST", "/admin/clients/mtls-nobody/certificates",
        JSON.writeValueAsString(Map.of("csr", TlsMaterial.csr(TlsMaterial.ecKey()))));
    assertThat(noClient.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(noClient.body()).get("error_description").asText()).isEqualTo("no client mtls-nobody");

    HttpResponse<String> noCsr = admin("POST", "/admin/clients/mtls-bank/certificates", "{}");
    assertThat(noCsr.statusCode()).isEqualTo(400);
    JsonNode problem = JSON.readTree(noCsr.body()).get("problems").get(0);
    assertThat(problem.get("field").asText()).isEqualTo("csr");
    assertThat(problem.get("message").asText()).isEqualTo("csr: a PEM certificate request (PKCS #10) is required");

    HttpResponse<String> tooLong = admin("POST", "/admin/clients/mtls-bank/certificates",
        JSON.writeValueAsString(Map.of("csr", TlsMaterial.csr(TlsMaterial.ecKey()), "validity_days", 5000)));
    assertThat(tooLong.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(tooLong.body()).get("problems").get(0).get("field").asText()).isEqualTo("validity_days");

    HttpResponse<String> unknownSerial = admin("DELETE", "/admin/clients/mtls-bank/certificates/abc123", null);
    assertThat(unknownSerial.statusCode()).isEqualTo(404);
    HttpResponse<String> badReason = admin("DELETE", "/admin/clients/mtls-bank/certificates/abc123?reason=boredom", null);
    assertThat(badReason.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(badReason.body()).get("problems").get(0).get("field").asText()).isEqualTo("reason");

    // only operators manage certificates
    String hospital = clients().tokenFor("mtls-hosp-token", Map.of("role", "hospital", "institution", "MTLS_HOSP"));
    HttpResponse<String> notOperator = send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + port + "/admin/clients/mtls-bank/certificates"))
        .header("Authorization", "Bearer " + hospital).GET().build());
    assertThat(notOperator.statusCode()).isEqualTo(403);

    // a bank's certificate does not make it a hospital on the MLLP port
    KeyPair key = TlsMaterial.ecKey();
    X509Certificate bank = certify("mtls-bank", key);
    registerHospital("MTLS_BANK");
    String ack = overMllpTls(TLS.clientContext(key, bank), adt("MTLS_BANK", "MTLS-B1"));
    assertThat(ack).contains("\rMSA|AR|MTLS-B1").contains("the certificate's client is not a hospital");
    assertThat(inboxRows("MTLS_BANK")).isZero();
  }
}
