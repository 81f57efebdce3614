package cn.healthcard.hub.payments.medicalinsurance;

import cn.healthcard.hub.crypto.sm.Sm2;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The institution's settings with the medical-insurance mobile-payment platform.
 *
 * @param gatewayUrl the platform's address (the interface path is added)
 * @param appId the application id the platform gave the hub
 * @param institutionCode the designated institution's code ({@code fixmedins_code}, 12 characters):
 *     the hub settles as the province's platform on the hospitals' behalf, each order naming its hospital
 * @param area the insured area's division code ({@code insuplc_admdvs})
 * @param hubKey the hub's SM2 key that signs requests
 * @param platformKey the platform's SM2 public key that signs answers and notifications
 * @param sm4Key the 16-byte key the platform agreed for bodies
 * @param notifyUrl the hub's {@code /payments/notify/medical-insurance} as the platform reaches it
 */
public record MedicalInsuranceSettings(String gatewayUrl, String appId, String institutionCode, String area,
    PrivateKey hubKey, PublicKey platformKey, byte[] sm4Key, String notifyUrl) {

  public MedicalInsuranceSettings {
    if (sm4Key == null || sm4Key.length != 16) {
      throw new IllegalArgumentException("hub.payments.medical-insurance: the SM4 key is 16 bytes (32 hex digits)");
    }
    sm4Key = sm4Key.clone();
  }

  @Override
  public byte[] sm4Key() {
    return sm4Key.clone();
  }

  /** The keys as the platform's console gives them: Base64 PKCS#8 and X.509, the SM4 key in hex. */
  public static MedicalInsuranceSettings fromText(String gatewayUrl, String appId, String institutionCode, String area,
      String hubPrivateKey, String platformPublicKey, String sm4KeyHex, String notifyUrl) {
    try {
      return new MedicalInsuranceSettings(gatewayUrl, appId, institutionCode, area,
          Sm2.decodePrivateKey(Base64.getMimeDecoder().decode(hubPrivateKey)), Sm2.decodePublicKey(platformPublicKey.strip()),
          HexFormat.of().parseHex(sm4KeyHex.strip()), notifyUrl);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("hub.payments.medical-insurance: the keys are not SM2 keys (Base64 PKCS#8,"
          + " X.509) and a 32-hex-digit SM4 key", e);
    }
  }
}
