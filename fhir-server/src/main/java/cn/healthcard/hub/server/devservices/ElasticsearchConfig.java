package cn.healthcard.hub.server.devservices;

import cn.healthcard.hub.server.HubProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.http.HttpHost;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.system.ApplicationHome;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elasticsearch for analytics: an external cluster ({@code hub.elasticsearch.url}) or a local node
 * started in the background, so the FHIR endpoint does not wait for it. Off with {@code
 * hub.elasticsearch.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "hub.elasticsearch.enabled", havingValue = "true", matchIfMissing = true)
public class ElasticsearchConfig {
  private static final Logger log = LoggerFactory.getLogger(ElasticsearchConfig.class);
  private static final String VERSION = "8.19.8";

  /**
   * The local node, when no URL is configured. It boots once the hub serves FHIR: on two cores an
   * Elasticsearch boot competing with the hub's own start would delay the FHIR endpoint, and
   * nothing the endpoint does waits for Elasticsearch.
   */
  public static final class LocalNode implements AutoCloseable {
    private final ElasticsearchNode node;
    private final Duration timeout;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    LocalNode(ElasticsearchNode node, Duration timeout) {
      this.node = node;
      this.timeout = timeout;
    }

    public boolean isStarting() {
      return !ready.isDone();
    }

    void startInBackground() {
      CompletableFuture.runAsync(
          () -> {
            try {
              node.start();
              node.awaitReady(timeout);
              log.info("Elasticsearch ready at {}", node.url());
              ready.complete(null);
            } catch (Exception e) {
              log.error("Elasticsearch did not start: {}", e.getMessage());
              ready.completeExceptionally(e);
            }
          });
    }

    @Override
    public void close() {
      node.close();
    }
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnExpression("'${hub.elasticsearch.url:}' == ''")
  public LocalNode localElasticsearchNode(HubProperties hub) throws IOException {
    HubProperties.Elasticsearch es = hub.elasticsearch();
    Path zip = locateDistribution(es.distribution());
    return new LocalNode(
        new ElasticsearchNode(zip, hub.dataDir().resolve("elasticsearch"), es.port(), es.heap()),
        es.startTimeout());
  }

  @Bean
  @ConditionalOnExpression("'${hub.elasticsearch.url:}' == ''")
  public ApplicationListener<ApplicationReadyEvent> localElasticsearchStarter(LocalNode node) {
    return event -> node.startInBackground();
  }

  @Bean(destroyMethod = "close")
  public RestClient elasticsearchRestClient(HubProperties hub) {
    String url = hub.elasticsearch().url();
    if (url == null || url.isBlank()) {
      url = "http://127.0.0.1:" + hub.elasticsearch().port();
    }
    return RestClient.builder(HttpHost.create(url)).build();
  }

  @Bean
  public HealthIndicator elasticsearchHealthIndicator(
      RestClient client, ObjectProvider<LocalNode> local) {
    return () -> {
      LocalNode node = local.getIfAvailable();
      if (node != null && node.isStarting()) {
        return Health.outOfService().withDetail("state", "starting").build();
      }
      try {
        Response response = client.performRequest(new Request("GET", "/_cluster/health"));
        String body = new String(response.getEntity().getContent().readAllBytes());
        String status = body.replaceAll(".*\"status\"\\s*:\\s*\"(\\w+)\".*", "$1");
        Health.Builder health = "red".equals(status) ? Health.down() : Health.up();
        return health.withDetail("cluster-status", status).build();
      } catch (IOException e) {
        return Health.down().withDetail("error", e.getMessage()).build();
      }
    };
  }

  /**
   * The configured zip, else {@code elasticsearch/elasticsearch.zip} beside the hub jar (the
   * build puts it there), else the copy in the local Maven repository.
   */
  static Path locateDistribution(Path configured) throws IOException {
    if (configured != null) {
      if (!Files.isRegularFile(configured)) {
        throw new IOException("hub.elasticsearch.distribution does not exist: " + configured);
      }
      return configured;
    }
    Path besideJar =
        new ApplicationHome(ElasticsearchConfig.class)
            .getDir()
            .toPath()
            .resolve("elasticsearch/elasticsearch.zip");
    if (Files.isRegularFile(besideJar)) {
      return besideJar;
    }
    Path m2 =
        Path.of(
            System.getProperty("user.home"),
            ".m2/repository/org/elasticsearch/distribution/integ-test-zip/elasticsearch",
            VERSION,
            "elasticsearch-" + VERSION + ".zip");
    if (Files.isRegularFile(m2)) {
      return m2;
    }
    throw new IOException(
        "No Elasticsearch distribution found (looked at "
            + besideJar
            + " and "
            + m2
            + "); build with ./mvnw package, set hub.elasticsearch.distribution, point"
            + " hub.elasticsearch.url at a cluster, or set hub.elasticsearch.enabled=false");
  }
}
