package cn.healthcard.hub.bench;

import cn.healthcard.hub.security.client.HubTokenClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a federated {@code $everything} adds (issue 17: at most the slowest peer's time plus 50 ms):
 * two hubs from the jar on loopback, province 21 holding people's records and province 11 where
 * they are registered too, 11 configured with 21 as its peer and 21 trusting 11's published key.
 * One client, in turn: the record at 11 alone ({@code $everything?identifier=}), what 21 does for a
 * peer (its PIXm and {@code $everything}, asked directly with a peer-hub token), and the federated
 * read at 11 ({@code &_federated=true}). Prints the three latencies and the federated read's excess
 * over the slower of its two parts.
 *
 * <pre>
 * bench/federation.sh [--jar fhir-server/target/hub.jar] [--people 100] [--results 20] [--reads 200]
 * </pre>
 */
public final class FederationBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CARD = "urn:oid:2.16.156.10011.1.19";
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    int people = Integer.parseInt(opts.getOrDefault("people", "100"));
    int results = Integer.parseInt(opts.getOrDefault("results", "20"));
    int reads = Integer.parseInt(opts.getOrDefault("reads", "200"));
    Path jar = Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar"));
    System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    Path data21 = Path.of("bench/target/federation-21");
    Path data11 = Path.of("bench/target/federation-11");
    HubBench.deleteRecursively(data21);
    HubBench.deleteRecursively(data11);
    List<String> light = List.of("--hub.elasticsearch.enabled=false", "--hub.mllp.enabled=false");
    try (HubProcess home = new HubProcess(jar, data21, light)) {
      System.out.printf("hub 21: ready in %d ms%n", home.start(Duration.ofMinutes(3)));
      List<String> asking = new ArrayList<>(light);
      asking.add("--hub.federation.client-id=hub-11");
      asking.add("--hub.federation.peers.21.url=" + home.fhirBase());
      try (HubProcess here = new HubProcess(jar, data11, asking)) {
        System.out.printf("hub 11: ready in %d ms%n", here.start(Duration.ofMinutes(3)));
        new FederationBench().run(home, data21, here, data11, people, results, reads);
      }
    }
  }

  private void run(HubProcess home, Path data21, HubProcess here, Path data11, int people, int results, int reads)
      throws Exception {
    HubTokenClient at21 = new HubTokenClient(home.rootUrl(), data21.toAbsolutePath());
    HubTokenClient at11 = new HubTokenClient(here.rootUrl(), data11.toAbsolutePath());
    String jwks = http.send(HttpRequest.newBuilder(URI.create(here.rootUrl() + "/federation/jwks.json")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
    HttpResponse<String> trusted = at21.register(Map.of("client_id", "hub-11", "role", "peer-hub",
        "jwks", JSON.readValue(jwks, Map.class)));
    if (trusted.statusCode() != 201) {
      throw new IllegalStateException("21 did not register 11: " + trusted.statusCode() + " " + trusted.body());
    }
    String hospital21 = at21.tokenFor("bench-hosp-21", Map.of("role", "hospital", "institution", "BENCH_21"));
    String peer21 = at21.tokenFor("bench-peer-at-21", Map.of("role", "peer-hub"));
    at11.registerInstitution("BENCH_11", "hospital");
    String hospital11 = at11.tokenFor("bench-hosp-11", Map.of("role", "hospital", "institution", "BENCH_11"));

    List<String> cards = new ArrayList<>();
    List<String> ids21 = new ArrayList<>();
    for (int i = 0; i < people; i++) {
      String card = card(LocalDate.of(1950 + i % 50, 1 + i % 12, 1 + i % 28), i);
      cards.add(card);
      ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
      ArrayNode entries = bundle.putArray("entry");
      ObjectNode patient = entries.addObject().put("fullUrl", "urn:uuid:p" + i);
      patient.putObject("resource").put("resourceType", "Patient").putArray("identifier").addObject()
          .put("system", CARD).put("value", card);
      patient.putObject("request").put("method", "POST").put("url", "Patient");
      for (int r = 0; r < results; r++) {
        ObjectNode observation = entries.addObject();
        ObjectNode resource = observation.putObject("resource").put("resourceType", "Observation").put("status", "final");
        resource.putObject("code").put("text", "result " + r);
        resource.putObject("subject").put("reference", "urn:uuid:p" + i);
        resource.putObject("valueQuantity").put("value", 100 + r).put("unit", "g/L");
        observation.putObject("request").put("method", "POST").put("url", "Observation");
      }
      JsonNode stored = JSON.readTree(post(home.fhirBase(), hospital21, bundle.toString()));
      ids21.add(stored.path("entry").path(0).path("response").path("location").asText().split("/")[1]);
      ObjectNode registration = JSON.createObjectNode().put("resourceType", "Patient");
      registration.putArray("identifier").addObject().put("system", CARD).put("value", card);
      post(here.fhirBase() + "/Patient", hospital11, registration.toString());
    }
    System.out.printf("loaded: %d people at 21 with %d results each, registered at 11%n", people, results);

    long[] local = new long[reads];
    long[] peer = new long[reads];
    long[] federated = new long[reads];
    for (int round = 0; round < 2; round++) {
      boolean measured = round == 1;
      int n = measured ? reads : Math.min(50, reads);
      for (int i = 0; i < n; i++) {
        int who = i % people;
        String identifier = URLEncoder.encode(CARD + "|" + cards.get(who), StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        get(here.fhirBase() + "/Patient/$everything?identifier=" + identifier, hospital11, 1);
        long t1 = System.nanoTime();
        get(home.fhirBase() + "/Patient/$ihe-pix?sourceIdentifier=" + identifier, peer21, 0);
        get(home.fhirBase() + "/Patient/" + ids21.get(who) + "/$everything?_count=500", peer21, results + 1);
        long t2 = System.nanoTime();
        JsonNode answer = get(here.fhirBase() + "/Patient/$everything?identifier=" + identifier + "&_federated=true",
            hospital11, 1 + results + 1 + 1);
        long t3 = System.nanoTime();
        for (JsonNode entry : answer.path("entry")) {
          if (entry.path("resource").path("resourceType").asText().equals("OperationOutcome")) {
            throw new IllegalStateException("a peer was missing: " + entry.path("resource"));
          }
        }
        if (measured) {
          local[i] = t1 - t0;
          peer[i] = t2 - t1;
          federated[i] = t3 - t2;
        }
      }
    }
    System.out.printf("record at 11 alone ($everything?identifier=), 1 client: %s%n", Stats.percentiles(local));
    System.out.printf("21 answering a peer (PIXm + $everything of %d resources): %s%n", results + 1, Stats.percentiles(peer));
    System.out.printf("federated read at 11 (&_federated=true): %s%n", Stats.percentiles(federated));
    long[] excess = new long[reads];
    for (int i = 0; i < reads; i++) {
      excess[i] = federated[i] - Math.max(local[i], peer[i]);
    }
    double p50 = Stats.ms(sorted(federated), 0.5) - Math.max(Stats.ms(sorted(local), 0.5), Stats.ms(sorted(peer), 0.5));
    System.out.printf("federated minus the slower of its parts, per read: %s; at p50: %.1f ms (target <= 50 ms over the"
        + " slowest peer)%n", Stats.percentiles(excess), p50);
  }

  /** A valid 18-character identity number (GB 11643 check character), distinct per i. */
  private static String card(LocalDate birth, int i) {
    String first17 = "210102" + birth.toString().replace("-", "") + String.format("%03d", i % 1000);
    int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int k = 0; k < 17; k++) {
      sum += (first17.charAt(k) - '0') * weights[k];
    }
    return first17 + "10X98765432".charAt(sum % 11);
  }

  private String post(String url, String token, String body) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() >= 300) {
      throw new IllegalStateException("POST " + url + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return answer.body();
  }

  private JsonNode get(String url, String token, int atLeast) throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " answered " + answer.statusCode() + ": " + answer.body());
    }
    JsonNode body = JSON.readTree(answer.body());
    if (body.path("entry").size() < atLeast) {
      throw new IllegalStateException("GET " + url + " answered " + body.path("entry").size() + " entries, expected "
          + atLeast + " or more");
    }
    return body;
  }

  private static long[] sorted(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }
}
