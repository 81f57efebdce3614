package cn.healthcard.hub.cards.ca;

import cn.healthcard.hub.crypto.sm.Sm2;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * TLS client certificates the Health CA issues to the hub's clients (hospitals, banks, peer hubs):
 * mutual TLS on the HTTPS and MLLP-over-TLS ports authenticates the client without a token.
 *
 * <p>A certificate names only the client id (CN) with O={@value #CLIENT_ORGANIZATION}; its key
 * comes from a PKCS #10 request whose signature proves the requester holds the private key. Keys
 * are EC (P-256, P-384), RSA of at least 2048 bits or SM2: what a hospital's TLS stack has.
 *
 * <p>{@link #verify(X509Certificate)} is the one check both ports use: the certificate must be
 * exactly one this CA issued (byte for byte, so a look-alike with a copied serial fails), to a
 * client, within its validity and neither revoked nor on hold.
 */
public final class ClientCertificates {
  public static final String CLIENT_ORGANIZATION = "Liaoning Health Information Exchange Clients";
  private static final String SUBJECT_PREFIX = "client:";
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
  private static final Duration LONGEST = Duration.ofDays(3 * 365 + 1);

  private final HealthCa ca;

  public ClientCertificates(HealthCa ca) {
    this.ca = ca;
  }

  /** Why a certificate request or certificate is refused; the message names what is wrong. */
  public static final class Refused extends Exception {
    public Refused(String message) {
      super(message);
    }
  }

  /**
   * Issues a client certificate for the key of a PEM PKCS #10 request.
   *
   * @throws Refused for an unreadable request, a bad request signature, a key the hub does not
   *     accept, a client id that cannot be a certificate subject, or a validity out of (0, 3 years]
   */
  public X509Certificate issue(String clientId, String requestPem, Duration validity)
      throws Refused {
    if (clientId == null || !CLIENT_ID.matcher(clientId).matches()) {
      throw new Refused("client_id cannot name a certificate");
    }
    if (validity == null || validity.isNegative() || validity.isZero() || validity.compareTo(LONGEST) > 0) {
      throw new Refused("validity must be positive and at most 3 years");
    }
    PublicKey key = requestedKey(requestPem);
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.C, "CN")
            .addRDN(BCStyle.O, CLIENT_ORGANIZATION)
            .addRDN(BCStyle.CN, clientId)
            .build();
    Instant notBefore = ca.currentTime();
    return ca.issue(
        subject,
        SUBJECT_PREFIX + clientId,
        key,
        notBefore,
        ca.notAfter(notBefore, validity),
        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
  }

  /**
   * The client a presented certificate authenticates.
   *
   * @throws Refused naming why it does not (unknown to this CA, not a client certificate, expired
   *     or not yet valid, revoked or on hold)
   */
  public String verify(X509Certificate presented) throws Refused {
    if (presented == null) {
      throw new Refused("no client certificate");
    }
    BigInteger serial = presented.getSerialNumber();
    Optional<X509Certificate> issued = ca.issuedCertificate(serial);
    try {
      if (issued.isEmpty() || !Arrays.equals(issued.get().getEncoded(), presented.getEncoded())) {
        throw new Refused("the certificate was not issued by the hub's Health CA");
      }
    } catch (CertificateException e) {
      throw new Refused("unreadable certificate");
    }
    return stillValid(serial);
  }

  /**
   * The client of a certificate already proven at the start of a TLS connection, checked again
   * for a connection that outlives a revocation.
   *
   * @throws Refused when the certificate no longer authenticates its client (revoked, on hold,
   *     expired), or was not issued to a client
   */
  public String stillValid(BigInteger serial) throws Refused {
    CertificateStatus status = ca.status(serial).orElseThrow(() -> new Refused("unknown certificate"));
    if (!status.subjectId().startsWith(SUBJECT_PREFIX)) {
      throw new Refused("not a client certificate");
    }
    if (status.revoked()) {
      throw new Refused("the certificate is revoked (" + status.revocation().token() + ")");
    }
    Instant now = ca.currentTime();
    if (now.isBefore(status.notBefore()) || !now.isBefore(status.notAfter())) {
      throw new Refused("the certificate is outside its validity");
    }
    return status.subjectId().substring(SUBJECT_PREFIX.length());
  }

  /** The certificates issued to a client, newest first. */
  public List<CertificateStatus> of(String clientId) {
    return ca.statusesOf(SUBJECT_PREFIX + clientId);
  }

  /**
   * Revokes one of a client's certificates.
   *
   * @return false when the client has no certificate with that serial
   */
  public boolean revoke(String clientId, BigInteger serial, RevocationReason reason) {
    Optional<CertificateStatus> status = ca.status(serial);
    if (status.isEmpty() || !status.get().subjectId().equals(SUBJECT_PREFIX + clientId)) {
      return false;
    }
    ca.revoke(serial, reason);
    return true;
  }

  /** The CA certificate that signs client certificates (a client presents it after its own). */
  public X509Certificate issuingCertificate() {
    return ca.issuingCertificate();
  }

  private static PublicKey requestedKey(String pem) throws Refused {
    if (pem == null || pem.isBlank()) {
      throw new Refused("csr: a PEM certificate request (PKCS #10) is required");
    }
    Object parsed;
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      parsed = parser.readObject();
    } catch (IOException | RuntimeException e) {
      throw new Refused("csr: not a PEM certificate request");
    }
    if (!(parsed instanceof PKCS10CertificationRequest request)) {
      throw new Refused("csr: not a PEM certificate request");
    }
    JcaPKCS10CertificationRequest jca = new JcaPKCS10CertificationRequest(request).setProvider(Sm2.PROVIDER);
    PublicKey key;
    try {
      key = jca.getPublicKey();
      if (!request.isSignatureValid(
          new JcaContentVerifierProviderBuilder().setProvider(Sm2.PROVIDER).build(key))) {
        throw new Refused("csr: the request's signature does not verify with its key");
      }
    } catch (GeneralSecurityException | OperatorCreationException | PKCSException | RuntimeException e) {
      throw new Refused("csr: the request's key or signature is unreadable");
    }
    if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < 2048) {
        throw new Refused("csr: RSA keys must have at least 2048 bits");
      }
    } else if (key instanceof ECPublicKey ec) {
      int bits = ec.getParams().getCurve().getField().getFieldSize();
      if (bits < 256) {
        throw new Refused("csr: EC keys must be P-256, P-384 or SM2");
      }
    } else {
      throw new Refused("csr: the key must be EC, SM2 or RSA");
    }
    return key;
  }
}
