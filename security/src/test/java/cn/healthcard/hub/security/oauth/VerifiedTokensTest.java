package cn.healthcard.hub.security.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

class VerifiedTokensTest {
  private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

  private RSAKey key;
  private final AtomicInteger verifications = new AtomicInteger();
  private final MutableClock clock = new MutableClock(NOW);
  private VerifiedTokens tokens;

  @BeforeEach
  void setUp() throws Exception {
    key = new RSAKeyGenerator(2048).keyID("k1").generate();
    NimbusJwtDecoder nimbus = NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build();
    // the real decoder's own timestamp check would use the wall clock: these tokens are judged by
    // the test's clock only, through VerifiedTokens
    nimbus.setJwtValidator(jwt -> org.springframework.security.oauth2.core.OAuth2TokenValidatorResult.success());
    JwtDecoder counting = token -> {
      verifications.incrementAndGet();
      return nimbus.decode(token);
    };
    tokens = new VerifiedTokens(counting, clock, 100);
  }

  @Test
  void aTokenIsVerifiedOnceAndThenRecognisedByItsText() throws Exception {
    String token = sign(NOW.plusSeconds(300));

    assertThat(tokens.decode(token).getSubject()).isEqualTo("his-1");
    assertThat(tokens.decode(token).getSubject()).isEqualTo("his-1");
    assertThat(tokens.decode(token).getSubject()).isEqualTo("his-1");

    assertThat(verifications.get()).isEqualTo(1);
    assertThat(tokens.size()).isEqualTo(1);
  }

  @Test
  void aRememberedTokenIsRefusedOnceItHasExpiredBeyondTheSkew() throws Exception {
    String token = sign(NOW.plusSeconds(300));
    tokens.decode(token);

    clock.now = NOW.plusSeconds(300).plus(VerifiedTokens.SKEW).minusSeconds(1);
    assertThat(tokens.decode(token).getSubject()).isEqualTo("his-1");

    clock.now = NOW.plusSeconds(300).plus(VerifiedTokens.SKEW).plusSeconds(1);
    assertThatThrownBy(() -> tokens.decode(token))
        .isInstanceOf(JwtValidationException.class)
        .hasMessageContaining("expired");
    assertThat(verifications.get()).isEqualTo(1);
  }

  @Test
  void aTokenThatFailsVerificationIsNeverRemembered() throws Exception {
    String token = sign(NOW.plusSeconds(300));
    String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

    assertThatThrownBy(() -> tokens.decode(tampered)).isInstanceOf(BadJwtException.class);
    assertThatThrownBy(() -> tokens.decode(tampered)).isInstanceOf(BadJwtException.class);

    assertThat(verifications.get()).isEqualTo(2);
    assertThat(tokens.size()).isZero();
  }

  @Test
  void aTokenWithoutExpiryIsVerifiedEveryTime() throws Exception {
    String token = sign(null);

    tokens.decode(token);
    tokens.decode(token);

    assertThat(verifications.get()).isEqualTo(2);
    assertThat(tokens.size()).isZero();
  }

  private String sign(Instant expires) throws Exception {
    JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject("his-1").issueTime(Date.from(NOW));
    if (expires != null) {
      claims.expirationTime(Date.from(expires));
    }
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(), claims.build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static final class MutableClock extends Clock {
    Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }
}
