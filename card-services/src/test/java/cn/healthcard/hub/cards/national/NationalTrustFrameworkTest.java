package cn.healthcard.hub.cards.national;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.crypto.sm.Sm2;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The national link on the provinces' trust framework: where the national side requires bearer
 * tokens besides signatures, a registration goes through with the token the hub's key earns at the
 * national token endpoint, waits without one, and a revoked token is replaced on the next attempt.
 */
class NationalTrustFrameworkTest {
  private static final String KEY_ID = "province-21";
  private static final KeyPair PROVINCE = Sm2.generateKeyPair();

  private final DataSource dataSource = TestDatabase.dataSource();
  private final MutableClock clock = MutableClock.atSystemTime();
  private NationalRegistrySimulator national;
  private NationalRegistrationOutbox outbox;
  private ECKey hubKey;

  /** What the application's access does: client credentials with a signed assertion, the token kept. */
  private final class TokenAccess implements NationalAccess {
    private final ECKey key;
    private final AtomicInteger fetched = new AtomicInteger();
    private volatile String token;

    TokenAccess(ECKey key) {
      this.key = key;
    }

    @Override
    public Optional<String> bearer() throws IOException {
      if (token != null) {
        return Optional.of(token);
      }
      String tokenUrl = national.baseUrl() + "/oauth2/token";
      try {
        SignedJWT assertion = new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
            new JWTClaimsSet.Builder().issuer(KEY_ID).subject(KEY_ID).audience(tokenUrl)
                .expirationTime(Date.from(Instant.now().plusSeconds(240))).jwtID(UUID.randomUUID().toString()).build());
        assertion.sign(new ECDSASigner(key));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(tokenUrl))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_assertion_type="
                + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
                + "&client_assertion=" + assertion.serialize())).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 200) {
          throw new IOException("token endpoint answered " + answer.statusCode());
        }
        fetched.incrementAndGet();
        token = answer.body().replaceAll(".*\"access_token\":\"([^\"]+)\".*", "$1");
        return Optional.of(token);
      } catch (com.nimbusds.jose.JOSEException | InterruptedException e) {
        throw new IOException(e.getClass().getSimpleName());
      }
    }

    @Override
    public void refused() {
      token = null;
    }
  }

  @BeforeEach
  void setUp() throws Exception {
    TestDatabase.truncateAll();
    hubKey = new ECKeyGenerator(Curve.P_384).keyID("hub").generate();
    national = NationalRegistrySimulator.start(KEY_ID, "21", PROVINCE.getPublic())
        .requireTokens(new JWKSet(hubKey.toPublicJWK()).toString());
    outbox = new NationalRegistrationOutbox(dataSource, "21", clock);
  }

  @AfterEach
  void tearDown() {
    national.close();
  }

  private NationalRegistrationSender sender(NationalAccess access) {
    NationalRegistryConfig config = NationalRegistryConfig.of(national.baseUrl(), KEY_ID, PROVINCE.getPrivate(),
        national.keyId(), national.publicKey()).withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    return new NationalRegistrationSender(dataSource, new NationalRegistryClient(config, Clock.systemUTC(), access),
        (cardId, reason) -> { }, Backoff.exponential(Duration.ofSeconds(1), Duration.ofMinutes(5)), 20, clock);
  }

  private void enqueueRegistration() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      outbox.enqueue(connection, new NationalRequest.Registration(UUID.randomUUID(), CardNumbers.next(),
          NationalRequest.CardType.ADULT, "04A1B2C3D4E5F6", "icbc-shenyang-001", Instant.parse("2026-03-01T08:00:00Z")));
      connection.commit();
    }
  }

  @Test
  void signaturesAloneAreRefusedAndTheRegistrationWaits() throws Exception {
    enqueueRegistration();
    assertThat(sender(NationalAccess.SIGNATURES_ONLY).drainOnce())
        .isEqualTo(new NationalRegistrationSender.DrainResult(0, 0, 0, 1));
    assertThat(national.registrations()).isEmpty();
  }

  @Test
  void theTokenTheHubsKeyEarnsCarriesTheRegistrationAndIsKeptForTheNext() throws Exception {
    TokenAccess access = new TokenAccess(hubKey);
    NationalRegistrationSender sender = sender(access);
    enqueueRegistration();
    enqueueRegistration();
    assertThat(sender.drainOnce()).isEqualTo(new NationalRegistrationSender.DrainResult(2, 0, 0, 0));
    assertThat(national.registrationsFrom("21")).hasSize(2);
    assertThat(national.tokensIssued()).isEqualTo(1);
    assertThat(access.fetched.get()).isEqualTo(1);
  }

  @Test
  void aRevokedTokenIsReplacedOnTheNextAttempt() throws Exception {
    TokenAccess access = new TokenAccess(hubKey);
    NationalRegistrationSender sender = sender(access);
    enqueueRegistration();
    assertThat(sender.drainOnce().done()).isEqualTo(1);
    national.revokeTokens();
    enqueueRegistration();
    assertThat(sender.drainOnce()).isEqualTo(new NationalRegistrationSender.DrainResult(0, 0, 0, 1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(sender.drainOnce()).isEqualTo(new NationalRegistrationSender.DrainResult(1, 0, 0, 0));
    assertThat(national.tokensIssued()).isEqualTo(2);
    assertThat(national.registrationsFrom("21")).hasSize(2);
  }

  @Test
  void anAssertionSignedByAKeyTheNationalSideDoesNotKnowEarnsNoToken() throws Exception {
    ECKey stranger = new ECKeyGenerator(Curve.P_384).keyID("hub").generate();
    enqueueRegistration();
    assertThat(sender(new TokenAccess(stranger)).drainOnce())
        .isEqualTo(new NationalRegistrationSender.DrainResult(0, 0, 0, 1));
    assertThat(national.tokensIssued()).isZero();
    assertThat(national.registrations()).isEmpty();
  }
}
