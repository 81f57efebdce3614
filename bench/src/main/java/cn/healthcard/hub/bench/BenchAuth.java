package cn.healthcard.hub.bench;

import cn.healthcard.hub.security.client.BearerHttpClient;
import cn.healthcard.hub.security.client.HubTokenClient;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How the benchmarks authenticate: as the client {@value #CLIENT}, registered through the hub's
 * bootstrap operator (its file in the hub's data directory), holding the roles the benchmarks
 * exercise, reading with a stated break-glass reason (the operator's way to read records; every
 * such read is audited). Against a hub with {@code hub.security.enabled=false}, nothing is added.
 */
public final class BenchAuth {
  static final String CLIENT = "bench";
  static final String REASON = "benchmark run";
  static final Map<String, Object> ROLES = Map.of("roles", List.of("hospital", "card-issuer", "public-health", "operator"));
  private static volatile HubTokenClient tokens;
  private static volatile String client = CLIENT;
  private static volatile Map<String, Object> registration = ROLES;
  private static volatile String breakGlass = REASON;

  private BenchAuth() {}

  /** Authenticate against the hub at {@code root}, whose data directory is {@code dataDir}. */
  public static void use(String root, Path dataDir) {
    if (!dataDir.resolve("security").resolve("bootstrap-admin.json").toFile().exists()) {
      tokens = null; // security off: nothing to add
      return;
    }
    tokens = new HubTokenClient(root, dataDir);
    token();
  }

  /**
   * A hub started elsewhere ({@code --url}): its data directory ({@code --hub-data}, default
   * {@code data}) holds the bootstrap operator the bench registers its client with.
   */
  public static void forUrl(String url, Map<String, String> opts) {
    String root = url.replaceAll("/+$", "").replaceAll("/fhir$", "");
    use(root, Path.of(opts.getOrDefault("hub-data", "data")));
  }

  /**
   * Registers an HL7 v2 sending facility (MSH-4) as a hospital of the card platform: with security
   * on, the hub accepts HL7 v2 only from registered hospitals.
   */
  public static void registerHospital(String root, String facility) {
    HubTokenClient current = tokens;
    if (current == null) {
      return;
    }
    int status = current.registerInstitution(facility, "hospital").statusCode();
    if (status != 200) {
      throw new IllegalStateException("registering hospital " + facility + ": " + status);
    }
  }

  /**
   * Act as another client from now on (registered on first use), without break-glass: what a
   * hospital system bound to its institution goes through (rules, treatment relationships).
   */
  public static void actAs(String clientId, Map<String, Object> clientRegistration) {
    client = clientId;
    registration = clientRegistration;
    breakGlass = null;
  }

  /** Back to the default bench client. */
  public static void reset() {
    client = CLIENT;
    registration = ROLES;
    breakGlass = REASON;
  }

  static String token() {
    return tokens.tokenFor(client, registration);
  }

  /** The headers every request carries (none when security is off). */
  public static Map<String, String> headers() {
    HubTokenClient current = tokens;
    if (current == null) {
      return Map.of();
    }
    String reason = breakGlass;
    return reason == null ? Map.of("Authorization", "Bearer " + token())
        : Map.of("Authorization", "Bearer " + token(), "X-Break-Glass-Reason", reason);
  }

  /** The client, sending the headers. */
  public static HttpClient wrap(HttpClient plain) {
    return new BearerHttpClient(plain, BenchAuth::headers);
  }
}
