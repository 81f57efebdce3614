package cn.healthcard.hub.security.oauth;

import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.clients.HubClient;
import cn.healthcard.hub.security.clients.HubClients;
import java.util.List;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;

/**
 * What an access token of the hub says about its client besides {@code sub}: {@code aud} (the
 * hub's audience), {@code roles},
 * {@code institution}, {@code division}, SMART's {@code fhirUser} (a clinician's Practitioner)
 * and {@code patient} (a resident's Patient id).
 */
public final class HubTokenClaims implements OAuth2TokenCustomizer<JwtEncodingContext> {
  public static final String ROLES = "roles";
  public static final String INSTITUTION = "institution";
  public static final String DIVISION = "division";
  public static final String FHIR_USER = "fhirUser";
  public static final String PATIENT = "patient";

  private final HubClients clients;
  private final String audience;

  /** @param audience the resource server the tokens are for ({@code hub.security.audience}) */
  public HubTokenClaims(HubClients clients, String audience) {
    this.clients = clients;
    this.audience = audience;
  }

  @Override
  public void customize(JwtEncodingContext context) {
    if (!OAuth2TokenType.ACCESS_TOKEN.equals(context.getTokenType())) {
      return;
    }
    HubClient client = clients.find(context.getRegisteredClient().getClientId()).orElseThrow();
    var claims = context.getClaims();
    // the hub, not the client (Spring's default): a token minted for another service is refused
    claims.audience(List.of(audience));
    claims.claim(ROLES, client.roles().stream().map(Role::code).sorted().toList());
    if (client.institution() != null) {
      claims.claim(INSTITUTION, client.institution());
    }
    if (client.division() != null) {
      claims.claim(DIVISION, client.division());
    }
    if (client.practitioner() != null) {
      claims.claim(FHIR_USER, client.practitioner());
    }
    if (client.patient() != null) {
      claims.claim(PATIENT, client.patient());
    }
    if (context.getAuthorizedScopes().isEmpty()) {
      // a client that asked for no scope gets what it is registered for
      claims.claim("scope", List.copyOf(client.scopes()));
    }
  }
}
