package cn.healthcard.hub.server.payments;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The payment platform's settings ({@code hub.payments.*}).
 *
 * @param sandbox true (the embedded default): the channels are simulators the hub serves on
 *     loopback, with keys made at start, and {@code POST /sandbox/payments/...} makes the simulated
 *     payer pay. Refused with security on and a real channel configured.
 * @param wechatpay a real WeChat Pay merchant (API v3, platform public-key mode); used when
 *     {@code merchant-id} is set and the sandbox is off
 */
@ConfigurationProperties(prefix = "hub.payments")
public record PaymentsProperties(@DefaultValue("true") boolean sandbox, @DefaultValue Wechatpay wechatpay,
    @DefaultValue Alipay alipay, @DefaultValue Unionpay unionpay, @DefaultValue MedicalInsurance medicalInsurance,
    @DefaultValue Reconciliation reconciliation, @DefaultValue Sweep sweep) {

  /**
   * The medical-insurance mobile-payment platform (SM2-signed, SM4-encrypted messages); used when
   * {@code app-id} is set and the sandbox is off.
   *
   * @param institutionCode the hub's code with the platform (the first 12 characters of each {@code msgid})
   * @param area the insured area's division code ({@code insuplc_admdvs})
   * @param hubPrivateKey the hub's SM2 private key, Base64 PKCS#8 (pass it from the environment)
   * @param platformPublicKey the platform's SM2 public key, Base64 X.509
   * @param sm4Key the body key the platform agreed, 32 hex digits (pass it from the environment)
   * @param notifyUrl the hub's {@code /payments/notify/medical-insurance} as the platform reaches it
   */
  public record MedicalInsurance(
      String gatewayUrl,
      String appId,
      String institutionCode,
      String area,
      String hubPrivateKey,
      String platformPublicKey,
      String sm4Key,
      String notifyUrl) {

    public boolean configured() {
      return appId != null && !appId.isBlank();
    }

    @Override
    public String toString() {
      return "MedicalInsurance[appId=" + appId + ", gatewayUrl=" + gatewayUrl + "]";
    }
  }

  /**
   * A real UnionPay online-gateway merchant (ACP 5.1.0, certificate signatures); used when {@code
   * merchant-id} is set and the sandbox is off. The files are the ones UnionPay's merchant service
   * gives.
   *
   * @param signingCertificate the merchant's signing certificate and key, PKCS#12 ({@code .pfx})
   * @param signingCertificatePassword its password (pass it from the environment)
   * @param middleCertificate UnionPay's middle certificate ({@code acp_prod_middle.cer})
   * @param rootCertificate UnionPay's root certificate ({@code acp_prod_root.cer})
   * @param backUrl the hub's {@code /payments/notify/unionpay} as UnionPay reaches it
   */
  public record Unionpay(
      String merchantId,
      String signingCertificate,
      String signingCertificatePassword,
      String middleCertificate,
      String rootCertificate,
      String backUrl,
      @DefaultValue("https://gateway.95516.com") String gatewayUrl,
      @DefaultValue("https://filedownload.95516.com/") String fileUrl) {

    public boolean configured() {
      return merchantId != null && !merchantId.isBlank();
    }

    @Override
    public String toString() {
      return "Unionpay[merchantId=" + merchantId + ", gatewayUrl=" + gatewayUrl + ", fileUrl=" + fileUrl + "]";
    }
  }

  /**
   * The sweep that makes up for lost notifications.
   *
   * @param interval how often it runs
   * @param quiet how long an order or refund may wait for its notification before the channel is asked
   * @param expiry how long an order stays payable (the channels' QR codes live two hours): still
   *     unpaid after that, it is closed at the channel and here
   */
  public record Sweep(@DefaultValue("true") boolean enabled, @DefaultValue("1m") java.time.Duration interval,
      @DefaultValue("1m") java.time.Duration quiet, @DefaultValue("2h") java.time.Duration expiry) {}

  /**
   * A real Alipay application (open API, public-key mode, RSA2); used when {@code app-id} is set
   * and the sandbox is off.
   *
   * @param privateKey the application's private key, Base64 of PKCS#8 (as Alipay's key tool makes it)
   * @param alipayPublicKey Alipay's public key, Base64, from the application's console
   * @param notifyUrl the hub's {@code /payments/notify/alipay} as Alipay reaches it
   */
  public record Alipay(
      String appId,
      String privateKey,
      String alipayPublicKey,
      String notifyUrl,
      @DefaultValue("https://openapi.alipay.com/gateway.do") String gatewayUrl) {

    public boolean configured() {
      return appId != null && !appId.isBlank();
    }

    @Override
    public String toString() {
      return "Alipay[appId=" + appId + ", gatewayUrl=" + gatewayUrl + "]";
    }
  }

  /**
   * The daily reconciliation of every configured channel's previous day.
   *
   * @param at the time of day in China (channels make the previous day's statement by about 10:00)
   * @param retryAfter how long to wait before asking again for a statement not ready or a channel
   *     not reached (six attempts a day)
   */
  public record Reconciliation(@DefaultValue("true") boolean enabled, @DefaultValue("10:30") java.time.LocalTime at,
      @DefaultValue("30m") java.time.Duration retryAfter) {}

  /**
   * @param privateKey PEM file of the merchant's API private key
   * @param merchantSerialNumber serial of the merchant's API certificate
   * @param platformPublicKey PEM file of WeChat Pay's public key
   * @param platformPublicKeyId its id ({@code PUB_KEY_ID_...})
   * @param notifyUrl the hub's notification URL as WeChat Pay reaches it (https, public)
   */
  public record Wechatpay(
      String merchantId,
      String appId,
      String privateKey,
      String merchantSerialNumber,
      String platformPublicKey,
      String platformPublicKeyId,
      String apiV3Key,
      String notifyUrl,
      @DefaultValue("https://api.mch.weixin.qq.com") String baseUrl) {

    public boolean configured() {
      return merchantId != null && !merchantId.isBlank();
    }

    @Override
    public String toString() {
      return "Wechatpay[merchantId=" + merchantId + ", baseUrl=" + baseUrl + "]";
    }
  }
}
