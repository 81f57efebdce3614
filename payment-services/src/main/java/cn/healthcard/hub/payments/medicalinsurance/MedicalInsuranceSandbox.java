package cn.healthcard.hub.payments.medicalinsurance;

import cn.healthcard.hub.crypto.sm.Sm2;
import cn.healthcard.hub.crypto.sm.Sm4;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The sandbox's medical-insurance platform: a simulator on loopback, SM2 keys for both sides and
 * an SM4 body key made for this run, so the adapter runs its production code.
 */
public record MedicalInsuranceSandbox(MedicalInsuranceSettings settings, MedicalInsuranceSimulator simulator)
    implements AutoCloseable {

  public static final List<Duration> SANDBOX_RETRIES = List.of(Duration.ofSeconds(2), Duration.ofSeconds(4),
      Duration.ofSeconds(8), Duration.ofSeconds(16), Duration.ofSeconds(32));

  public static MedicalInsuranceSandbox start(String notifyUrl, List<Duration> retries, Clock clock) throws IOException {
    KeyPair hub = Sm2.generateKeyPair();
    KeyPair platform = Sm2.generateKeyPair();
    byte[] sm4Key = Sm4.randomKey();
    String appId = "HUBSANDBOX000001";
    MedicalInsuranceSimulator simulator = new MedicalInsuranceSimulator(appId, hub.getPublic(), platform, sm4Key, retries,
        clock);
    return new MedicalInsuranceSandbox(new MedicalInsuranceSettings(simulator.gatewayUrl(), appId, "H21010000001",
        "210100", hub.getPrivate(), platform.getPublic(), sm4Key, notifyUrl), simulator);
  }

  @Override
  public void close() {
    simulator.close();
  }
}
