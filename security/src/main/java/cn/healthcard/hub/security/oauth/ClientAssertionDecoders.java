package cn.healthcard.hub.security.oauth;

import cn.healthcard.hub.security.clients.HubClient;
import cn.healthcard.hub.security.clients.HubClients;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContext;
import org.springframework.security.oauth2.server.authorization.context.AuthorizationServerContextHolder;

/**
 * Verifies SMART Backend Services client assertions ({@code private_key_jwt}) against the keys the
 * client registered, inline as a JWKS or at a JWKS URL: RS384 or ES384 signature by a key of the
 * client, {@code iss} = {@code sub} = the client id, {@code aud} = the token endpoint, an
 * {@code exp} no more than five minutes ahead, a {@code jti} never used before by that client.
 * Spring Authorization Server's own factory reads keys only from a URL and checks neither the
 * lifetime nor the {@code jti}.
 */
public final class ClientAssertionDecoders implements JwtDecoderFactory<RegisteredClient> {
  static final Duration MAX_LIFETIME = Duration.ofMinutes(5);
  static final Duration SKEW = Duration.ofSeconds(60);
  private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.RS384, JWSAlgorithm.ES384);

  private final HubClients clients;
  private final AssertionJtiLog jtis;
  private final Clock clock;

  public ClientAssertionDecoders(HubClients clients, AssertionJtiLog jtis, Clock clock) {
    this.clients = clients;
    this.jtis = jtis;
    this.clock = clock;
  }

  @Override
  public JwtDecoder createDecoder(RegisteredClient registered) {
    HubClient client = clients.find(registered.getClientId())
        .orElseThrow(() -> new IllegalStateException("client vanished"));
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(ALGORITHMS, keys(client)));
    // the claims are checked below, with errors the token endpoint can report
    processor.setJWTClaimsSetVerifier((claims, context) -> {});
    NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
    decoder.setJwtValidator(jwt -> validate(client.clientId(), jwt));
    return decoder;
  }

  private static JWKSource<SecurityContext> keys(HubClient client) {
    try {
      if (client.jwks() != null) {
        return new ImmutableJWKSet<>(JWKSet.parse(client.jwks()));
      }
      if (client.jwksUrl() != null) {
        return JWKSourceBuilder.create(URI.create(client.jwksUrl()).toURL()).retrying(true).build();
      }
    } catch (ParseException | MalformedURLException e) {
      throw new IllegalStateException("client " + client.clientId() + " has unusable keys", e);
    }
    return new ImmutableJWKSet<>(new JWKSet());
  }

  OAuth2TokenValidatorResult validate(String clientId, Jwt jwt) {
    List<OAuth2Error> errors = new ArrayList<>();
    Instant now = clock.instant();
    if (!clientId.equals(jwt.getClaimAsString("iss")) || !clientId.equals(jwt.getSubject())) {
      errors.add(error("iss and sub must both be the client id"));
    }
    String tokenEndpoint = tokenEndpoint();
    if (tokenEndpoint != null && (jwt.getAudience() == null || !jwt.getAudience().contains(tokenEndpoint))) {
      errors.add(error("aud must be the token endpoint " + tokenEndpoint));
    }
    Instant exp = jwt.getExpiresAt();
    if (exp == null) {
      errors.add(error("exp is required"));
    } else if (exp.isBefore(now.minus(SKEW))) {
      errors.add(error("the assertion has expired"));
    } else if (exp.isAfter(now.plus(MAX_LIFETIME).plus(SKEW))) {
      errors.add(error("exp may be at most five minutes ahead"));
    }
    if (jwt.getNotBefore() != null && jwt.getNotBefore().isAfter(now.plus(SKEW))) {
      errors.add(error("the assertion is not valid yet"));
    }
    String jti = jwt.getId();
    if (jti == null || jti.isBlank()) {
      errors.add(error("jti is required"));
    } else if (errors.isEmpty() && !jtis.firstUse(clientId, jti, exp)) {
      errors.add(error("jti was used before"));
    }
    return errors.isEmpty() ? OAuth2TokenValidatorResult.success() : OAuth2TokenValidatorResult.failure(errors);
  }

  private static String tokenEndpoint() {
    AuthorizationServerContext context = AuthorizationServerContextHolder.getContext();
    if (context == null) {
      return null;
    }
    return context.getIssuer() + context.getAuthorizationServerSettings().getTokenEndpoint();
  }

  private static OAuth2Error error(String description) {
    return new OAuth2Error("invalid_client", description, null);
  }

  /** For tests of the rules without a token endpoint. */
  static OAuth2TokenValidator<Jwt> validator(ClientAssertionDecoders decoders, String clientId) {
    return jwt -> decoders.validate(clientId, jwt);
  }
}
