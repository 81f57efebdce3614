package cn.healthcard.hub.bench;

import cn.healthcard.hub.federation.index.ElasticsearchPersonIndex;
import cn.healthcard.hub.federation.index.PersonMatching;
import cn.healthcard.hub.federation.match.Match;
import cn.healthcard.hub.federation.match.MatchGrade;
import cn.healthcard.hub.federation.match.Person;
import cn.healthcard.hub.federation.match.SyntheticPopulation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.http.HttpHost;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;

/**
 * PDQm {@code $match} over a province-sized person index (issue 17): a fresh hub from its jar and
 * the Elasticsearch node it starts; the hub's person index filled with generated residents
 * (default 1,000,000, bulk-loaded as the rebuild does: the build rate is printed), then Patients
 * written through FHIR (the hub indexes them itself, through the outbox and Artemis: the time
 * until the index holds them is printed), then {@code POST /fhir/Patient/$match} by concurrent
 * clients with queries made from those Patients with injected errors (homophones, transposed
 * dates, missing fields...): latency percentiles, how often the right Patient came first. The
 * same queries asked of the index directly (candidates and scoring in this JVM) split the cost;
 * a Patient read by id in the same run is the baseline.
 *
 * <pre>
 * bench/person-index.sh [--jar fhir-server/target/hub.jar] [--residents 1000000] [--patients 2000]
 *     [--queries 2000] [--clients 4]
 * </pre>
 */
