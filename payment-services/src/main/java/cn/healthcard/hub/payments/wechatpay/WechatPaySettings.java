package cn.healthcard.hub.payments.wechatpay;

import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * A merchant's WeChat Pay API v3 settings (platform public-key mode, the channel's current one).
 *
 * @param baseUrl {@code https://api.mch.weixin.qq.com} in production; the simulator's URL in the sandbox
 * @param merchantSerialNumber the serial of the merchant's API certificate (names the key that signs requests)
 * @param platformPublicKey WeChat Pay's public key that signs answers and notifications
 * @param platformPublicKeyId its id, sent by WeChat Pay in {@code Wechatpay-Serial}
 * @param apiV3Key the 32-character key notifications' resources are encrypted with
 * @param notifyUrl where WeChat Pay sends payment notifications (the hub's, reachable by the channel)
 */
public record WechatPaySettings(
    String baseUrl,
    String merchantId,
    String appId,
    PrivateKey merchantPrivateKey,
    String merchantSerialNumber,
    PublicKey platformPublicKey,
    String platformPublicKeyId,
    String apiV3Key,
    String notifyUrl) {

  public static final String PRODUCTION_URL = "https://api.mch.weixin.qq.com";

  /** Settings with the merchant's private key and the platform's public key read from PEM files. */
  public static WechatPaySettings fromPemFiles(String baseUrl, String merchantId, String appId, String privateKeyPath,
      String merchantSerialNumber, String platformPublicKeyPath, String platformPublicKeyId, String apiV3Key,
      String notifyUrl) {
    return new WechatPaySettings(baseUrl, merchantId, appId,
        com.wechat.pay.java.core.util.PemUtil.loadPrivateKeyFromPath(privateKeyPath), merchantSerialNumber,
        com.wechat.pay.java.core.util.PemUtil.loadPublicKeyFromPath(platformPublicKeyPath), platformPublicKeyId,
        apiV3Key, notifyUrl);
  }
}
