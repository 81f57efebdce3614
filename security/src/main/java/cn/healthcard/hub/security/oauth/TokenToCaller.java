package cn.healthcard.hub.security.oauth;

import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.CallerAuthentication;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.clients.HubClient;
import cn.healthcard.hub.security.clients.HubClients;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

/**
 * An access token to the {@link Caller} it stands for. A token of the hub's own authorization
 * server is accepted only while its client is registered and enabled (looked up through a short
 * cache, so disabling a client ends its tokens within a minute). A token of an external OpenID
 * provider ({@code hub.security.issuer}) carries the same claims: {@code roles},
 * {@code institution}, {@code division}, {@code fhirUser}, {@code patient}.
 */
public final class TokenToCaller implements Converter<Jwt, CallerAuthentication> {
  private final HubClients clients;
  private final String externalIssuer;

  public TokenToCaller(HubClients clients, String externalIssuer) {
    this.clients = clients;
    this.externalIssuer = externalIssuer == null || externalIssuer.isBlank() ? null : externalIssuer;
  }

  @Override
  public CallerAuthentication convert(Jwt jwt) {
    String issuer = jwt.getClaimAsString("iss");
    boolean external = externalIssuer != null && externalIssuer.equals(issuer);
    String clientId = external ? Optional.ofNullable(jwt.getClaimAsString("client_id")).orElse(jwt.getSubject())
        : jwt.getSubject();
    if (clientId == null) {
      throw new InvalidBearerTokenException("the token names no client");
    }
    if (!external) {
      Optional<HubClient> client = clients.current(clientId);
      if (client.isEmpty() || !client.get().enabled()) {
        throw new InvalidBearerTokenException("the token's client is not enabled");
      }
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String code : list(jwt, "roles")) {
      Role.fromCode(code).ifPresent(roles::add);
    }
    Set<String> scopes = new LinkedHashSet<>(list(jwt, "scope"));
    Caller caller = new Caller(
        clientId,
        roles,
        jwt.getClaimAsString(HubTokenClaims.INSTITUTION),
        jwt.getClaimAsString(HubTokenClaims.DIVISION),
        jwt.getClaimAsString(HubTokenClaims.FHIR_USER),
        jwt.getClaimAsString(HubTokenClaims.PATIENT),
        scopes,
        null);
    return new CallerAuthentication(caller, jwt.getTokenValue());
  }

  private static List<String> list(Jwt jwt, String claim) {
    Object value = jwt.getClaims().get(claim);
    if (value instanceof Collection<?> c) {
      return c.stream().map(String::valueOf).toList();
    }
    if (value instanceof String s) {
      return List.of(s.split(" "));
    }
    return List.of();
  }
}
