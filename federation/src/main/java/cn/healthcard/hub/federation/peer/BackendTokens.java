package cn.healthcard.hub.federation.peer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Access tokens from other parties' token endpoints by SMART Backend Services client credentials:
 * a single-use assertion signed with the hub's key ({@link ClientAssertions}), the token kept until
 * shortly before it ends. One per token endpoint and client id; shared by the peer hubs and the
 * national registry link, the hub's one trust framework.
 */
public final class BackendTokens {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RENEW_BEFORE_END = Duration.ofSeconds(30);

  /** Why there is no token (the message quotes nothing the endpoint answered). */
  public static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean timedOut;

    Refused(String message, boolean timedOut) {
      super(message);
      this.timedOut = timedOut;
    }

    public boolean timedOut() {
      return timedOut;
    }
  }

  private record Token(String value, Instant expires) {}

  private final HttpClient http;
  private final ClientAssertions assertions;
  private final Clock clock;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>();

  public BackendTokens(HttpClient http, ClientAssertions assertions, Clock clock) {
    this.http = http;
    this.assertions = assertions;
    this.clock = clock;
  }

  /** A current token for {@code clientId} at {@code tokenUrl} with {@code scope}, by the deadline. */
  public String token(String tokenUrl, String clientId, String scope, Instant deadline) throws Refused {
    String key = tokenUrl + " " + clientId + " " + scope;
    Token known = tokens.get(key);
    if (known != null && known.expires().isAfter(clock.instant().plus(RENEW_BEFORE_END))) {
      return known.value();
    }
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new Refused("no time left for a token from " + tokenUrl, true);
    }
    String form = "grant_type=client_credentials&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)
        + "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
        + "&client_assertion=" + assertions.assertion(clientId, tokenUrl);
    HttpResponse<String> answer;
    try {
      answer = http.send(HttpRequest.newBuilder(URI.create(tokenUrl)).timeout(left)
          .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new Refused("no token from " + tokenUrl + " in time", true);
    } catch (IOException e) {
      throw new Refused(tokenUrl + " could not be reached (" + e.getClass().getSimpleName() + ")", false);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused("interrupted while waiting for a token from " + tokenUrl, true);
    }
    if (answer.statusCode() != 200) {
      throw new Refused(tokenUrl + " refused a token (HTTP " + answer.statusCode() + ")", false);
    }
    try {
      JsonNode body = JSON.readTree(answer.body());
      String value = body.path("access_token").asText("");
      if (value.isEmpty()) {
        throw new Refused(tokenUrl + " answered without a token", false);
      }
      Token token = new Token(value, clock.instant().plusSeconds(Math.max(31, body.path("expires_in").asLong(300))));
      tokens.put(key, token);
      return token.value();
    } catch (IOException e) {
      throw new Refused(tokenUrl + " answered with something not JSON", false);
    }
  }

  /** Forgets the token: the party refused it (it restarted, or revoked it). */
  public void forget(String tokenUrl, String clientId, String scope) {
    tokens.remove(tokenUrl + " " + clientId + " " + scope);
  }
}
