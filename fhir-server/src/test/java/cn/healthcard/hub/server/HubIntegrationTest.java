package cn.healthcard.hub.server;

import ca.uhn.fhir.context.FhirContext;
import cn.healthcard.hub.cards.national.NationalRegistrySimulator;
import cn.healthcard.hub.cards.signing.Sm2;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the integration tests: one hub per test run (every subclass shares this exact
 * configuration, so Spring starts the application once), with its real PostgreSQL, Artemis and
 * Elasticsearch, spoken to over HTTP.
 */
@SpringBootTest(
    classes = HubApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = "logging.file.name=target/it-hub.log")
public abstract class HubIntegrationTest {
  protected static final FhirContext FHIR = FhirContext.forR4Cached();
  protected static final String CARD = "urn:oid:2.16.156.10011.1.19";
  protected static final Path DATA_DIR = Path.of("target", "it-data");
  public static final Path LOG_FILE = Path.of("target", "it-hub.log");
  private static final int ELASTICSEARCH_PORT;
  protected static final int MLLP_PORT;
  /** The national card registry, simulated on loopback; it trusts the province once told. */
  protected static final NationalRegistrySimulator NATIONAL = NationalRegistrySimulator.start();

  static {
    try {
      if (Files.exists(DATA_DIR)) {
        try (var walk = Files.walk(DATA_DIR)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.deleteIfExists(LOG_FILE);
      try (ServerSocket socket = new ServerSocket(0)) {
        ELASTICSEARCH_PORT = socket.getLocalPort();
      }
      try (ServerSocket socket = new ServerSocket(0)) {
        MLLP_PORT = socket.getLocalPort();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
  }

  @DynamicPropertySource
  static void hubProperties(DynamicPropertyRegistry registry) {
    registry.add("hub.data-dir", () -> DATA_DIR.toAbsolutePath().toString());
    registry.add("hub.elasticsearch.port", () -> ELASTICSEARCH_PORT);
    registry.add("hub.mllp.port", () -> MLLP_PORT);
    // dead-letter tests should not wait through the production back-off
    registry.add("hub.hl7v2.redeliveries", () -> 1);
    // a sender whose messages leave MSH-18 empty but are GBK (bracket keys keep the case)
    registry.add("hub.hl7v2.sender-charsets[HOSP_GBK]", () -> "GBK");
    registry.add("hub.cards.national.url", () -> NATIONAL.baseUrl().toString());
    registry.add("hub.cards.national.national-key-id", NATIONAL::keyId);
    registry.add("hub.cards.national.public-key", () -> Sm2.encodePublicKey(NATIONAL.publicKey()));
    registry.add("hub.cards.national.poll-interval", () -> "200ms");
  }

  @LocalServerPort protected int port;

  protected final HttpClient http = HttpClient.newHttpClient();

  protected String base() {
    return "http://localhost:" + port + "/fhir";
  }

  protected IGenericClient client() {
    return FHIR.newRestfulGenericClient(base());
  }

  protected HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).GET().build());
  }

  protected HttpResponse<String> post(String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build());
  }

  protected HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
