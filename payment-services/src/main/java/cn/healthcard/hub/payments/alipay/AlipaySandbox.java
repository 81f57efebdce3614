package cn.healthcard.hub.payments.alipay;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The sandbox's Alipay: a simulator on loopback and an application set up to use it, with keys
 * made for this run, so the adapter runs exactly its production code.
 */
public record AlipaySandbox(AlipaySettings settings, AlipaySimulator simulator) implements AutoCloseable {

  /** Alipay retries a notification not answered {@code success} over about a day; the sandbox, faster. */
  public static final List<Duration> SANDBOX_RETRIES = List.of(Duration.ofSeconds(4), Duration.ofSeconds(8),
      Duration.ofSeconds(16), Duration.ofSeconds(32), Duration.ofMinutes(2), Duration.ofMinutes(10));

  public static AlipaySandbox start(String notifyUrl, List<Duration> retries, Clock clock) throws IOException {
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      KeyPair app = rsa.generateKeyPair();
      KeyPair alipay = rsa.generateKeyPair();
      String appId = "2021000118600001";
      AlipaySimulator simulator = new AlipaySimulator(appId, app.getPublic(), alipay, retries, clock);
      return new AlipaySandbox(new AlipaySettings(simulator.gatewayUrl(), appId, app.getPrivate(), alipay.getPublic(),
          notifyUrl), simulator);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the sandbox's keys", e);
    }
  }

  @Override
  public void close() {
    simulator.close();
  }
}
