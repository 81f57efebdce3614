package cn.healthcard.hub.federation.peer;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.UUID;

/**
 * This hub's identity towards its peers, as SMART Backend Services prescribe: an EC P-384 key whose
 * public half each peer registers (inline, or from this hub's published JWKS), and short-lived,
 * single-use assertions ({@code private_key_jwt}, ES384) signed with it for the peer's token
 * endpoint.
 */
public final class ClientAssertions {
  static final Duration LIFETIME = Duration.ofMinutes(4);

  private final ECKey key;
  private final Clock clock;

  public ClientAssertions(ECKey key, Clock clock) {
    if (!key.isPrivate()) {
      throw new IllegalArgumentException("the federation key must hold its private part");
    }
    this.key = key;
    this.clock = clock;
  }

  /** A new P-384 key, for a hub that was given none. */
  public static ECKey newKey() {
    try {
      return new ECKeyGenerator(Curve.P_384).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES384)
          .keyIDFromThumbprint(true).generate();
    } catch (JOSEException e) {
      throw new IllegalStateException("no P-384 key could be made", e);
    }
  }

  /** The public key as a JWKS document, for peers to register. */
  public String publicJwks() {
    return new JWKSet(key.toPublicJWK()).toString();
  }

  /** An assertion for one token request at {@code tokenUrl} by {@code clientId}. */
  public String assertion(String clientId, String tokenUrl) {
    try {
      SignedJWT jwt = new SignedJWT(
          new JWSHeader.Builder(JWSAlgorithm.ES384).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
          new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(tokenUrl)
              .expirationTime(Date.from(clock.instant().plus(LIFETIME))).jwtID(UUID.randomUUID().toString()).build());
      jwt.sign(new ECDSASigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException("the client assertion could not be signed", e);
    }
  }
}
