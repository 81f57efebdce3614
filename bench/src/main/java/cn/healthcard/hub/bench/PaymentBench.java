package cn.healthcard.hub.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The payment platform under load, on the sandbox: hospital apps (concurrent clients, one
 * hospital bound to its institution) create WeChat Pay orders ({@code $create-payment}: the hub
 * signs the prepay, the simulator checks and signs its answer) and the simulated payer pays each
 * ({@code POST /sandbox/...}), after which the simulator sends its signed, encrypted notification
 * and the hub verifies, decrypts and applies it. Prints the create rate and latency, the time
 * until every order is paid (end to end), and checks every order ended paid.
 *
 * <pre>
 * bench/payments.sh [--jar fhir-server/target/hub.jar | --url http://localhost:8080] [--payments 3000] [--clients 8]
 * </pre>
 */
public final class PaymentBench {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private final String root;
  private final HttpClient http = BenchAuth.wrap(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final AtomicInteger sequence = new AtomicInteger();

  PaymentBench(String root) {
    this.root = root;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    int payments = Integer.parseInt(opts.getOrDefault("payments", "3000"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "8"));
    System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (opts.containsKey("url")) {
      BenchAuth.forUrl(opts.get("url"), opts);
      new PaymentBench(opts.get("url")).run(payments, clients, null);
      return;
    }
    Path data = Path.of("bench/target/payments-data");
    HubBench.deleteRecursively(data);
    try (HubProcess hub = new HubProcess(Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar")), data, List.of())) {
      long ready = hub.start(Duration.ofMinutes(3));
      System.out.printf("hub: ready in %d ms (%s); all components UP %d ms later%n",
          ready, String.join(" ", HubProcess.DEFAULT_JAVA_OPTIONS), hub.awaitHealthy(Duration.ofMinutes(3)));
      new PaymentBench(hub.rootUrl()).run(payments, clients, hub);
    }
  }

  void run(int payments, int clients, HubProcess hub) throws Exception {
    BenchAuth.registerHospital(root, "BENCH_PAY_HOSP");
    BenchAuth.actAs("bench-pay-hospital", Map.of("role", "hospital", "institution", "BENCH_PAY_HOSP"));
    try {
      phase("warm-up", Math.min(300, payments), clients);
      List<String> paid = phase("measured", payments, clients);
      baseline(paid, Math.min(3000, Math.max(500, payments)), clients);
    } finally {
      BenchAuth.reset();
    }
    System.out.printf("hub heap used %d MiB (max %d MiB)%s%n", HisBench.metric(root, "jvm.memory.used", "area:heap") >> 20,
        HisBench.metric(root, "jvm.memory.max", "area:heap") >> 20,
        hub == null ? "" : String.format(", resident %d MiB", hub.residentBytes() >> 20));
  }

  /**
   * The same hub, the same clients, in the same run: {@code $payment-status} of paid orders (a
   * ledger read, no channel call). Its rate and latency are the platform's floor (HTTP, token,
   * authorization, audit, database) against which create's figures are read.
   */
  private void baseline(List<String> paid, int count, int clients) throws Exception {
    if (paid.isEmpty()) {
      return;
    }
    long[] latencies = new long[count];
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < count) {
          long t = System.nanoTime();
          status(paid.get(i % paid.size()));
          latencies[i] = System.nanoTime() - t;
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("baseline (same run): %d $payment-status reads of paid orders by %d clients in %.1f s = %.0f reads/s;"
        + " latency: %s%n", count, clients, seconds, count / seconds, Stats.percentiles(latencies));
    System.out.printf("ratio: $create-payment p95 / baseline p95 = %.1f; created/s / baseline reads/s = %.2f%n",
        lastCreateP95 / Stats.ms(sorted(latencies), 0.95), lastCreatedPerSecond / (count / seconds));
  }

  private double lastCreateP95;
  private double lastCreatedPerSecond;

  private static long[] sorted(long[] values) {
    long[] copy = values.clone();
    java.util.Arrays.sort(copy);
    return copy;
  }

  private List<String> phase(String name, int count, int clients) throws Exception {
    long[] createLatencies = new long[count];
    String[] ids = new String[count];
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < count) {
          String number = "B" + run + "-" + sequence.incrementAndGet();
          long t = System.nanoTime();
          HttpResponse<String> created = post("/fhir/$create-payment", order(number), "application/fhir+json");
          createLatencies[i] = System.nanoTime() - t;
          String id = created.statusCode() == 200 ? parameter(created.body(), "payment") : "";
          if (id.isEmpty()) {
            failed.incrementAndGet();
            continue;
          }
          ids[i] = id;
          if (post("/sandbox/payments/wechatpay/" + number + "/pay", "", "application/json").statusCode() != 202) {
            failed.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double createSeconds = (System.nanoTime() - start) / 1e9;
    // every order paid: the notifications applied (a status read of an order still open would ask
    // the channel and pay it that way, so only orders already seen paid count, and the clock stops
    // when the last one is)
    int paid = 0;
    Instant deadline = Instant.now().plusSeconds(120);
    List<String> waiting = new ArrayList<>();
    for (String id : ids) {
      if (id != null) {
        waiting.add(id);
      }
    }
    int index = waiting.size() - 1;
    while (index >= 0 && Instant.now().isBefore(deadline)) {
      String status = status(waiting.get(index));
      if ("paid".equals(status)) {
        paid++;
        index--;
      } else {
        Thread.sleep(20);
      }
    }
    double endToEnd = (System.nanoTime() - start) / 1e9;
    System.out.printf("%s: %d orders created by %d clients in %.1f s = %.0f created/s; all %d paid (notified) after %.1f s"
            + " = %.0f payments/s end to end; failed requests: %d%n",
        name, waiting.size(), clients, createSeconds, waiting.size() / createSeconds, paid, endToEnd,
        paid / endToEnd, failed.get());
    System.out.printf("%s: $create-payment latency: %s%n", name, Stats.percentiles(createLatencies));
    lastCreateP95 = Stats.ms(sorted(createLatencies), 0.95);
    lastCreatedPerSecond = waiting.size() / createSeconds;
    return waiting;
  }

  private String order(String number) {
    String card = HealthCards.number(LocalDate.of(1960, 1, 1).plusDays(sequence.get() % 20000), true, sequence.get() % 900);
    return "{\"resourceType\":\"Parameters\",\"parameter\":["
        + "{\"name\":\"channel\",\"valueCode\":\"wechatpay\"},"
        + "{\"name\":\"merchantOrderNo\",\"valueString\":\"" + number + "\"},"
        + "{\"name\":\"amount\",\"valueMoney\":{\"value\":36.50,\"currency\":\"CNY\"}},"
        + "{\"name\":\"patient\",\"valueIdentifier\":{\"system\":\"urn:oid:2.16.156.10011.1.19\",\"value\":\"" + card + "\"}},"
        + "{\"name\":\"description\",\"valueString\":\"门诊缴费\"}]}";
  }

  private String status(String payment) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(
            URI.create(root + "/fhir/$payment-status?payment=" + payment)).header("Accept", "application/fhir+json").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode() == 200 ? parameter(response.body(), "status") : "";
  }

  /** The primitive value of a Parameters' parameter, "" when it has none. */
  private static String parameter(String json, String name) {
    try {
      for (var p : JSON.readTree(json).path("parameter")) {
        if (name.equals(p.path("name").asText())) {
          for (var field : (Iterable<java.util.Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>>) p::fields) {
            if (field.getKey().startsWith("value")) {
              return field.getValue().asText();
            }
          }
        }
      }
    } catch (java.io.IOException e) {
      return "";
    }
    return "";
  }

  private HttpResponse<String> post(String path, String body, String type) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(root + path)).header("Content-Type", type)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
