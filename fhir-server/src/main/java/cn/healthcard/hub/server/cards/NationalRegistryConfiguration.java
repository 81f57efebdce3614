package cn.healthcard.hub.server.cards;

import cn.healthcard.hub.cards.hsm.Hsm;
import cn.healthcard.hub.cards.national.NationalAccess;
import cn.healthcard.hub.cards.national.NationalRegistrationOutbox;
import cn.healthcard.hub.cards.national.NationalRegistrationSender;
import cn.healthcard.hub.cards.national.NationalRegistryClient;
import cn.healthcard.hub.cards.national.NationalRegistryConfig;
import cn.healthcard.hub.cards.national.NationalSync;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.crypto.sm.Sm2;
import cn.healthcard.hub.server.HubProperties;
import cn.healthcard.hub.server.repository.HubSchema;
import java.net.URI;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registration with the national card-management system: every registry change that the
 * national system must know of is written to an outbox in the same transaction; a sender drains
 * it (signed with the province's key, which stays in the HSM) when a national URL is configured.
 * Without one, registrations wait in the outbox.
 */
@Configuration(proxyBeanMethods = false)
public class NationalRegistryConfiguration {
  private static final Logger log = LoggerFactory.getLogger(NationalRegistryConfiguration.class);
  /** HSM alias of the province's key for the national registry. */
  public static final String PROVINCE_KEY_ALIAS = "national-registry-signing";

  @Bean
  public NationalRegistrationOutbox nationalOutbox(DataSource dataSource, HubSchema schema, HubProperties hub) {
    return new NationalRegistrationOutbox(dataSource, hub.cards().national().provinceCode());
  }

  @Bean
  public NationalSync nationalSync(NationalRegistrationOutbox outbox, CardRegistry registry) {
    NationalSync sync = new NationalSync(outbox, registry, Clock.systemUTC());
    registry.addListener(sync);
    return sync;
  }

  @Bean
  public NationalSender nationalSender(
      DataSource dataSource, NationalSync sync, Hsm hsm, HubProperties hub,
      org.springframework.beans.factory.ObjectProvider<cn.healthcard.hub.federation.peer.BackendTokens> tokens) {
    HubProperties.National national = hub.cards().national();
    hsm.ensureSigningKey(PROVINCE_KEY_ALIAS);
    if (national.url() == null || national.url().isBlank()) {
      log.warn("hub.cards.national.url is not set: national registrations wait in the outbox");
      return new NationalSender(null, national);
    }
    if (national.publicKey() == null || national.publicKey().isBlank()) {
      throw new IllegalStateException("hub.cards.national.public-key is required with hub.cards.national.url");
    }
    NationalRegistryConfig config =
        NationalRegistryConfig.of(
            URI.create(national.url()),
            national.keyId(),
            data -> hsm.sign(PROVINCE_KEY_ALIAS, data),
            national.nationalKeyId(),
            Sm2.decodePublicKey(national.publicKey()));
    return new NationalSender(new NationalRegistrationSender(dataSource,
        new NationalRegistryClient(config, Clock.systemUTC(), access(national, tokens.getObject())), sync), national);
  }

  /** The trust framework's bearer token, when the national side asks for one besides signatures. */
  static NationalAccess access(HubProperties.National national, cn.healthcard.hub.federation.peer.BackendTokens tokens) {
    if (national.tokenUrl() == null || national.tokenUrl().isBlank()) {
      return NationalAccess.SIGNATURES_ONLY;
    }
    String clientId = national.clientId() == null || national.clientId().isBlank() ? national.keyId() : national.clientId();
    return new NationalAccess() {
      @Override
      public java.util.Optional<String> bearer() throws java.io.IOException {
        return java.util.Optional.of(tokens.token(national.tokenUrl(), clientId, national.scope(),
            java.time.Instant.now().plusSeconds(10)));
      }

      @Override
      public void refused() {
        tokens.forget(national.tokenUrl(), clientId, national.scope());
      }
    };
  }

  /** Runs the outbox sender with the application. */
  public static final class NationalSender implements SmartLifecycle {
    private final NationalRegistrationSender sender;
    private final HubProperties.National settings;
    private volatile boolean running;

    NationalSender(NationalRegistrationSender sender, HubProperties.National settings) {
      this.sender = sender;
      this.settings = settings;
    }

    public boolean configured() {
      return sender != null;
    }

    public NationalRegistrationSender sender() {
      return sender;
    }

    @Override
    public void start() {
      if (sender != null) {
        sender.start(settings.pollInterval());
      }
      running = true;
    }

    @Override
    public void stop() {
      if (sender != null) {
        sender.stop();
      }
      running = false;
    }

    @Override
    public boolean isRunning() {
      return running;
    }
  }
}
