package cn.healthcard.hub.security.oauth;

import cn.healthcard.hub.security.clients.HubClient;
import cn.healthcard.hub.security.clients.HubClients;
import java.time.Duration;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The hub's client registry as Spring Authorization Server sees it: client credentials only
 * (SMART Backend Services), {@code client_secret_basic} for clients with a secret,
 * {@code private_key_jwt} for clients with keys; five-minute JWT access tokens. A disabled
 * client is not found, so it gets no new token.
 */
public final class HubRegisteredClients implements RegisteredClientRepository {
  public static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
  private final HubClients clients;

  public HubRegisteredClients(HubClients clients) {
    this.clients = clients;
  }

  @Override
  public void save(RegisteredClient registeredClient) {
    throw new UnsupportedOperationException("clients are registered through /admin/clients");
  }

  @Override
  public RegisteredClient findById(String id) {
    return findByClientId(id);
  }

  @Override
  public RegisteredClient findByClientId(String clientId) {
    return clients.find(clientId).filter(HubClient::enabled).map(HubRegisteredClients::registered).orElse(null);
  }

  static RegisteredClient registered(HubClient client) {
    RegisteredClient.Builder builder = RegisteredClient.withId(client.clientId())
        .clientId(client.clientId())
        .clientIdIssuedAt(client.createdAt())
        .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
        .scopes(s -> s.addAll(client.scopes()))
        .tokenSettings(TokenSettings.builder()
            .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
            .accessTokenTimeToLive(TOKEN_LIFETIME)
            .build());
    ClientSettings.Builder settings = ClientSettings.builder().requireProofKey(false);
    if (client.secretHash() != null) {
      builder.clientSecret(client.secretHash())
          .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
          .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
    }
    if (client.usesKeys()) {
      builder.clientAuthenticationMethod(ClientAuthenticationMethod.PRIVATE_KEY_JWT);
      settings.tokenEndpointAuthenticationSigningAlgorithm(SignatureAlgorithm.RS384);
    }
    return builder.clientSettings(settings.build()).build();
  }
}
