package cn.healthcard.hub.payments.unionpay;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * UnionPay ACP 5.1.0 signatures, {@code signMethod} 01: the message's fields but {@code signature},
 * sorted by name, as {@code k=v&k=v}; the lower-case hex of its SHA-256; that text signed
 * SHA256withRSA, Base64. Requests are signed with the merchant's certificate key ({@code certId}
 * is the certificate's serial number in decimal); answers and notifications carry the signer's
 * certificate ({@code signPubKeyCert}), which must chain to UnionPay's root through its middle
 * certificate and name UnionPay as its owner before its key is used.
 */
public final class AcpSignature {

  public static final String SIGNATURE = "signature";
  public static final String SIGN_CERT = "signPubKeyCert";

  private AcpSignature() {}

  /** The signed text: every field but the signature, sorted, {@code k=v} joined by {@code &}. */
  static String content(Map<String, String> fields) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(fields).forEach((k, v) -> {
      if (!SIGNATURE.equals(k)) {
        text.append(text.length() == 0 ? "" : "&").append(k).append('=').append(v == null ? "" : v);
      }
    });
    return text.toString();
  }

  /** The fields with {@code signature} added. */
  public static Map<String, String> sign(Map<String, String> fields, PrivateKey key) {
    Map<String, String> signed = new TreeMap<>(fields);
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(key);
      signer.update(digest(content(fields)));
      signed.put(SIGNATURE, Base64.getEncoder().encodeToString(signer.sign()));
      return signed;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign a UnionPay message", e);
    }
  }

  /** Whether the fields' {@code signature} was made with the key of this public key. */
  public static boolean verify(Map<String, String> fields, PublicKey key) {
    String signature = fields.get(SIGNATURE);
    if (signature == null || signature.isEmpty()) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update(digest(content(fields)));
      return verifier.verify(Base64.getMimeDecoder().decode(signature));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static byte[] digest(String content) throws GeneralSecurityException {
    byte[] sha = MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha).getBytes(StandardCharsets.UTF_8);
  }

  /** The serial number as the {@code certId} field writes it. */
  public static String certId(X509Certificate certificate) {
    return certificate.getSerialNumber().toString();
  }

  public static X509Certificate certificate(String pemOrBase64) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(pemOrBase64.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("not an X.509 certificate", e);
    }
  }

  public static String pem(X509Certificate certificate) {
    try {
      return "-----BEGIN CERTIFICATE-----\r\n"
          + Base64.getMimeEncoder(64, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
          + "\r\n-----END CERTIFICATE-----";
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Checks a signer's certificate as UnionPay's own SDK does: it chains to the root through the
   * middle certificate (validity dates included) and its subject's common name, split at
   * {@code @}, names UnionPay in its third part ({@code 中国银联股份有限公司} in production).
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  public static void checkSigner(X509Certificate signer, X509Certificate middle, X509Certificate root, String owner) {
    try {
      PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
      parameters.setRevocationEnabled(false);
      CertPathValidator.getInstance("PKIX").validate(
          CertificateFactory.getInstance("X.509").generateCertPath(List.of(signer, middle)), parameters);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the signer's certificate does not chain to UnionPay's root", e);
    }
    String[] parts = commonName(signer).split("@");
    if (parts.length < 3 || !parts[2].equals(owner)) {
      throw new IllegalArgumentException("the signer's certificate is not UnionPay's signing certificate");
    }
  }

  private static String commonName(X509Certificate certificate) {
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          return rdn.getValue().toString();
        }
      }
      return "";
    } catch (InvalidNameException e) {
      return "";
    }
  }
}