public final class PersonIndexBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CARD = "urn:oid:2.16.156.10011.1.19";
  private static final String ID_CARD = "urn:oid:2.16.156.10011.1.3";
  private static final String DIVISION_EXTENSION = "https://hub.healthcard.cn/fhir/StructureDefinition/address-division";
  private static final String DIVISION_SYSTEM = "https://hub.healthcard.cn/fhir/CodeSystem/gbt2260";
  private static final String INDEX = "hub-persons";

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    int residents = Integer.parseInt(opts.getOrDefault("residents", "1000000"));
    int patients = Integer.parseInt(opts.getOrDefault("patients", "2000"));
    int queries = Integer.parseInt(opts.getOrDefault("queries", "2000"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "4"));
    System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    Path data = Path.of("bench/target/person-index-data");
    HubBench.deleteRecursively(data);
    try (HubProcess hub = new HubProcess(Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar")), data,
        List.of("--hub.elasticsearch.heap=1g"))) {
      long ready = hub.start(Duration.ofMinutes(3));
      System.out.printf("hub: ready in %d ms; all components UP %d ms later%n", ready, hub.awaitHealthy(Duration.ofMinutes(3)));
      BenchAuth.use(hub.rootUrl(), data);
      try (RestClient elasticsearch = RestClient.builder(new HttpHost("127.0.0.1", hub.elasticsearchPort())).build()) {
        new PersonIndexBench(hub, elasticsearch).run(residents, patients, queries, clients);
      }
    }
  }

  private final HubProcess hub;
  private final RestClient elasticsearch;
  private final HttpClient http = BenchAuth.wrap(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .version(HttpClient.Version.HTTP_1_1).build());
  private final SyntheticPopulation population = new SyntheticPopulation(20261208L);

  private PersonIndexBench(HubProcess hub, RestClient elasticsearch) {
    this.hub = hub;
    this.elasticsearch = elasticsearch;
  }

  private void run(int residents, int patients, int queries, int clients) throws Exception {
    ElasticsearchPersonIndex index = new ElasticsearchPersonIndex(elasticsearch, INDEX);
    index.create();

    // 1. residents straight into the index (what a rebuild does, without reading them from the repository)
    long t0 = System.nanoTime();
    List<Person> batch = new ArrayList<>(2_000);
    for (int i = 0; i < residents; i++) {
      batch.add(population.resident("S" + i));
      if (batch.size() == 2_000 || i == residents - 1) {
        index.put(batch, Collections.nCopies(batch.size(), 1L));
        batch.clear();
      }
      if ((i + 1) % 200_000 == 0) {
        System.out.printf("  indexed %,d residents%n", i + 1);
      }
    }
    index.refresh();
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("person index: %,d residents bulk-loaded in %.1f s = %,.0f residents/s (generation included)%n",
        residents, loadSeconds, residents / loadSeconds);

    // 2. Patients through FHIR; the hub indexes them itself
    List<Person> people = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    long t1 = System.nanoTime();
    for (int from = 0; from < patients; from += 100) {
      ObjectNode bundle = JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
      ArrayNode entries = bundle.putArray("entry");
      List<Person> sent = new ArrayList<>();
      for (int i = from; i < Math.min(patients, from + 100); i++) {
        Person p = population.resident("R" + i);
        sent.add(p);
        ObjectNode entry = entries.addObject();
        entry.set("resource", patient(p));
        entry.putObject("request").put("method", "POST").put("url", "Patient");
      }
      HttpResponse<String> answer = post("/fhir", "application/fhir+json", bundle.toString());
      if (answer.statusCode() != 200) {
        throw new IllegalStateException("transaction refused: " + answer.statusCode() + " " + answer.body());
      }
      JsonNode out = JSON.readTree(answer.body()).path("entry");
      for (int i = 0; i < sent.size(); i++) {
        String location = out.path(i).path("response").path("location").asText();
        people.add(sent.get(i));
        ids.add(location.split("/")[1]);
      }
    }
    double writeSeconds = (System.nanoTime() - t1) / 1e9;
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    long pending;
    while ((pending = admin().path("pending").asLong()) > 0) {
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(pending + " Patient writes still not indexed after 5 minutes");
      }
      Thread.sleep(100);
    }
    index.refresh();
    System.out.printf("patients: %,d written through FHIR in %.1f s; every one indexed by the hub %.1f s after the first write%n",
        ids.size(), writeSeconds, (System.nanoTime() - t1) / 1e9);
    System.out.printf("index holds %,d people%n", index.count());

    // 3. the queries: made once, asked of the hub and of the index
    List<Person> asked = new ArrayList<>(queries);
    List<String> expected = new ArrayList<>(queries);
    for (int i = 0; i < queries; i++) {
      int which = (int) ((long) i * 7919 % people.size());
      asked.add(population.query(people.get(which)));
      expected.add(ids.get(which));
    }
    measureMatch("warm-up", asked.subList(0, Math.min(300, queries)), expected, clients);
    long[] match = measureMatch("measured", asked, expected, clients);

    PersonMatching matching = new PersonMatching(index);
    long[] direct = new long[queries];
    for (int i = 0; i < queries; i++) {
      long t = System.nanoTime();
      List<Match> found = matching.match(asked.get(i), 3, false);
      direct[i] = System.nanoTime() - t;
      if (found.isEmpty() && asked.get(i) == null) {
        throw new IllegalStateException();
      }
    }
    System.out.printf("the same queries asked of the index from this JVM (candidates, name count, scoring; one at a time): %s%n",
        Stats.percentiles(direct));

    long[] pdqm = measurePdqm(people, ids, queries, clients);
    long[] reads = measureReads(ids, queries, clients);
    double ratio = Stats.ms(sorted(match), 0.95) / Stats.ms(sorted(reads), 0.95);
    System.out.printf("ratio: $match p95 / Patient read p95 = %.1f; PDQm search p95 / Patient read p95 = %.1f%n", ratio,
        Stats.ms(sorted(pdqm), 0.95) / Stats.ms(sorted(reads), 0.95));
    JsonNode store = JSON.readTree(elasticsearch.performRequest(new Request("GET", "/" + INDEX + "/_stats/store"))
        .getEntity().getContent());
    System.out.printf("index on disk %,d MiB; hub resident %d MiB%n",
        store.path("_all").path("primaries").path("store").path("size_in_bytes").asLong() >> 20, hub.residentBytes() >> 20);
  }

  private long[] measureMatch(String phase, List<Person> asked, List<String> expected, int clients) throws Exception {
    long[] latencies = new long[asked.size()];
    AtomicInteger right = new AtomicInteger();
    AtomicInteger wrong = new AtomicInteger();
    AtomicInteger none = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    double seconds = concurrently(asked.size(), clients, i -> {
      ObjectNode in = JSON.createObjectNode().put("resourceType", "Parameters");
      ArrayNode parameters = in.putArray("parameter");
      parameters.addObject().put("name", "resource").set("resource", patient(asked.get(i)));
      parameters.addObject().put("name", "count").put("valueInteger", 3);
      long t = System.nanoTime();
      HttpResponse<String> answer = post("/fhir/Patient/$match", "application/fhir+json", in.toString());
      latencies[i] = System.nanoTime() - t;
      if (answer.statusCode() == 422) {
        // a query the errors left too little in (no name, number or phone): rightly refused
        refused.incrementAndGet();
        none.incrementAndGet();
        return;
      }
      if (answer.statusCode() != 200) {
        throw new IllegalStateException("$match answered " + answer.statusCode() + ": " + answer.body());
      }
      JsonNode first = JSON.readTree(answer.body()).path("entry").path(0);
      String grade = first.path("search").path("extension").path(0).path("valueCode").asText("");
      if (first.isMissingNode() || !(grade.equals("certain") || grade.equals("probable"))) {
        none.incrementAndGet();
      } else if (first.path("resource").path("id").asText().equals(expected.get(i))) {
        right.incrementAndGet();
      } else {
        wrong.incrementAndGet();
      }
    });
    System.out.printf("$match %s: %,d queries by %d clients in %.1f s = %.0f/s; latency: %s; first entry probable or"
            + " certain: %,d the right Patient, %,d another, %,d none (%,d of them refused 422, too little left to match on)"
            + " (precision %.4f, recall %.4f)%n",
        phase, asked.size(), clients, seconds, asked.size() / seconds, Stats.percentiles(latencies), right.get(),
        wrong.get(), none.get(), refused.get(), right.get() / (double) Math.max(1, right.get() + wrong.get()),
        right.get() / (double) asked.size());
    return latencies;
  }

  /**
   * PDQm's Patient search as another province's hub asks it (a peer-hub token: answered from the
   * index): family and given name with the birth date, as written; the Patient asked for must be
   * in the answer.
   */
  private long[] measurePdqm(List<Person> people, List<String> ids, int count, int clients) throws Exception {
    String token = new cn.healthcard.hub.security.client.HubTokenClient(hub.rootUrl(),
        Path.of("bench/target/person-index-data").toAbsolutePath()).tokenFor("bench-peer-hub", Map.of("role", "peer-hub"));
    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long[] latencies = new long[count];
    AtomicInteger found = new AtomicInteger();
    double seconds = concurrently(count, clients, i -> {
      int which = (int) ((long) i * 7919 % people.size());
      Person p = people.get(which);
      String query = "family=" + java.net.URLEncoder.encode(p.family(), java.nio.charset.StandardCharsets.UTF_8)
          + "&given=" + java.net.URLEncoder.encode(p.given(), java.nio.charset.StandardCharsets.UTF_8)
          + "&birthdate=" + p.birthDate();
      long t = System.nanoTime();
      HttpResponse<String> answer = plain.send(HttpRequest.newBuilder(URI.create(hub.fhirBase() + "/Patient?" + query))
          .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      latencies[i] = System.nanoTime() - t;
      if (answer.statusCode() != 200) {
        throw new IllegalStateException("PDQm search answered " + answer.statusCode());
      }
      for (JsonNode entry : JSON.readTree(answer.body()).path("entry")) {
        if (entry.path("resource").path("id").asText().equals(ids.get(which))) {
          found.incrementAndGet();
          break;
        }
      }
    });
    System.out.printf("PDQm search (family, given, birthdate) by a peer hub: %,d searches by %d clients in %.1f s = %.0f/s;"
        + " latency: %s; the Patient asked for in the answer %,d of %,d%n", count, clients, seconds, count / seconds,
        Stats.percentiles(latencies), found.get(), count);
    return latencies;
  }

  private long[] measureReads(List<String> ids, int count, int clients) throws Exception {
    long[] latencies = new long[count];
    double seconds = concurrently(count, clients, i -> {
      long t = System.nanoTime();
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(hub.fhirBase() + "/Patient/"
          + ids.get(i % ids.size()))).header("Accept", "application/fhir+json").GET().build(),
          HttpResponse.BodyHandlers.ofString());
      latencies[i] = System.nanoTime() - t;
      if (answer.statusCode() != 200) {
        throw new IllegalStateException("read answered " + answer.statusCode());
      }
    });
    System.out.printf("baseline (same run): %,d Patient reads by id by %d clients in %.1f s = %.0f/s; latency: %s%n",
        count, clients, seconds, count / seconds, Stats.percentiles(latencies));
    return latencies;
  }

  /** One request of a run, the {@code i}-th; it records its own latency and outcome. */
  @FunctionalInterface
  private interface Call {
    void send(int i) throws Exception;
  }

  /** Sends {@code count} requests from {@code clients} threads; returns the seconds it took. */
  private static double concurrently(int count, int clients, Call call) throws Exception {
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        futures.add(pool.submit(() -> {
          int i;
          while ((i = next.getAndIncrement()) < count) {
            call.send(i);
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private JsonNode admin() throws Exception {
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(hub.rootUrl() + "/admin/federation/person-index"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    if (answer.statusCode() != 200) {
      throw new IllegalStateException("person index status answered " + answer.statusCode());
    }
    return JSON.readTree(answer.body());
  }

  private HttpResponse<String> post(String path, String type, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(hub.rootUrl() + path)).timeout(Duration.ofMinutes(2))
        .header("Content-Type", type).header("Accept", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A Patient as a HIS would send it (the query's fields only, for a query). */
  static ObjectNode patient(Person p) {
    ObjectNode patient = JSON.createObjectNode().put("resourceType", "Patient");
    ArrayNode identifiers = JSON.createArrayNode();
    if (p.cardNumber() != null) {
      identifiers.addObject().put("system", CARD).put("value", p.cardNumber());
    }
    if (p.identityNumber() != null) {
      identifiers.addObject().put("system", ID_CARD).put("value", p.identityNumber());
    }
    if (!identifiers.isEmpty()) {
      patient.set("identifier", identifiers);
    }
    if (p.family() != null || p.given() != null) {
      ObjectNode name = patient.putArray("name").addObject().put("use", "official");
      if (p.family() != null) {
        name.put("family", p.family());
      }
      if (p.given() != null) {
        name.putArray("given").add(p.given());
      }
    }
    if (p.gender() != null && !p.gender().isEmpty()) {
      patient.put("gender", p.gender());
    }
    if (p.birthDate() != null) {
      patient.put("birthDate", p.birthDate().toString());
    }
    if (p.phone() != null && !p.phone().isEmpty()) {
      patient.putArray("telecom").addObject().put("system", "phone").put("use", "mobile").put("value", p.phone());
    }
    if (p.county() != null && !p.county().isEmpty()) {
      ObjectNode address = patient.putArray("address").addObject().put("use", "home");
      address.putArray("extension").addObject().put("url", DIVISION_EXTENSION).putObject("valueCoding")
          .put("system", DIVISION_SYSTEM).put("code", p.county());
    }
    return patient;
  }

  private static long[] sorted(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }
}
