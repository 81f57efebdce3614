package cn.healthcard.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Public-health load: children living in the counties of two cities, each with the first doses of
 * the national programme, loaded as transaction bundles; then what agencies ask: immunizations by
 * residence division (county, city, province; first page), coverage of a birth cohort in a county,
 * a city and the province, and a bulk {@code $export} of all immunizations.
 *
 * <pre>
 * bench/immunization.sh [--jar fhir-server/target/hub.jar | --url http://localhost:8080]
 *                       [--children 20000] [--doses 5] [--clients 4] [--queries 200] [--seed 7]
 * </pre>
 */
public final class ImmunizationBench {
  static final String DIVISION_EXT = "https://hub.healthcard.cn/fhir/StructureDefinition/address-division";
  static final String NIP = "https://hub.healthcard.cn/fhir/CodeSystem/nip-vaccine";
  /** Counties of Shenyang (2101) and Dalian (2102). */
  static final List<String> COUNTIES =
      List.of("210102", "210103", "210104", "210105", "210106", "210111", "210112", "210113", "210114",
          "210115", "210181", "210202", "210203", "210204", "210211", "210212", "210213", "210214",
          "210281", "210283");
  /** The first doses of the programme: vaccine and age in days. */
  static final List<Map.Entry<String, Integer>> SCHEDULE =
      List.of(Map.entry("HEPB", 0), Map.entry("BCG", 0), Map.entry("HEPB", 31), Map.entry("IPV", 61),
          Map.entry("IPV", 92), Map.entry("BOPV", 122), Map.entry("DTAP", 61), Map.entry("HEPB", 183));

  private final String root;
  private final HubHttp fhir;
  private final HttpClient http = BenchAuth.wrap(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build());
  private final ObjectMapper json = new ObjectMapper();

  ImmunizationBench(String root) {
    this.root = root;
    this.fhir = new HubHttp(root + "/fhir");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    int children = Integer.parseInt(opts.getOrDefault("children", "20000"));
    int doses = Integer.parseInt(opts.getOrDefault("doses", "5"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "4"));
    int queries = Integer.parseInt(opts.getOrDefault("queries", "200"));
    long seed = Long.parseLong(opts.getOrDefault("seed", "7"));
    System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (opts.containsKey("url")) {
      BenchAuth.forUrl(opts.get("url"), opts);
      new ImmunizationBench(opts.get("url")).run(children, doses, clients, queries, seed, null);
      return;
    }
    Path data = Path.of("bench/target/immunization-data");
    HubBench.deleteRecursively(data);
    try (HubProcess hub = new HubProcess(Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar")), data, List.of())) {
      long ready = hub.start(Duration.ofMinutes(3));
      System.out.printf("hub: ready in %d ms; all components UP %d ms later%n", ready, hub.awaitHealthy(Duration.ofMinutes(3)));
      new ImmunizationBench(hub.rootUrl()).run(children, doses, clients, queries, seed, hub);
    }
  }

  void run(int children, int doses, int clients, int queries, long seed, HubProcess hub) throws Exception {
    long start = System.nanoTime();
    long[] loaded = load(children, doses, clients, seed);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("loaded %d children and %d immunizations (%d resources) with %d clients in %.0f s = %.0f resources/s%n",
        loaded[0], loaded[1], loaded[0] + loaded[1], clients, seconds, (loaded[0] + loaded[1]) / seconds);

    for (String division : List.of("210102", "2101", "21")) {
      measure("Immunization?patient.division=" + division + " first page (_count=50)",
          "/Immunization?patient.division=" + division + "&_count=50", queries, clients);
    }
    measure("Patient?division=210102 first page (_count=50)", "/Patient?division=210102&_count=50", queries, clients);
    measure("Immunization?patient.division=2101&vaccine-code=HEPB&date=ge2024-01-01 first page",
        "/Immunization?patient.division=2101&vaccine-code=" + NIP + "%7CHEPB&date=ge2024-01-01&_count=50", queries, clients);

    for (String division : List.of("210102", "2101", "21")) {
      long[] times = new long[10];
      String body = null;
      for (int i = 0; i < times.length; i++) {
        long t = System.nanoTime();
        HttpResponse<String> response = fhir.get("/Immunization/$coverage?division=" + division + "&birthYear=2024&asOf=2026-11-26");
        times[i] = System.nanoTime() - t;
        body = response.body();
        if (response.statusCode() != 200) {
          throw new IllegalStateException("coverage: " + response.statusCode() + " " + body);
        }
      }
      JsonNode parameters = json.readTree(body);
      long cohort = 0;
      for (JsonNode p : parameters.get("parameter")) {
        if (p.get("name").asText().equals("children")) {
          cohort = p.get("valueUnsignedInt").asLong();
        }
      }
      System.out.printf("coverage %s, birth cohort 2024 (%d children): %s%n", division, cohort, Stats.percentiles(times));
    }
    export();
    System.out.printf("hub heap used %d MiB (max %d MiB)%s%n", HisBench.metric(root, "jvm.memory.used", "area:heap") >> 20,
        HisBench.metric(root, "jvm.memory.max", "area:heap") >> 20,
        hub == null ? "" : String.format(", resident %d MiB", hub.residentBytes() >> 20));
  }

  /** Transactions of 10 children with their doses; returns {children, immunizations}. */
  long[] load(int children, int doses, int clients, long seed) throws Exception {
    AtomicInteger next = new AtomicInteger();
    AtomicLong patients = new AtomicLong();
    AtomicLong immunizations = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> futures = new ArrayList<>();
    int perBundle = 10;
    int base = (int) (seed * 100_000 % 400_000);
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        int batch;
        while ((batch = next.getAndAdd(perBundle)) < children) {
          Random random = new Random(seed * 1_000_003 + batch);
          StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
          int made = 0;
          for (int i = batch; i < Math.min(children, batch + perBundle); i++) {
            LocalDate born = LocalDate.of(2019, 1, 1).plusDays(random.nextInt(6 * 365));
            boolean male = random.nextBoolean();
            String number = HealthCards.number(born, male, base + i);
            String county = COUNTIES.get(random.nextInt(COUNTIES.size()));
            String uuid = "urn:uuid:" + UUID.randomUUID();
            if (made++ > 0) {
              bundle.append(',');
            }
            bundle.append("{\"fullUrl\":\"").append(uuid).append("\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"")
                .append(HealthCards.SYSTEM).append("\",\"value\":\"").append(number).append("\"}],\"gender\":\"")
                .append(male ? "male" : "female").append("\",\"birthDate\":\"").append(born)
                .append("\",\"address\":[{\"use\":\"home\",\"extension\":[{\"url\":\"").append(DIVISION_EXT)
                .append("\",\"valueCoding\":{\"system\":\"https://hub.healthcard.cn/fhir/CodeSystem/gbt2260\",\"code\":\"")
                .append(county).append("\"}}]}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=")
                .append(HealthCards.SYSTEM).append("|").append(number).append("\"}}");
            for (int d = 0; d < doses; d++) {
              Map.Entry<String, Integer> dose = SCHEDULE.get(d % SCHEDULE.size());
              bundle.append(",{\"resource\":{\"resourceType\":\"Immunization\",\"status\":\"completed\",\"vaccineCode\":{\"coding\":[{\"system\":\"")
                  .append(NIP).append("\",\"code\":\"").append(dose.getKey()).append("\"}]},\"patient\":{\"reference\":\"")
                  .append(uuid).append("\"},\"occurrenceDateTime\":\"").append(born.plusDays(dose.getValue() + random.nextInt(5)))
                  .append("\",\"primarySource\":true,\"lotNumber\":\"L").append(2024000 + random.nextInt(500))
                  .append("\"},\"request\":{\"method\":\"POST\",\"url\":\"Immunization\"}}");
            }
          }
          bundle.append("]}");
          HttpResponse<String> response = fhir.postBundle(bundle.toString());
          if (response.statusCode() != 200) {
            throw new IllegalStateException("transaction: " + response.statusCode() + " " + response.body());
          }
          patients.addAndGet(made);
          immunizations.addAndGet((long) made * doses);
          if ((batch / perBundle) % 200 == 0) {
            System.out.printf("  loading: %d children%n", batch + made);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return new long[] {patients.get(), immunizations.get()};
  }

  void measure(String label, String query, int count, int clients) throws Exception {
    for (int i = 0; i < 10; i++) {
      fhir.get(query);
    }
    long[] times = new long[count];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> futures = new ArrayList<>();
    int[] entries = {0};
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < count) {
          long t = System.nanoTime();
          HttpResponse<String> response = fhir.get(query);
          times[i] = System.nanoTime() - t;
          if (response.statusCode() != 200) {
            throw new IllegalStateException(query + ": " + response.statusCode() + " " + response.body());
          }
          if (i == 0) {
            entries[0] = json.readTree(response.body()).path("entry").size();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    System.out.printf("%s, %d clients: %d entries; %s%n", label, clients, entries[0], Stats.percentiles(times));
  }

  void export() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> kickoff = http.send(HttpRequest.newBuilder(URI.create(root + "/fhir/$export?_type=Immunization"))
        .header("Prefer", "respond-async").header("Accept", "application/fhir+json").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (kickoff.statusCode() != 202) {
      throw new IllegalStateException("$export: " + kickoff.statusCode() + " " + kickoff.body());
    }
    String status = kickoff.headers().firstValue("Content-Location").orElseThrow();
    HttpResponse<String> poll;
    String lastProgress = "";
    do {
      Thread.sleep(1000);
      poll = http.send(HttpRequest.newBuilder(URI.create(status)).GET().build(), HttpResponse.BodyHandlers.ofString());
      String progress = poll.headers().firstValue("X-Progress").orElse("");
      if (!progress.equals(lastProgress)) {
        System.out.printf("  $export: %s%n", progress);
        lastProgress = progress;
      }
    } while (poll.statusCode() == 202);
    double ready = (System.nanoTime() - start) / 1e9;
    if (poll.statusCode() != 200) {
      throw new IllegalStateException("$export status: " + poll.statusCode() + " " + poll.body());
    }
    long lines = 0;
    long bytes = 0;
    for (JsonNode file : json.readTree(poll.body()).get("output")) {
      HttpResponse<String> ndjson = http.send(HttpRequest.newBuilder(URI.create(file.get("url").asText()))
          .header("Accept", "application/fhir+ndjson").GET().build(), HttpResponse.BodyHandlers.ofString());
      bytes += ndjson.body().length();
      lines += ndjson.body().lines().filter(l -> !l.isBlank()).count();
    }
    double total = (System.nanoTime() - start) / 1e9;
    System.out.printf("$export of all immunizations: %d resources (%d MB NDJSON) ready in %.1f s, downloaded in %.1f s = %.0f resources/s%n",
        lines, bytes >> 20, ready, total, lines / total);
  }
}
