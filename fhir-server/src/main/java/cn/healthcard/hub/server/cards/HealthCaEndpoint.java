package cn.healthcard.hub.server.cards;

import cn.healthcard.hub.cards.ca.HealthCa;
import java.security.cert.CertificateEncodingException;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** The Health CA's public face: its certificates and the current CRL (DER). */
@RestController
@RequestMapping("/ca")
public class HealthCaEndpoint {
  static final MediaType CERTIFICATE = MediaType.parseMediaType("application/pkix-cert");
  static final MediaType CRL = MediaType.parseMediaType("application/pkix-crl");

  private final HealthCa ca;

  public HealthCaEndpoint(HealthCa ca) {
    this.ca = ca;
  }

  @GetMapping("/root.crt")
  public ResponseEntity<byte[]> root() throws CertificateEncodingException {
    return ResponseEntity.ok().contentType(CERTIFICATE).body(ca.rootCertificate().getEncoded());
  }

  @GetMapping("/issuing.crt")
  public ResponseEntity<byte[]> issuing() throws CertificateEncodingException {
    return ResponseEntity.ok().contentType(CERTIFICATE).body(ca.issuingCertificate().getEncoded());
  }

  @GetMapping("/crl")
  public ResponseEntity<byte[]> crl() {
    return ResponseEntity.ok()
        .contentType(CRL)
        .cacheControl(CacheControl.noCache())
        .body(ca.crlDer());
  }
}
