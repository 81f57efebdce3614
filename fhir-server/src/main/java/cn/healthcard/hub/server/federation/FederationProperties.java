package cn.healthcard.hub.server.federation;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Finding people and federating with other provinces ({@code hub.federation.*}).
 *
 * @param clientId the client id this hub is registered under at its peers (each peer may name
 *     another in its own entry)
 * @param key this hub's signing key for its peers (a JWK with its private part, EC P-384); when
 *     empty, {@code <data-dir>/federation/hub-key.jwk.json}, made at first start. Its public half
 *     is served at {@code /federation/jwks.json} for peers to register.
 * @param timeout how long a federated read waits for a peer (each peer may set its own)
 * @param peers the other provinces' hubs, by province code
 */
@ConfigurationProperties(prefix = "hub.federation")
public record FederationProperties(
    @DefaultValue PersonIndex personIndex,
    String clientId,
    Path key,
    @DefaultValue("5s") Duration timeout,
    Map<String, Peer> peers) {

  public Map<String, Peer> peers() {
    return peers == null ? Map.of() : peers;
  }

  /**
   * A peer hub.
   *
   * @param url its FHIR base URL
   * @param tokenUrl its token endpoint; when empty, {@code /oauth2/token} beside the FHIR base
   * @param clientId this hub's client id there, when not {@code hub.federation.client-id}
   * @param timeout how long to wait for it, when not {@code hub.federation.timeout}
   */
  public record Peer(String url, String tokenUrl, String clientId, Duration timeout) {}

  /**
   * The person index on Elasticsearch behind {@code $match}.
   *
   * @param name the index's name (several hubs may share a cluster with different names)
   * @param consumers indexers on this instance (each takes writes in batches)
   * @param batch Patient writes taken per database transaction and bulk request
   * @param sweep how often waiting writes are taken without a wake-up (after a restart, with the
   *     index back after an outage)
   * @param clockMargin how far the instances' clocks may differ (a rebuild removes people
   *     indexed this long before it started and not again)
   */
  public record PersonIndex(
      @DefaultValue("hub-persons") String name,
      @DefaultValue("1") int consumers,
      @DefaultValue("200") int batch,
      @DefaultValue("5s") Duration sweep,
      @DefaultValue("1m") Duration clockMargin) {}
}
