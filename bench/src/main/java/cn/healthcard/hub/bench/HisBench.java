package cn.healthcard.hub.bench;

import cn.healthcard.hub.routes.mllp.MllpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HIS traffic over MLLP: mixed ADT, ORU, RDE and DFT messages over several connections; prints the ACK rate,
 * ACK latency percentiles, the rate at which messages are fully stored in the FHIR repository
 * (inbox rows STORED), the hub's heap and resident memory.
 *
 * <pre>
 * bench/his.sh [--jar fhir-server/target/hub.jar | --url http://localhost:8080 --mllp-port 2575]
 *              [--messages 10000] [--connections 8] [--seed 1] [--hub-args "--hub.hl7v2.workers=2"]
 * </pre>
 */
public final class HisBench {
  private static final Pattern COUNT = Pattern.compile("\"(RECEIVED|STORED|FAILED)\":(\\d+)");

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    int messages = Integer.parseInt(opts.getOrDefault("messages", "10000"));
    int connections = Integer.parseInt(opts.getOrDefault("connections", "8"));
    int seed = Integer.parseInt(opts.getOrDefault("seed", String.valueOf((int) (System.currentTimeMillis() / 1000 % 1000))));
    System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (opts.containsKey("url")) {
      BenchAuth.forUrl(opts.get("url"), opts);
      run(opts.get("url"), Integer.parseInt(opts.getOrDefault("mllp-port", "2575")), messages, connections, seed, null);
      return;
    }
    Path data = Path.of("bench/target/his-data");
    HubBench.deleteRecursively(data);
    List<String> hubArgs = opts.containsKey("hub-args") ? List.of(opts.get("hub-args").trim().split("\\s+")) : List.of();
    try (HubProcess hub = new HubProcess(Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar")), data, hubArgs)) {
      long ready = hub.start(Duration.ofMinutes(3));
      System.out.printf("hub: ready in %d ms (%s); all components UP %d ms later%n",
          ready, String.join(" ", HubProcess.DEFAULT_JAVA_OPTIONS), hub.awaitHealthy(Duration.ofMinutes(3)));
      run(hub.rootUrl(), hub.mllpPort(), messages, connections, seed, hub);
    }
  }

  static void run(String root, int mllpPort, int count, int connections, int seed, HubProcess hub) throws Exception {
    BenchAuth.registerHospital(root, "BENCH_HOSP");
    BenchAuth.registerHospital(root, "WARMUP_HOSP");
    List<HisMessages.Message> all = HisMessages.mixed("BENCH_HOSP", count, seed);
    // warm-up on another facility so the measured run starts with a JIT-compiled hub
    send(HisMessages.mixed("WARMUP_HOSP", 500, seed), mllpPort, connections, new long[500]);
    awaitStored(root, 500, Duration.ofMinutes(5));
    Map<String, Long> before = counts(root);

    long[] latencies = new long[all.size()];
    long start = System.nanoTime();
    int accepted = send(all, mllpPort, connections, latencies);
    double ackSeconds = (System.nanoTime() - start) / 1e9;
    Map<String, Long> mix = new java.util.TreeMap<>();
    all.forEach(m -> mix.merge(m.type(), 1L, Long::sum));
    System.out.printf("message mix: %s%n", mix);
    System.out.printf("sent %d messages over %d MLLP connections: %d AA in %.1f s = %.0f ACKs/s%n",
        all.size(), connections, accepted, ackSeconds, accepted / ackSeconds);
    System.out.printf("ACK latency: %s%n", Stats.percentiles(latencies));
    long target = before.getOrDefault("STORED", 0L) + accepted;
    long storedAt = awaitStored(root, target, Duration.ofMinutes(30));
    double storedSeconds = (storedAt - start) / 1e9;
    Map<String, Long> after = counts(root);
    System.out.printf("fully stored: %d messages in %.1f s after the first was sent = %.0f messages/s (failed: %d)%n",
        after.get("STORED") - before.getOrDefault("STORED", 0L), storedSeconds,
        (after.get("STORED") - before.getOrDefault("STORED", 0L)) / storedSeconds, after.getOrDefault("FAILED", 0L));
    System.out.printf("hub heap used %d MiB (max %d MiB)%s%n", metric(root, "jvm.memory.used", "area:heap") >> 20,
        metric(root, "jvm.memory.max", "area:heap") >> 20,
        hub == null ? "" : String.format(", resident %d MiB", hub.residentBytes() >> 20));
  }

  static int send(List<HisMessages.Message> messages, int port, int connections, long[] latencies) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger accepted = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      futures.add(pool.submit(() -> {
        try (MllpClient client = new MllpClient("localhost", port, Duration.ofSeconds(60))) {
          int i;
          while ((i = next.getAndIncrement()) < messages.size()) {
            long t = System.nanoTime();
            String ack = new String(client.send(messages.get(i).text().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            latencies[i] = System.nanoTime() - t;
            if (ack.contains("MSA|AA|")) {
              accepted.incrementAndGet();
            } else {
              System.out.println("not AA: " + ack.replace('\r', '\n'));
            }
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return accepted.get();
  }

  /** Waits until the inbox holds {@code stored} STORED rows and nothing RECEIVED; returns the nanoTime. */
  static long awaitStored(String root, long stored, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      Map<String, Long> c = counts(root);
      if (c.getOrDefault("STORED", 0L) + c.getOrDefault("FAILED", 0L) >= stored && c.getOrDefault("RECEIVED", 0L) == 0) {
        return System.nanoTime();
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("not stored within " + timeout + ": " + counts(root));
  }

  static Map<String, Long> counts(String root) throws Exception {
    String body = BenchAuth.wrap(HttpClient.newHttpClient()).send(
        HttpRequest.newBuilder(URI.create(root + "/admin/hl7v2/inbox")).build(), HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Long> out = new HashMap<>();
    Matcher m = COUNT.matcher(body);
    while (m.find()) {
      out.put(m.group(1), Long.parseLong(m.group(2)));
    }
    return out;
  }

  static long metric(String root, String name, String tag) throws Exception {
    String body = BenchAuth.wrap(HttpClient.newHttpClient()).send(
        HttpRequest.newBuilder(URI.create(root + "/actuator/metrics/" + name + "?tag=" + tag)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("\"value\":([0-9.E+]+)").matcher(body);
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }
}
