package cn.healthcard.hub.security.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.core.OAuth2Error;

/**
 * Remembers the access tokens already verified, so that a client calling many times with one
 * token pays for the signature check once, not on every request (parsing and verifying an RS256
 * JWT was about a tenth of a secured search's CPU). Only tokens that passed every check are kept,
 * keyed by their exact text; a remembered token is still refused once it expires (with the same
 * clock skew the decoder allows) and is forgotten then. Whether its client is still enabled is not
 * part of verification: {@link TokenToCaller} asks that on every request.
 */
public final class VerifiedTokens implements JwtDecoder {
  /** The clock skew the decoder's timestamp check allows. */
  static final Duration SKEW = Duration.ofSeconds(60);

  private final JwtDecoder decoder;
  private final Clock clock;
  private final Cache<String, Jwt> verified;

  public VerifiedTokens(JwtDecoder decoder, Clock clock, long maximumTokens) {
    this.decoder = decoder;
    this.clock = clock;
    this.verified = Caffeine.newBuilder()
        .maximumSize(maximumTokens)
        .expireAfter(new Expiry<String, Jwt>() {
          @Override
          public long expireAfterCreate(String token, Jwt jwt, long currentTime) {
            return Math.max(0, remaining(jwt).toNanos());
          }

          @Override
          public long expireAfterUpdate(String token, Jwt jwt, long currentTime, long currentDuration) {
            return currentDuration;
          }

          @Override
          public long expireAfterRead(String token, Jwt jwt, long currentTime, long currentDuration) {
            return currentDuration;
          }
        })
        .build();
  }

  @Override
  public Jwt decode(String token) throws JwtException {
    Jwt known = verified.getIfPresent(token);
    if (known != null) {
      if (remaining(known).compareTo(Duration.ZERO) > 0) {
        return known;
      }
      verified.invalidate(token);
      throw new JwtValidationException("the token has expired",
          java.util.List.of(new OAuth2Error("invalid_token", "Jwt expired at " + known.getExpiresAt(), null)));
    }
    Jwt jwt = decoder.decode(token);
    // a token without an expiry is verified each time: nothing says how long to remember it
    if (jwt.getExpiresAt() != null) {
      verified.put(token, jwt);
    }
    return jwt;
  }

  /** Tokens remembered now. */
  public long size() {
    verified.cleanUp();
    return verified.estimatedSize();
  }

  private Duration remaining(Jwt jwt) {
    Instant expires = jwt.getExpiresAt();
    return expires == null ? Duration.ZERO : Duration.between(clock.instant(), expires.plus(SKEW));
  }
}
