package cn.healthcard.hub.security.clients;

import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import java.time.Instant;
import java.util.Set;

/**
 * A registered client of the hub.
 *
 * @param secretHash the encoded secret ({@code {bcrypt}...}) for {@code client_secret_basic}, or
 *     null when the client authenticates with a signed assertion only
 * @param jwks the client's public keys (a JWKS document) for {@code private_key_jwt}, or null
 * @param jwksUrl where the client publishes its JWKS instead, or null
 * @param scopes the scopes the client may ask for
 */
public record HubClient(
    String clientId,
    Set<Role> roles,
    String institution,
    String division,
    String practitioner,
    String patient,
    String secretHash,
    String jwks,
    String jwksUrl,
    Set<String> scopes,
    boolean enabled,
    Instant createdAt) {

  public HubClient {
    roles = Set.copyOf(roles);
    scopes = Set.copyOf(scopes);
  }

  /**
   * The caller this client is when it authenticates without a token (a TLS client certificate):
   * what a token of the hub would say about it.
   */
  public Caller asCaller() {
    return new Caller(clientId, roles, institution, division, practitioner, patient, scopes, null);
  }

  public boolean usesKeys() {
    return jwks != null || jwksUrl != null;
  }

  public HubClient withEnabled(boolean on) {
    return new HubClient(clientId, roles, institution, division, practitioner, patient, secretHash,
        jwks, jwksUrl, scopes, on, createdAt);
  }
}
