package cn.healthcard.hub.payments.unionpay;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collections;

/**
 * A merchant's UnionPay online-gateway settings (ACP 5.1.0, certificate signatures).
 *
 * @param gatewayUrl {@code https://gateway.95516.com} in production (the API paths are added)
 * @param fileUrl the file-download address, {@code https://filedownload.95516.com/} in production
 * @param merchantId {@code merId}, 15 characters
 * @param signingKey the key of the merchant's signing certificate (from its PFX)
 * @param certId that certificate's serial number, decimal
 * @param middle UnionPay's middle certificate and {@code root} its root: a signer's certificate
 *     must chain to them
 * @param owner the name UnionPay's signing certificates carry ({@code 中国银联股份有限公司})
 * @param backUrl where UnionPay sends notifications (the hub's {@code /payments/notify/unionpay})
 */
public record UnionPaySettings(String gatewayUrl, String fileUrl, String merchantId, PrivateKey signingKey,
    String certId, X509Certificate middle, X509Certificate root, String owner, String backUrl) {

  public static final String PRODUCTION_GATEWAY = "https://gateway.95516.com";
  public static final String PRODUCTION_FILES = "https://filedownload.95516.com/";
  public static final String OWNER = "中国银联股份有限公司";

  /**
   * The settings from the files UnionPay's merchant service gives: the signing certificate's PFX
   * (PKCS#12) and its password, the middle and root certificates (DER or PEM).
   */
  public static UnionPaySettings fromFiles(String gatewayUrl, String fileUrl, String merchantId, Path signingPfx,
      String password, Path middle, Path root, String backUrl) {
    try (InputStream in = Files.newInputStream(signingPfx)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      char[] secret = password == null ? new char[0] : password.toCharArray();
      store.load(in, secret);
      String alias = Collections.list(store.aliases()).stream().filter(a -> {
        try {
          return store.isKeyEntry(a);
        } catch (GeneralSecurityException e) {
          return false;
        }
      }).findFirst().orElseThrow(() -> new IllegalArgumentException("hub.payments.unionpay: the PFX holds no key"));
      PrivateKey key = (PrivateKey) store.getKey(alias, secret);
      X509Certificate certificate = (X509Certificate) store.getCertificate(alias);
      return new UnionPaySettings(gatewayUrl, fileUrl, merchantId, key, AcpSignature.certId(certificate),
          certificate(middle), certificate(root), OWNER, backUrl);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("hub.payments.unionpay: the signing PFX cannot be read (path or password)", e);
    }
  }

  private static X509Certificate certificate(Path file) throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(file)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
