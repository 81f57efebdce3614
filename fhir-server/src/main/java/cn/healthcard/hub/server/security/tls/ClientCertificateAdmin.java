package cn.healthcard.hub.server.security.tls;

import cn.healthcard.hub.server.security.AdminErrors;

import cn.healthcard.hub.cards.ca.CertificateStatus;
import cn.healthcard.hub.cards.ca.ClientCertificates;
import cn.healthcard.hub.cards.ca.RevocationReason;
import cn.healthcard.hub.security.clients.HubClients;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators give a client a TLS client certificate of the Health CA and take it back:
 * {@code POST /admin/clients/{id}/certificates} (JSON: {@code csr}, a PEM PKCS #10 request;
 * {@code validity_days}, default 365), {@code GET} lists them, {@code DELETE
 * .../certificates/{serial}?reason=} revokes one (the CRL at {@code /ca/crl} lists it at once; the
 * hub's ports refuse it within {@value ClientCertificateAuthentication#CACHE_SECONDS} seconds).
 */
@RestController
@RequestMapping("/admin/clients/{id}/certificates")
public class ClientCertificateAdmin {
  private static final Logger log = LoggerFactory.getLogger(ClientCertificateAdmin.class);

  private final ClientCertificates certificates;
  private final HubClients clients;

  public ClientCertificateAdmin(ClientCertificates certificates, HubClients clients) {
    this.certificates = certificates;
    this.clients = clients;
  }

  @PostMapping
  public ResponseEntity<Map<String, Object>> issue(
      @PathVariable String id, @RequestBody(required = false) Map<String, Object> body) {
    if (clients.find(id).isEmpty()) {
      return AdminErrors.notFound("no client " + id);
    }
    if (body == null || !(body.get("csr") instanceof String csr)) {
      return AdminErrors.invalid("csr", "csr: a PEM certificate request (PKCS #10) is required");
    }
    Object days = body.getOrDefault("validity_days", 365);
    if (!(days instanceof Integer validityDays)) {
      return AdminErrors.invalid("validity_days", "validity_days must be a whole number of days");
    }
    X509Certificate certificate;
    try {
      certificate = certificates.issue(id, csr, Duration.ofDays(validityDays));
    } catch (ClientCertificates.Refused e) {
      String message = e.getMessage();
      String field = message.startsWith("csr") ? "csr" : message.startsWith("validity") ? "validity_days" : "client_id";
      return AdminErrors.invalid(field, message);
    }
    log.info("Client {} received certificate {}", id, certificate.getSerialNumber().toString(16));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("serial", certificate.getSerialNumber().toString(16));
    out.put("not_before", certificate.getNotBefore().toInstant().toString());
    out.put("not_after", certificate.getNotAfter().toInstant().toString());
    out.put("certificate", pem(certificate));
    // for the client's information: it presents its own certificate alone
    out.put("issuer_certificate", pem(certificates.issuingCertificate()));
    return ResponseEntity.status(HttpStatus.CREATED).body(out);
  }

  @GetMapping
  public ResponseEntity<?> list(@PathVariable String id) {
    if (clients.find(id).isEmpty()) {
      return AdminErrors.notFound("no client " + id);
    }
    Instant now = Clock.systemUTC().instant();
    return ResponseEntity.ok(certificates.of(id).stream().map(status -> view(status, now)).toList());
  }

  @DeleteMapping("/{serial}")
  public ResponseEntity<Map<String, Object>> revoke(
      @PathVariable String id,
      @PathVariable String serial,
      @RequestParam(name = "reason", defaultValue = "privilegeWithdrawn") String reasonToken) {
    RevocationReason reason;
    try {
      reason = RevocationReason.fromToken(reasonToken);
    } catch (IllegalArgumentException e) {
      return AdminErrors.invalid("reason", "reason must be one of " + List.of(RevocationReason.values()).stream()
          .map(RevocationReason::token).toList());
    }
    BigInteger number;
    try {
      number = new BigInteger(serial, 16);
    } catch (NumberFormatException e) {
      return AdminErrors.notFound("client " + id + " has no certificate " + serial);
    }
    if (!certificates.revoke(id, number, reason)) {
      return AdminErrors.notFound("client " + id + " has no certificate " + serial);
    }
    log.info("Client {}: certificate {} revoked ({})", id, serial, reason.token());
    Instant now = Clock.systemUTC().instant();
    return ResponseEntity.ok(certificates.of(id).stream()
        .filter(status -> status.serial().equals(number)).findFirst().map(status -> view(status, now)).orElseThrow());
  }

  private static Map<String, Object> view(CertificateStatus status, Instant now) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("serial", status.serial().toString(16));
    out.put("not_before", status.notBefore().toString());
    out.put("not_after", status.notAfter().toString());
    out.put("status", status.revoked() ? "revoked" : status.goodAt(now) ? "valid" : "expired");
    if (status.revoked()) {
      out.put("revocation_reason", status.revocation().token());
      out.put("revoked_at", status.revokedAt().toString());
    }
    return out;
  }

  static String pem(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + new String(Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encode(certificate.getEncoded()), StandardCharsets.US_ASCII)
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot encode a certificate", e);
    }
  }
}
