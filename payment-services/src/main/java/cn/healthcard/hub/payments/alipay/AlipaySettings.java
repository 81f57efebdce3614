package cn.healthcard.hub.payments.alipay;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;

/**
 * A merchant application's Alipay open-API settings (public-key mode, RSA2).
 *
 * @param gatewayUrl {@code https://openapi.alipay.com/gateway.do} in production; the simulator's in the sandbox
 * @param appPrivateKey the application's key that signs requests
 * @param alipayPublicKey Alipay's public key that signs answers and notifications
 * @param notifyUrl where Alipay sends payment notifications (the hub's, reachable by the channel)
 */
public record AlipaySettings(String gatewayUrl, String appId, PrivateKey appPrivateKey, PublicKey alipayPublicKey,
    String notifyUrl) {

  public static final String PRODUCTION_URL = "https://openapi.alipay.com/gateway.do";

  /** The keys as Alipay's console gives them: Base64 of PKCS#8 and of X.509 SubjectPublicKeyInfo. */
  public static AlipaySettings fromBase64Keys(String gatewayUrl, String appId, String appPrivateKey,
      String alipayPublicKey, String notifyUrl) {
    try {
      java.security.KeyFactory rsa = java.security.KeyFactory.getInstance("RSA");
      return new AlipaySettings(gatewayUrl, appId,
          rsa.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(appPrivateKey))),
          rsa.generatePublic(new java.security.spec.X509EncodedKeySpec(Base64.getMimeDecoder().decode(alipayPublicKey))),
          notifyUrl);
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("hub.payments.alipay: the keys are not Base64 RSA keys (PKCS#8, X.509)", e);
    }
  }

  String privateKeyBase64() {
    return Base64.getEncoder().encodeToString(appPrivateKey.getEncoded());
  }

  String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(alipayPublicKey.getEncoded());
  }
}
