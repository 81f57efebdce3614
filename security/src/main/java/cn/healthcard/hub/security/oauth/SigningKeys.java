package cn.healthcard.hub.security.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import java.text.ParseException;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The authorization server's token-signing key: an RSA key kept in the database, so that every
 * hub instance signs and verifies with the same key and tokens survive a restart. Created on first
 * use; two instances racing to create it agree on the first one stored.
 */
public final class SigningKeys {
  private final RSAKey key;

  private SigningKeys(RSAKey key) {
    this.key = key;
  }

  public static SigningKeys loadOrCreate(JdbcTemplate jdbc) {
    List<String> stored = jdbc.queryForList(
        "select jwk from hub.security_signing_key order by created_at, kid limit 1", String.class);
    if (stored.isEmpty()) {
      try {
        RSAKey created = new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
        jdbc.update(
            "insert into hub.security_signing_key (kid, jwk) values (?, ?) on conflict do nothing",
            created.getKeyID(), created.toJSONString());
      } catch (JOSEException e) {
        throw new IllegalStateException("no RSA key generator", e);
      }
      stored = jdbc.queryForList(
          "select jwk from hub.security_signing_key order by created_at, kid limit 1", String.class);
    }
    try {
      return new SigningKeys(RSAKey.parse(stored.get(0)));
    } catch (ParseException e) {
      throw new IllegalStateException("the stored signing key is not a JWK", e);
    }
  }

  /** Private and public key, for signing. */
  public JWKSource<SecurityContext> signing() {
    return new ImmutableJWKSet<>(new JWKSet(key));
  }

  /** The public key only, for verifying and for {@code /oauth2/jwks}. */
  public JWKSource<SecurityContext> verifying() {
    return new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK()));
  }
}
