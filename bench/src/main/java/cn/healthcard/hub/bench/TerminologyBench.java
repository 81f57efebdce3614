package cn.healthcard.hub.bench;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Terminology over HTTP: {@code CodeSystem/$lookup} of random divisions (sequential and
 * concurrent), {@code ValueSet/$expand} of all 3,351 divisions, filtered expansions, and
 * {@code ConceptMap/$translate}.
 *
 * <pre>
 * bench/terminology.sh [--jar fhir-server/target/hub.jar | --url http://localhost:8080/fhir]
 *                      [--lookups 2000] [--concurrency 4] [--expands 30]
 * </pre>
 */
public final class TerminologyBench {
  private static final String DIVISION = "https://hub.healthcard.cn/fhir/CodeSystem/gbt2260";
  private static final String DIVISION_VS = "https://hub.healthcard.cn/fhir/ValueSet/gbt2260";

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    int lookups = Integer.parseInt(opts.getOrDefault("lookups", "2000"));
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "4"));
    int expands = Integer.parseInt(opts.getOrDefault("expands", "30"));
    List<String> codes = divisionCodes();
    System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (opts.containsKey("url")) {
      BenchAuth.forUrl(opts.get("url"), opts);
      run(new HubHttp(opts.get("url")), codes, lookups, concurrency, expands);
      return;
    }
    Path data = Path.of("bench/target/terminology-data");
    HubBench.deleteRecursively(data);
    try (HubProcess process = new HubProcess(Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar")), data, List.of())) {
      long ready = process.start(Duration.ofMinutes(3));
      System.out.printf("hub: ready in %d ms on a fresh data directory (terminology loaded during startup)%n", ready);
      System.out.printf("hub: all components UP %d ms later; measuring from now%n", process.awaitHealthy(Duration.ofMinutes(3)));
      run(new HubHttp(process.fhirBase()), codes, lookups, concurrency, expands);
      System.out.printf("hub: resident %d MiB%n", process.residentBytes() >> 20);
    }
  }

  static void run(HubHttp hub, List<String> codes, int lookups, int concurrency, int expands) throws Exception {
    Random random = new Random(7);
    String lookup = "/CodeSystem/$lookup?system=" + q(DIVISION) + "&code=";
    // warm up the JIT and HAPI's caches the way a running hub would be
    for (int i = 0; i < 3000; i++) {
      check(hub.get(lookup + codes.get(random.nextInt(codes.size()))));
    }
    long[] sequential = new long[lookups];
    for (int i = 0; i < lookups; i++) {
      long t = System.nanoTime();
      check(hub.get(lookup + codes.get(random.nextInt(codes.size()))));
      sequential[i] = System.nanoTime() - t;
    }
    System.out.printf("$lookup division, 1 client:  %s%n", Stats.percentiles(sequential));

    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    long[] concurrent = new long[lookups];
    List<Future<?>> futures = new ArrayList<>();
    long wall = System.nanoTime();
    for (int c = 0; c < concurrency; c++) {
      int worker = c;
      futures.add(pool.submit(() -> {
        Random r = new Random(worker);
        for (int i = worker; i < lookups; i += concurrency) {
          long t = System.nanoTime();
          check(hub.get(lookup + codes.get(r.nextInt(codes.size()))));
          concurrent[i] = System.nanoTime() - t;
        }
        return null;
      }));
    }
    for (Future<?> f : futures) f.get();
    double seconds = (System.nanoTime() - wall) / 1e9;
    System.out.printf("$lookup division, %d clients: %s, %.0f lookups/s%n", concurrency, Stats.percentiles(concurrent), lookups / seconds);
    pool.shutdown();

    String all = "/ValueSet/$expand?url=" + q(DIVISION_VS) + "&count=5000";
    int total = 0;
    for (int i = 0; i < 3; i++) {
      total = check(hub.get(all)).body().split("\"code\"", -1).length - 1;
    }
    long[] expandAll = new long[expands];
    for (int i = 0; i < expands; i++) {
      long t = System.nanoTime();
      check(hub.get(all));
      expandAll[i] = System.nanoTime() - t;
    }
    System.out.printf("$expand all divisions (%d codes): %s%n", total, Stats.percentiles(expandAll));

    String[] filters = {"沈阳", "和平", "朝阳", "市", "自治"};
    long[] filtered = new long[expands];
    for (int i = 0; i < expands; i++) {
      long t = System.nanoTime();
      check(hub.get("/ValueSet/$expand?url=" + q(DIVISION_VS) + "&filter=" + q(filters[i % filters.length]) + "&count=50"));
      filtered[i] = System.nanoTime() - t;
    }
    System.out.printf("$expand with a Chinese filter, first 50: %s%n", Stats.percentiles(filtered));

    String translate = "/ConceptMap/$translate?system=" + q("http://terminology.hl7.org/CodeSystem/v2-0001")
        + "&targetsystem=" + q("https://hub.healthcard.cn/fhir/CodeSystem/gbt2261-1") + "&code=";
    String[] sexes = {"M", "F", "U", "O"};
    long[] translations = new long[lookups / 2];
    for (int i = 0; i < translations.length; i++) {
      long t = System.nanoTime();
      check(hub.get(translate + sexes[i % sexes.length]));
      translations[i] = System.nanoTime() - t;
    }
    System.out.printf("$translate v2-0001 -> GB/T 2261.1, 1 client: %s%n", Stats.percentiles(translations));
  }

  private static HttpResponse<String> check(HttpResponse<String> response) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("HTTP " + response.statusCode() + ": " + response.body());
    }
    return response;
  }

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** Province, city and county codes from the data the terminology module ships. */
  static List<String> divisionCodes() throws Exception {
    List<String> codes = new ArrayList<>();
    Path dir = Path.of("terminology/src/main/resources/cn/healthcard/hub/terminology/division");
    for (String file : List.of("provinces.csv", "cities.csv", "areas.csv")) {
      List<String> lines = Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8);
      for (String line : lines.subList(1, lines.size())) {
        codes.add(line.substring(0, line.indexOf(',')));
      }
    }
    return codes;
  }
}
