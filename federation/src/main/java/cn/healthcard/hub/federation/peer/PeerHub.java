package cn.healthcard.hub.federation.peer;

import java.time.Duration;

/**
 * Another province's hub this hub reads from.
 *
 * @param code the province's 2-digit division code (GB/T 2260), as configured
 * @param base its FHIR base URL, without a trailing slash
 * @param tokenUrl its OAuth2 token endpoint (the {@code aud} of this hub's client assertions)
 * @param clientId the client id this hub is registered under there (role {@code peer-hub})
 * @param timeout how long a federated read waits for it
 */
public record PeerHub(String code, String base, String tokenUrl, String clientId, Duration timeout) {

  public PeerHub {
    base = base.replaceAll("/+$", "");
  }

  @Override
  public String toString() {
    return "PeerHub[" + code + " " + base + "]";
  }
}
