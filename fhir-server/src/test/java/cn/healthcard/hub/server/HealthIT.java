package cn.healthcard.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.Test;

/**
 * Every component the hub starts reaches UP, Elasticsearch included (it boots after the FHIR
 * endpoint, so this waits for it). A readiness probe the node never satisfies would leave it
 * "starting" for ever, which is how a 405 on "/" once went unnoticed.
 */
class HealthIT extends HubIntegrationTest {

  @Test
  void postgresArtemisAndElasticsearchAllReachUp() throws Exception {
    ObjectMapper json = new ObjectMapper();
    URI health = URI.create("http://localhost:" + port + "/actuator/health");
    JsonNode body = null;
    long deadline = System.nanoTime() + 150_000_000_000L;
    while (System.nanoTime() < deadline) {
      body = json.readTree(send(HttpRequest.newBuilder(health).GET().build()).body());
      if ("UP".equals(body.path("status").asText())) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(body.path("components").path("db").path("status").asText()).isEqualTo("UP");
    assertThat(body.path("components").path("jms").path("status").asText()).isEqualTo("UP");
    assertThat(body.path("components").path("elasticsearch").path("status").asText()).isEqualTo("UP");
    assertThat(body.path("status").asText()).isEqualTo("UP");
  }
}
