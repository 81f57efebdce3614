package cn.healthcard.hub.security.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client side of the hub's authorization server, for tools that set up and act as clients
 * (tests, benchmarks, a peer hub): an operator would do the same by hand: the bootstrap operator from
 * {@code <data-dir>/security/bootstrap-admin.json} registers each client once
 * ({@code POST /admin/clients}); tokens come from the token endpoint with
 * {@code client_secret_basic} and are renewed before they expire.
 */
public final class HubTokenClient {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RENEW_AFTER = Duration.ofMinutes(4);

  private final String root;
  private final Path dataDir;
  private final HttpClient plain = HttpClient.newHttpClient();
  private final Map<String, String> secrets = new ConcurrentHashMap<>();
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  private record Token(String value, Instant obtained) {}

  public HubTokenClient(String root, Path dataDir) {
    this.root = root;
    this.dataDir = dataDir;
  }

  public String root() {
    return root;
  }

  /** The bootstrap operator's credentials. */
  public JsonNode bootstrapFile() {
    try {
      return JSON.readTree(Files.readString(dataDir.resolve("security").resolve("bootstrap-admin.json")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A token of the bootstrap operator. */
  public String adminToken() {
    JsonNode file = bootstrapFile();
    secrets.putIfAbsent(file.get("client_id").asText(), file.get("client_secret").asText());
    return token(file.get("client_id").asText());
  }

  /** Registers the client (once per hub) and returns a current token for it. */
  public String tokenFor(String clientId, Map<String, Object> registration) {
    if (!secrets.containsKey(clientId)) {
      synchronized (this) {
        if (!secrets.containsKey(clientId)) {
          Map<String, Object> body = new java.util.LinkedHashMap<>(registration);
          body.put("client_id", clientId);
          HttpResponse<String> created = register(body);
          if (created.statusCode() == 409) {
            // registered by an earlier run whose secret is gone: replace it
            delete(clientId);
            created = register(body);
          }
          if (created.statusCode() != 201) {
            throw new IllegalStateException("registering " + clientId + ": " + created.statusCode() + " " + created.body());
          }
          try {
            secrets.put(clientId, JSON.readTree(created.body()).get("client_secret").asText());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
    }
    return token(clientId);
  }

  public HttpResponse<String> register(Map<String, Object> body) {
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return send(HttpRequest.newBuilder(URI.create(root + "/admin/clients"))
        .header("Authorization", "Bearer " + adminToken())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build());
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return plain.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Registers (or updates) an institution of the card platform ({@code PUT
   * /admin/cards/institutions/{id}}); a hospital's id is its HL7 v2 sending facility (MSH-4).
   */
  public HttpResponse<String> registerInstitution(String id, String kind) {
    return send(HttpRequest.newBuilder(URI.create(root + "/admin/cards/institutions/" + id))
        .header("Authorization", "Bearer " + adminToken())
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString("{\"kind\":\"" + kind + "\",\"name\":\"" + id + "\"}"))
        .build());
  }

  public int delete(String clientId) {
    return send(HttpRequest.newBuilder(URI.create(root + "/admin/clients/" + clientId))
        .header("Authorization", "Bearer " + adminToken())
        .DELETE()
        .build()).statusCode();
  }

  /** A current token of a registered client (renewed after four of its five minutes). */
  public String token(String clientId) {
    Token known = tokens.get(clientId);
    if (known != null && known.obtained().plus(RENEW_AFTER).isAfter(Instant.now())) {
      return known.value();
    }
    HttpResponse<String> response = requestToken(clientId, secrets.get(clientId), null);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("token for " + clientId + ": " + response.statusCode() + " " + response.body());
    }
    try {
      String value = JSON.readTree(response.body()).get("access_token").asText();
      tokens.put(clientId, new Token(value, Instant.now()));
      return value;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The token endpoint's answer to a client_secret_basic request. */
  public HttpResponse<String> requestToken(String clientId, String secret, String scope) {
    String form = "grant_type=client_credentials"
        + (scope == null ? "" : "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    return send(HttpRequest.newBuilder(URI.create(root + "/oauth2/token"))
        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
            (clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build());
  }

  public String secret(String clientId) {
    return secrets.get(clientId);
  }
}
