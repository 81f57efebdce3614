package cn.healthcard.hub.security;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling, as the access token says: the client, its roles and what they are bound to.
 *
 * @param clientId the OAuth client the token was issued to
 * @param roles what the client is
 * @param institution the institution (card platform id; a hospital's is its MSH-4) the client
 *     acts for, or null
 * @param division the GB/T 2260 division a public-health client or an insurance office is limited
 *     to, or null
 * @param practitioner {@code Practitioner/...} of a clinician, or null
 * @param patient the Patient id a resident is, or null
 * @param scopes the token's scopes
 * @param breakGlassReason why an emergency access outside the caller's rights is taken, or null
 */
public record Caller(
    String clientId,
    Set<Role> roles,
    String institution,
    String division,
    String practitioner,
    String patient,
    Set<String> scopes,
    String breakGlassReason) {

  public Caller {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
    scopes = Set.copyOf(scopes);
  }

  /** The caller of work the hub does by itself (start-up, background passes): not a client. */
  public static final Caller SYSTEM =
      new Caller("hub", Set.of(), null, null, null, null, Set.of(), null);

  public boolean has(Role role) {
    return roles.contains(role);
  }

  public boolean breakingGlass() {
    return breakGlassReason != null;
  }

  public Optional<String> institutionId() {
    return Optional.ofNullable(institution);
  }

  public Caller withBreakGlass(String reason) {
    return new Caller(clientId, roles, institution, division, practitioner, patient, scopes, reason);
  }

  /** The actor recorded for what this caller does: the client, and the practitioner when known. */
  public String actor() {
    return practitioner == null ? "client:" + clientId : "client:" + clientId + " " + practitioner;
  }
}
