package cn.healthcard.hub.server.federation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Finding people and federating with other provinces ({@code hub.federation.*}). */
@ConfigurationProperties(prefix = "hub.federation")
public record FederationProperties(@DefaultValue PersonIndex personIndex) {

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
      @DefaultValue("500") int batch,
      @DefaultValue("5s") Duration sweep,
      @DefaultValue("1m") Duration clockMargin) {}
}
