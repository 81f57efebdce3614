package cn.healthcard.hub.server;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** The hub's own settings ({@code hub.*}); defaults are the embedded, single-machine setup. */
@ConfigurationProperties(prefix = "hub")
public record HubProperties(
    @DefaultValue("data") Path dataDir,
    @DefaultValue Fhir fhir,
    @DefaultValue Elasticsearch elasticsearch) {

  /**
   * @param maxRequestSize largest request body the FHIR endpoint accepts
   * @param defaultPageSize search page size when the client does not say
   * @param maxPageSize largest page a client may ask for
   */
  public record Fhir(
      @DefaultValue("64MB") DataSize maxRequestSize,
      @DefaultValue("50") int defaultPageSize,
      @DefaultValue("500") int maxPageSize) {}

  /**
   * @param enabled whether the hub uses Elasticsearch at all
   * @param url an external node or cluster; when empty the hub starts a local node
   * @param distribution the Elasticsearch zip the local node runs from; when empty, the zip
   *     shipped beside the jar, then the one in the local Maven repository
   * @param heap heap of the local node
   * @param port HTTP port of the local node
   * @param startTimeout how long to wait for the local node to answer
   */
  public record Elasticsearch(
      @DefaultValue("true") boolean enabled,
      String url,
      Path distribution,
      @DefaultValue("512m") String heap,
      @DefaultValue("9200") int port,
      @DefaultValue("120s") java.time.Duration startTimeout) {}
}
