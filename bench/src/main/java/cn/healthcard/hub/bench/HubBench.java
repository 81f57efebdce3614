package cn.healthcard.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The foundation benchmark: loads Synthea patients (each given a health-card number) into a hub
 * with C concurrent clients and prints resources/s; then card-number searches and {@code
 * $everything} by card number at concurrency 8, with p50/p95/p99.
 *
 * <pre>
 * bench/run.sh [--jar fhir-server/target/hub.jar | --url http://localhost:8080/fhir]
 *              [--patients 50] [--clients 1,4] [--years 0] [--seed 42]
 *              [--lookups 2000] [--concurrency 8] [--lookups-only true]
 *              [--hub-java-opts "-Xmx1g ..."]
 * </pre>
 *
 * With {@code --jar} each client count gets a fresh hub (started from the jar with -Xmx1g, its
 * readiness time and resident memory reported); with {@code --url} the data goes into that hub.
 */
public final class HubBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = parse(args);
    int patients = Integer.parseInt(opts.getOrDefault("patients", "50"));
    int[] clients = Arrays.stream(opts.getOrDefault("clients", "1,4").split(",")).mapToInt(Integer::parseInt).toArray();
    int years = Integer.parseInt(opts.getOrDefault("years", "0"));
    long seed = Long.parseLong(opts.getOrDefault("seed", "42"));
    int lookups = Integer.parseInt(opts.getOrDefault("lookups", "2000"));
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "8"));
    Path work = Path.of(opts.getOrDefault("work", "bench/target"));

    System.out.printf("machine: %d cores, %d MiB max heap for the bench JVM, java %s%n",
        Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"));
    Workload workload = Workload.prepare(patients, seed, years, work);
    List<String> shared = workload.shared();
    List<String> patientBundles = workload.patients();
    List<String> cards = workload.cards();
    long resources = workload.resources();

    if (opts.containsKey("url")) {
      BenchAuth.forUrl(opts.get("url"), opts);
      HubHttp hub = new HubHttp(opts.get("url"));
      if (!Boolean.parseBoolean(opts.getOrDefault("lookups-only", "false"))) {
        load(hub, shared, patientBundles, clients[0], resources);
      }
      lookups(hub, cards, lookups, concurrency);
      return;
    }
    Path jar = Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar"));
    List<String> javaOptions = javaOptions(opts);
    Path lastData = null;
    for (int i = 0; i < clients.length; i++) {
      Path data = work.resolve("bench-data-" + clients[i]);
      lastData = data;
      deleteRecursively(data);
      try (HubProcess process = new HubProcess(jar, data, List.of()).javaOptions(javaOptions)) {
        long ready = process.start(Duration.ofMinutes(3));
        System.out.printf("hub: ready in %d ms (fresh data directory, %s), resident %d MiB%n",
            ready, String.join(" ", javaOptions), process.residentBytes() >> 20);
        System.out.printf("hub: all components UP %d ms later (Elasticsearch boots after the FHIR endpoint)%n",
            process.awaitHealthy(Duration.ofMinutes(3)));
        HubHttp hub = new HubHttp(process.fhirBase());
        load(hub, shared, patientBundles, clients[i], resources);
        if (i == clients.length - 1) {
          lookups(hub, cards, lookups, concurrency);
        }
        System.out.printf("hub: resident %d MiB right after the run%n", process.residentBytes() >> 20);
        Thread.sleep(25_000);
        System.out.printf("hub: resident %d MiB after 25 s idle%n", process.residentBytes() >> 20);
      }
    }
    try (HubProcess again = new HubProcess(jar, lastData, List.of()).javaOptions(javaOptions)) {
      long ready = again.start(Duration.ofMinutes(3));
      System.out.printf("hub: ready in %d ms on restart over the loaded data%n", ready);
    }
  }

  private static List<String> javaOptions(Map<String, String> opts) {
    String given = opts.get("hub-java-opts");
    return given == null ? HubProcess.DEFAULT_JAVA_OPTIONS : List.of(given.trim().split("\\s+"));
  }

  /** Synthea patients as transaction bundles, each with a health-card number. */
  record Workload(List<String> shared, List<String> patients, List<String> cards, long resources) {
    static Workload prepare(int patients, long seed, int years, Path work) throws Exception {
      long genStart = System.nanoTime();
      SyntheaPopulation.Bundles bundles =
          SyntheaPopulation.generate(patients, seed, years, work.resolve("synthea-" + seed + "-" + years + "-" + patients));
      System.out.printf("synthea: %d patients ready in %.1f s%n", bundles.patients().size(), (System.nanoTime() - genStart) / 1e9);
      List<String> shared = new ArrayList<>();
      for (Path p : bundles.shared()) shared.add(Files.readString(p));
      List<String> patientBundles = new ArrayList<>();
      List<String> cards = new ArrayList<>();
      long sharedResources = 0;
      for (String s : shared) sharedResources += JSON.readTree(s).path("entry").size();
      long resources = sharedResources;
      int sequence = 0;
      for (Path p : bundles.patients()) {
        JsonNode bundle = JSON.readTree(Files.readString(p));
        cards.add(HealthCards.assign(bundle, sequence++));
        resources += bundle.path("entry").size();
        patientBundles.add(JSON.writeValueAsString(bundle));
      }
      System.out.printf("workload: %d patients, %d resources (%d in shared organisation/practitioner bundles)%n",
          patientBundles.size(), resources, sharedResources);
      return new Workload(shared, patientBundles, cards, resources);
    }
  }

  /** Loads the bundles with that many concurrent clients; prints and returns resources/s. */
  static double load(HubHttp hub, List<String> shared, List<String> patients, int clients, long resources) throws Exception {
    long start = System.nanoTime();
    AtomicInteger failures = new AtomicInteger();
    for (String bundle : shared) {
      check(hub.postBundle(bundle), failures);
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < patients.size()) {
          check(hub.postBundle(patients.get(i)), failures);
        }
        return null;
      }));
    }
    for (Future<?> f : futures) f.get();
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("ingest: %d clients, %d resources in %.1f s = %.0f resources/s, %d failed bundles%n",
        clients, resources, seconds, resources / seconds, failures.get());
    return resources / seconds;
  }

  private static void check(HttpResponse<String> response, AtomicInteger failures) {
    if (response.statusCode() != 200) {
      failures.incrementAndGet();
      System.out.println("  bundle failed: HTTP " + response.statusCode() + " " + response.body().substring(0, Math.min(300, response.body().length())));
    }
  }

  static void lookups(HubHttp hub, List<String> cards, int count, int concurrency) throws Exception {
    String cardSearch = "/Patient?identifier=" + URLEncoder.encode(HealthCards.SYSTEM + "|", StandardCharsets.UTF_8);
    String everything = "/Patient/$everything?identifier=" + URLEncoder.encode(HealthCards.SYSTEM + "|", StandardCharsets.UTF_8);
    // warm-up: the JIT compiles the hot paths first (reported figures are steady state)
    run(hub, cards, Math.min(1000, count), concurrency, cardSearch, false);
    System.out.println("card-number search: " + Stats.percentiles(run(hub, cards, count, concurrency, cardSearch, true)));
    run(hub, cards, Math.min(300, count), concurrency, everything, false);
    System.out.println("$everything by card (first page): " + Stats.percentiles(run(hub, cards, count, concurrency, everything, true)));
  }

  static long[] run(HubHttp hub, List<String> cards, int count, int concurrency, String prefix, boolean strict) throws Exception {
    long[] samples = new long[count];
    AtomicInteger next = new AtomicInteger();
    AtomicLong errors = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < concurrency; c++) {
      long seed = c;
      futures.add(pool.submit(() -> {
        Random random = new Random(seed);
        int i;
        while ((i = next.getAndIncrement()) < count) {
          String card = cards.get(random.nextInt(cards.size()));
          long t = System.nanoTime();
          HttpResponse<String> r = hub.get(prefix + card);
          samples[i] = System.nanoTime() - t;
          if (r.statusCode() != 200 || !r.body().contains("\"Patient\"")) {
            if (errors.incrementAndGet() == 1 && strict) {
              // what went wrong, without the body's content (it may hold a patient's data)
              System.out.println("  first failed lookup: HTTP " + r.statusCode() + ", "
                  + (r.body().contains("\"OperationOutcome\"") ? "an OperationOutcome"
                      : r.body().contains("\"Bundle\"") ? "a Bundle without a Patient" : "another body"));
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) f.get();
    pool.shutdown();
    if (strict && errors.get() > 0) {
      System.out.println("  " + errors.get() + " lookups did not find their patient");
    }
    return samples;
  }

  /** {@code --name value} pairs, as every bench main takes them. */
  static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("usage: --name value ...; got " + args[i]);
      }
      opts.put(args[i].substring(2), args[++i]);
    }
    return opts;
  }

  static void deleteRecursively(Path path) throws java.io.IOException {
    if (!Files.exists(path)) return;
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
    }
  }
}
