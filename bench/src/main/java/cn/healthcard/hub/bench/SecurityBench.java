package cn.healthcard.hub.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What security costs: the same workload against a hub with {@code hub.security.enabled=false}
 * and against one with security on, one after the other in one run, on fresh data directories.
 * With security on, the client is a hospital system bound to its institution: every request
 * carries a token, passes the authorization rules, the consent check of each resource returned
 * (the institution treats the patients it loaded) and is audited (one outbox insert before the
 * answer, one AuditEvent written in the background). Prints each figure for both and the ratio.
 *
 * <pre>
 * bench/security.sh [--patients 40] [--clients 4] [--lookups 2000] [--concurrency 8] [--order off,on]
 * </pre>
 *
 * {@code --order on,off} runs the secured hub first: the first hub of a run pays the cold machine
 * (page cache, a class-data archive just written), so comparing both orders separates that from
 * what security costs.
 */
public final class SecurityBench {

  record Figures(long readyMs, double ingest, double searchP50, double searchP95) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    int patients = Integer.parseInt(opts.getOrDefault("patients", "40"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "4"));
    int lookups = Integer.parseInt(opts.getOrDefault("lookups", "2000"));
    int concurrency = Integer.parseInt(opts.getOrDefault("concurrency", "8"));
    Path work = Path.of(opts.getOrDefault("work", "bench/target"));
    Path jar = Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar"));
    System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    HubBench.Workload workload = HubBench.Workload.prepare(patients, 42, 0, work);

    boolean securedFirst = opts.getOrDefault("order", "off,on").startsWith("on");
    Figures off = null;
    Figures on = null;
    for (boolean secured : securedFirst ? new boolean[] {true, false} : new boolean[] {false, true}) {
      Figures figures = run(jar, work.resolve(secured ? "bench-security-on" : "bench-security-off"),
          secured ? List.of() : List.of("--hub.security.enabled=false"), workload, clients, lookups, concurrency, secured);
      if (secured) {
        on = figures;
      } else {
        off = figures;
      }
    }
    System.out.printf("%norder: security %s first%n", securedFirst ? "on" : "off");

    System.out.println();
    System.out.printf("%-34s %12s %12s %8s%n", "figure", "security off", "security on", "on/off");
    System.out.printf("%-34s %12.0f %12.0f %8.2f%n", "ingest (resources/s, " + clients + " clients)", off.ingest(), on.ingest(), on.ingest() / off.ingest());
    System.out.printf("%-34s %12.1f %12.1f %8.2f%n", "card-number search p50 (ms)", off.searchP50(), on.searchP50(), on.searchP50() / off.searchP50());
    System.out.printf("%-34s %12.1f %12.1f %8.2f%n", "card-number search p95 (ms)", off.searchP95(), on.searchP95(), on.searchP95() / off.searchP95());
    System.out.printf("%-34s %12d %12d %8.2f%n", "ready (ms, fresh data directory)", off.readyMs(), on.readyMs(), (double) on.readyMs() / off.readyMs());
  }

  static Figures run(Path jar, Path data, List<String> args, HubBench.Workload workload, int clients, int lookups,
      int concurrency, boolean secured) throws Exception {
    HubBench.deleteRecursively(data);
    try (HubProcess hub = new HubProcess(jar, data, args)) {
      long ready = hub.start(Duration.ofMinutes(3));
      hub.awaitHealthy(Duration.ofMinutes(3));
      System.out.printf("%nsecurity %s: ready in %d ms%n", secured ? "on" : "off", ready);
      if (secured) {
        BenchAuth.actAs("bench-hospital", Map.of("role", "hospital", "institution", "BENCH_HOSP"));
      }
      try {
        HubHttp http = new HubHttp(hub.fhirBase());
        double ingest = HubBench.load(http, workload.shared(), workload.patients(), clients, workload.resources());
        String cardSearch = "/Patient?identifier=" + java.net.URLEncoder.encode(
            HealthCards.SYSTEM + "|", java.nio.charset.StandardCharsets.UTF_8);
        HubBench.run(http, workload.cards(), Math.min(1000, lookups), concurrency, cardSearch, false);
        long[] samples = HubBench.run(http, workload.cards(), lookups, concurrency, cardSearch, true);
        System.out.println("card-number search: " + Stats.percentiles(samples));
        long[] sorted = samples.clone();
        Arrays.sort(sorted);
        return new Figures(ready, ingest, Stats.ms(sorted, 0.50), Stats.ms(sorted, 0.95));
      } finally {
        BenchAuth.reset();
      }
    }
  }
}
