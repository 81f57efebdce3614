package cn.healthcard.hub.payments.wechatpay;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * The sandbox's WeChat Pay: a simulator on loopback and a merchant set up to use it, with keys
 * made for this run (a merchant key pair, the platform's key pair and APIv3 key), so the adapter
 * runs exactly the code it runs in production.
 */
public record WechatPaySandbox(WechatPaySettings settings, WechatPaySimulator simulator) implements AutoCloseable {

  public static WechatPaySandbox start(String notifyUrl, List<Duration> retries, Clock clock) throws IOException {
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      KeyPair merchant = rsa.generateKeyPair();
      KeyPair platform = rsa.generateKeyPair();
      SecureRandom random = new SecureRandom();
      byte[] serial = new byte[20];
      random.nextBytes(serial);
      String merchantSerial = HexFormat.of().withUpperCase().formatHex(serial);
      String publicKeyId = "PUB_KEY_ID_0114" + HexFormat.of().formatHex(serial, 0, 8);
      byte[] key = new byte[16];
      random.nextBytes(key);
      String apiV3Key = HexFormat.of().formatHex(key);
      String merchantId = "1900000109";
      WechatPaySimulator simulator = new WechatPaySimulator(merchantId, merchant.getPublic(), merchantSerial, platform,
          publicKeyId, apiV3Key, retries, clock);
      WechatPaySettings settings = new WechatPaySettings(simulator.baseUrl(), merchantId, "wxd678efh567hg6787",
          merchant.getPrivate(), merchantSerial, platform.getPublic(), publicKeyId, apiV3Key, notifyUrl);
      return new WechatPaySandbox(settings, simulator);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the sandbox's keys", e);
    }
  }

  @Override
  public void close() {
    simulator.close();
  }
}
