package cn.healthcard.hub.server;

import ca.uhn.fhir.context.FhirContext;
import cn.healthcard.hub.cards.national.NationalRegistrySimulator;
import cn.healthcard.hub.crypto.sm.Sm2;
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
  protected static final int HTTPS_PORT;
  protected static final int MLLP_TLS_PORT;
  /**
   * Peer hubs of federated reads (FederationIT starts them): another hub from the jar as province
   * 21, one that never answers (32) and one that answers with another person's record (33). This
   * hub is province 11's.
   */
  protected static final int PEER_21_PORT;
  protected static final int PEER_32_PORT;
  protected static final int PEER_33_PORT;
  /** The hub's TLS server identity (files) and the client side of TLS. */
  protected static final TlsMaterial TLS;
  /** The national card registry, simulated on loopback; it trusts the province once told. */
  protected static final NationalRegistrySimulator NATIONAL = NationalRegistrySimulator.start();
  /** The hub's federation key (made here so the national simulator can trust it before the hub starts). */
  protected static final Path FEDERATION_KEY = Path.of("target", "it-federation-key.jwk.json");

  static {
    try {
      if (Files.exists(DATA_DIR)) {
        try (var walk = Files.walk(DATA_DIR)) {
          walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
      Files.deleteIfExists(LOG_FILE);
      ELASTICSEARCH_PORT = freePort();
      MLLP_PORT = freePort();
      HTTPS_PORT = freePort();
      MLLP_TLS_PORT = freePort();
      com.nimbusds.jose.jwk.ECKey key = cn.healthcard.hub.federation.peer.ClientAssertions.newKey();
      Files.writeString(FEDERATION_KEY, key.toJSONString());
      NATIONAL.requireTokens(new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK()).toString());
      PEER_21_PORT = freePort();
      PEER_32_PORT = freePort();
      PEER_33_PORT = freePort();
      TLS = TlsMaterial.create(DATA_DIR.resolveSibling(DATA_DIR.getFileName() + "-tls"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    FHIR.getRestfulClientFactory().setSocketTimeout(120_000);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @DynamicPropertySource
  static void hubProperties(DynamicPropertyRegistry registry) {
    registry.add("hub.data-dir", () -> DATA_DIR.toAbsolutePath().toString());
    registry.add("hub.elasticsearch.port", () -> ELASTICSEARCH_PORT);
    registry.add("hub.mllp.port", () -> MLLP_PORT);
    registry.add("hub.mllp.tls.port", () -> MLLP_TLS_PORT);
    registry.add("hub.tls.https-port", () -> HTTPS_PORT);
    registry.add("hub.tls.certificate", () -> TLS.certificateFile.toString());
    registry.add("hub.tls.private-key", () -> TLS.privateKeyFile.toString());
    // dead-letter tests should not wait through the production back-off
    registry.add("hub.hl7v2.redeliveries", () -> 1);
    // a sender whose messages leave MSH-18 empty but are GBK (bracket keys keep the case)
    registry.add("hub.hl7v2.sender-charsets[HOSP_GBK]", () -> "GBK");
    registry.add("hub.cards.national.url", () -> NATIONAL.baseUrl().toString());
    registry.add("hub.cards.national.national-key-id", NATIONAL::keyId);
    registry.add("hub.cards.national.public-key", () -> Sm2.encodePublicKey(NATIONAL.publicKey()));
    registry.add("hub.cards.national.poll-interval", () -> "200ms");
    // the national side requires the trust framework's tokens as well as signatures
    registry.add("hub.cards.national.token-url", () -> NATIONAL.baseUrl() + "/oauth2/token");
    registry.add("hub.federation.key", () -> FEDERATION_KEY.toAbsolutePath().toString());
    // one clock here: a rebuild removes everything it did not index again
    registry.add("hub.federation.person-index.clock-margin", () -> "0s");
    registry.add("hub.federation.client-id", () -> "hub-11");
    registry.add("hub.federation.peers.21.url", () -> "http://127.0.0.1:" + PEER_21_PORT + "/fhir");
    registry.add("hub.federation.peers.21.timeout", () -> "20s");
    registry.add("hub.federation.peers.32.url", () -> "http://127.0.0.1:" + PEER_32_PORT + "/fhir");
    registry.add("hub.federation.peers.32.timeout", () -> "2s");
    registry.add("hub.federation.peers.33.url", () -> "http://127.0.0.1:" + PEER_33_PORT + "/fhir");
  }

  @LocalServerPort protected int port;

  /**
   * The client the functional tests act as: a provincial integration client holding the
   * hospital, card-issuer, public-health and operator roles without being bound to one
   * institution or division, reading records as an operator with a stated break-glass reason
   * (so every read of theirs is in the audit trail as such). What each role may do on its own is
   * {@code SecurityIT}'s subject.
   */
  protected static final String TEST_CLIENT = "it-integration";
  protected static final String BREAK_GLASS_REASON = "integration test of the hub's features";
  private static final java.util.Map<Integer, cn.healthcard.hub.security.client.HubTokenClient> CLIENTS = new java.util.concurrent.ConcurrentHashMap<>();

  protected final HttpClient http = new cn.healthcard.hub.security.client.BearerHttpClient(() -> java.util.Map.of(
      "Authorization", "Bearer " + testToken(),
      "X-Break-Glass-Reason", BREAK_GLASS_REASON));

  protected cn.healthcard.hub.security.client.HubTokenClient clients() {
    return CLIENTS.computeIfAbsent(port, p -> new cn.healthcard.hub.security.client.HubTokenClient("http://localhost:" + p, DATA_DIR));
  }

  protected String testToken() {
    return clients().tokenFor(TEST_CLIENT, java.util.Map.of(
        "roles", java.util.List.of("hospital", "card-issuer", "public-health", "operator")));
  }

  private static final java.util.Set<String> HOSPITALS = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Registers an HL7 v2 sending facility (MSH-4) as a hospital of the card platform, once: the
   * hub accepts HL7 v2 only from registered hospitals.
   */
  protected void registerHospital(String facility) {
    if (HOSPITALS.contains(facility)) {
      return;
    }
    HttpResponse<String> saved = clients().registerInstitution(facility, "hospital");
    if (saved.statusCode() != 200) {
      throw new IllegalStateException("registering hospital " + facility + ": " + saved.statusCode() + " " + saved.body());
    }
    HOSPITALS.add(facility);
  }

  /** The sending facility (MSH-4.1, else MSH-4.2) of an ER7 message, or null when it has none. */
  protected static String sendingFacility(byte[] message) {
    String text = new String(message, java.nio.charset.StandardCharsets.ISO_8859_1);
    if (!text.startsWith("MSH") || text.length() < 8) {
      return null;
    }
    String[] fields = text.split("\r", 2)[0].split(java.util.regex.Pattern.quote(String.valueOf(text.charAt(3))), -1);
    if (fields.length < 4) {
      return null;
    }
    String[] components = fields[3].split(java.util.regex.Pattern.quote(String.valueOf(text.charAt(4))), -1);
    String facility = !components[0].isBlank() ? components[0] : components.length > 1 ? components[1] : "";
    return facility.matches("[A-Za-z0-9._-]{1,64}") ? facility : null;
  }

  protected String base() {
    return "http://localhost:" + port + "/fhir";
  }

  protected IGenericClient client() {
    IGenericClient client = FHIR.newRestfulGenericClient(base());
    client.registerInterceptor(new ca.uhn.fhir.rest.client.api.IClientInterceptor() {
      @Override
      public void interceptRequest(ca.uhn.fhir.rest.client.api.IHttpRequest request) {
        request.addHeader("Authorization", "Bearer " + testToken());
        request.addHeader("X-Break-Glass-Reason", BREAK_GLASS_REASON);
      }

      @Override
      public void interceptResponse(ca.uhn.fhir.rest.client.api.IHttpResponse response) {}
    });
    return client;
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
