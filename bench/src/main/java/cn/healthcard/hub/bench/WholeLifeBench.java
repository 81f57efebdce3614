package cn.healthcard.hub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * A person's whole-life record: a population whose every person has ten years of records (a few
 * hundred resources each, see {@link WholeLifeRecords}: children from their birth report on,
 * adults in the hypertension / diabetes programmes) is loaded as FHIR transactions by parallel
 * loaders; then {@code GET /fhir/Patient/$everything?identifier=<card system>|<card>&_count=N}
 * for random persons (the whole record in one page when N allows), after a warm-up, from
 * concurrent clients, and the same by Patient id ({@code /Patient/{id}/$everything}) for
 * comparison. Prints load throughput, resources returned per call, latency percentiles,
 * throughput, the hub's heap and resident memory, and the target (p95 &lt;= 300 ms) as PASS/FAIL.
 *
 * <pre>
 * bench/wholelife.sh [--jar fhir-server/target/hub.jar | --url http://localhost:8080]
 *                    [--persons 200] [--children 0.25] [--per-bundle 4] [--loaders 3]
 *                    [--requests 1000] [--clients 4] [--warmup 300] [--count 500] [--seed 11]
 *                    [--jfr bench/target/wholelife.jfr] [--load true] [--no-store false]
 * </pre>
 *
 * <ul>
 *   <li>{@code --jar}: start a fresh hub from this jar (data in bench/target/wholelife-data, log
 *       next to it), with bin/hub's JVM options (heap 1 GiB); {@code --url}: use a running hub
 *       (its root URL, without /fhir); the population is loaded into it either way
 *   <li>{@code --persons}: population size; {@code --children}: share of children (the rest are
 *       adults); {@code --per-bundle}: persons per records transaction; {@code --loaders}:
 *       parallel loading clients
 *   <li>{@code --requests}: measured {@code $everything} calls per variant; {@code --clients}:
 *       concurrent clients, or a list ({@code 1,4}: each measured in turn; the target is judged
 *       at the last); {@code --warmup}: unmeasured calls first; {@code --count}: the {@code
 *       _count} asked for (the hub caps it at hub.fhir.max-page-size, 500)
 *   <li>{@code --jfr}: with {@code --jar}, a JFR recording (settings=profile) of the hub during
 *       the measured calls, written to this file
 *   <li>{@code --load false}: with {@code --url}, measure a hub already holding this population
 *       (loaded by an earlier run with the same {@code --persons}, {@code --children}, {@code
 *       --per-bundle} and {@code --seed}); Patient ids are found by card number
 *   <li>{@code --no-store true}: a third variant, by card with {@code Cache-Control: no-store,
 *       max-results=<count>}: HAPI then runs the search synchronously instead of persisting it
 *       in its search cache (HFJ_SEARCH / HFJ_SEARCH_RESULT); without {@code max-results} it stops
 *       at 100 resources, and there is never a next link, so a record larger than {@code
 *       max-results} comes back truncated (the completeness check shows it)
 * </ul>
 */
public final class WholeLifeBench {
  static final double TARGET_P95_MS = 300;
  static final String[] NO_HEADERS = {};

  private final String root;
  private final HubHttp fhir;
  private final ObjectMapper json = new ObjectMapper();

  WholeLifeBench(String root) {
    this.root = root;
    this.fhir = new HubHttp(root + "/fhir");
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    Options o = new Options(
        Integer.parseInt(opts.getOrDefault("persons", "200")),
        Double.parseDouble(opts.getOrDefault("children", "0.25")),
        Integer.parseInt(opts.getOrDefault("per-bundle", "4")),
        Integer.parseInt(opts.getOrDefault("loaders", "3")),
        Integer.parseInt(opts.getOrDefault("requests", "1000")),
        Arrays.stream(opts.getOrDefault("clients", "4").split(",")).mapToInt(Integer::parseInt).toArray(),
        Integer.parseInt(opts.getOrDefault("warmup", "300")),
        Integer.parseInt(opts.getOrDefault("count", "500")),
        Long.parseLong(opts.getOrDefault("seed", "11")),
        opts.get("jfr"),
        Boolean.parseBoolean(opts.getOrDefault("load", "true")),
        Boolean.parseBoolean(opts.getOrDefault("no-store", "false")));
    if (!o.load() && !opts.containsKey("url")) {
      throw new IllegalArgumentException("--load false needs --url (a hub holding the population)");
    }
    System.out.printf("machine: %d cores, %d MiB RAM, java %s%n", Runtime.getRuntime().availableProcessors(),
        totalMemoryMiB(), System.getProperty("java.version"));
    if (opts.containsKey("url")) {
      BenchAuth.forUrl(opts.get("url"), opts);
      new WholeLifeBench(opts.get("url")).run(o, null);
      return;
    }
    Path data = Path.of("bench/target/wholelife-data");
    HubBench.deleteRecursively(data);
    try (HubProcess hub = new HubProcess(Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar")), data, List.of())) {
      long ready = hub.start(Duration.ofMinutes(3));
      System.out.printf("hub: ready in %d ms (%s); all components UP %d ms later; log %s%n", ready,
          String.join(" ", HubProcess.DEFAULT_JAVA_OPTIONS), hub.awaitHealthy(Duration.ofMinutes(3)), hub.log());
      new WholeLifeBench(hub.rootUrl()).run(o, hub);
    }
  }

  record Options(int persons, double children, int perBundle, int loaders, int requests, int[] clients, int warmup,
      int count, long seed, String jfr, boolean load, boolean noStore) {}

  /** One variant's figures. */
  record Measured(long[] nanos, double seconds, int minEntries, double avgEntries, int maxEntries, int paged, int errors) {
    double p95() {
      long[] sorted = nanos.clone();
      Arrays.sort(sorted);
      return Stats.ms(sorted, 0.95);
    }
  }

  void run(Options o, HubProcess hub) throws Exception {
    // ------------------------------------------------------------ the population
    long genStart = System.nanoTime();
    WholeLifeRecords records = new WholeLifeRecords();
    List<WholeLifeRecords.Batch> batches = new ArrayList<>();
    List<WholeLifeRecords.Person> persons = new ArrayList<>();
    int sequenceBase = (int) (o.seed() * 7_919 % 200_000);
    for (int first = 0; first < o.persons(); first += o.perBundle()) {
      WholeLifeRecords.Batch batch =
          records.batch(first, Math.min(o.perBundle(), o.persons() - first), sequenceBase, o.children(), o.seed());
      batches.add(batch);
      persons.addAll(batch.persons());
    }
    long resources = WholeLifeRecords.institutionResources();
    long transactions = 1;
    long bytes = 0;
    Map<String, Integer> byType = new TreeMap<>();
    for (WholeLifeRecords.Batch b : batches) {
      transactions += b.transactions().size();
      for (String t : b.transactions()) {
        bytes += t.length();
      }
    }
    int[] own = persons.stream().mapToInt(WholeLifeRecords.Person::resources).toArray();
    for (WholeLifeRecords.Person p : persons) {
      resources += p.resources();
      p.byType().forEach((type, n) -> byType.merge(type, n, Integer::sum));
    }
    long children = persons.stream().filter(WholeLifeRecords.Person::child).count();
    System.out.printf("population: %d persons (%d children from their birth report, %d adults in chronic-care programmes),"
            + " %d resources (%d institutions and practitioners) in %d transactions (%d MB), generated in %.1f s%n",
        persons.size(), children, persons.size() - children, resources, WholeLifeRecords.institutionResources(),
        transactions, bytes >> 20, (System.nanoTime() - genStart) / 1e9);
    System.out.printf("  resources per person (own): min %d, avg %.0f, max %d; children avg %.0f, adults avg %.0f%n",
        Arrays.stream(own).min().orElse(0), Arrays.stream(own).average().orElse(0), Arrays.stream(own).max().orElse(0),
        persons.stream().filter(WholeLifeRecords.Person::child).mapToInt(WholeLifeRecords.Person::resources).average().orElse(0),
        persons.stream().filter(p -> !p.child()).mapToInt(WholeLifeRecords.Person::resources).average().orElse(0));
    System.out.printf("  by type: %s%n", byType);

    // ------------------------------------------------------------ load
    String[] patientIds = o.load() ? load(records, batches, o.loaders(), resources) : findPatients(persons);

    // ------------------------------------------------------------ $everything
    String cardPrefix = "/Patient/$everything?identifier=" + URLEncoder.encode(HealthCards.SYSTEM + "|", StandardCharsets.UTF_8);
    Function<WholeLifeRecords.Person, String> byCard = p -> cardPrefix + p.card() + "&_count=" + o.count();
    Function<WholeLifeRecords.Person, String> byId = p -> "/Patient/" + patientIds[p.index()] + "/$everything?_count=" + o.count();

    String[] noStore = {"Cache-Control", "no-store, max-results=" + o.count()};
    completeness(persons, byCard, Math.min(20, persons.size()), o.seed(), NO_HEADERS);
    if (o.noStore()) {
      completeness(persons, byCard, Math.min(20, persons.size()), o.seed(), noStore);
    }
    int last = o.clients()[o.clients().length - 1];
    if (o.warmup() > 0) {
      measure("warm-up, by card", persons, byCard, NO_HEADERS, o.warmup(), last, o.seed() + 1);
      measure("warm-up, by id", persons, byId, NO_HEADERS, Math.max(1, o.warmup() / 3), last, o.seed() + 2);
      if (o.noStore()) {
        measure("warm-up, by card, no-store", persons, byCard, noStore, Math.max(1, o.warmup() / 3), last,
            o.seed() + 5);
      }
    }
    boolean recording = o.jfr() != null && hub != null;
    if (recording) {
      jcmd(hub.pid(), "JFR.start", "name=wholelife", "settings=profile",
          "filename=" + Path.of(o.jfr()).toAbsolutePath());
    }
    Map<Integer, Measured[]> results = new LinkedHashMap<>();
    for (int clients : o.clients()) {
      results.put(clients, new Measured[] {
          measure("$everything by card", persons, byCard, NO_HEADERS, o.requests(), clients, o.seed() + 3),
          measure("$everything by Patient id", persons, byId, NO_HEADERS, o.requests(), clients, o.seed() + 4),
          o.noStore()
              ? measure("$everything by card, Cache-Control: no-store, max-results", persons, byCard, noStore,
                  o.requests(), clients, o.seed() + 6)
              : null});
    }
    Measured card = results.get(last)[0];
    if (recording) {
      jcmd(hub.pid(), "JFR.stop", "name=wholelife");
      System.out.println("JFR recording of the measured calls: " + Path.of(o.jfr()).toAbsolutePath());
    }
    String memory = String.format("hub heap used %d MiB (max %d MiB)%s",
        HisBench.metric(root, "jvm.memory.used", "area:heap") >> 20, HisBench.metric(root, "jvm.memory.max", "area:heap") >> 20,
        hub == null ? "" : String.format(", resident %d MiB", hub.residentBytes() >> 20));
    System.out.println(memory);

    // ------------------------------------------------------------ summary
    boolean pass = card.p95() <= TARGET_P95_MS && card.errors() == 0 && card.paged() == 0;
    System.out.println();
    System.out.printf("SUMMARY (%d cores; %d persons, avg %.0f own resources over 10 years; _count=%d)%n",
        Runtime.getRuntime().availableProcessors(), persons.size(), Arrays.stream(own).average().orElse(0), o.count());
    for (Map.Entry<Integer, Measured[]> r : results.entrySet()) {
      Measured c = r.getValue()[0];
      Measured i = r.getValue()[1];
      System.out.printf("  $everything by card,       %d clients: %s; %.1f calls/s; %.0f resources per call%n",
          r.getKey(), Stats.percentiles(c.nanos()), c.nanos().length / c.seconds(), c.avgEntries());
      System.out.printf("  $everything by Patient id, %d clients: %s; %.1f calls/s; %.0f resources per call%n",
          r.getKey(), Stats.percentiles(i.nanos()), i.nanos().length / i.seconds(), i.avgEntries());
      Measured n = r.getValue()[2];
      if (n != null) {
        System.out.printf("  $everything by card, no-store + max-results, %d clients: %s; %.1f calls/s;"
                + " %.0f resources per call%n",
            r.getKey(), Stats.percentiles(n.nanos()), n.nanos().length / n.seconds(), n.avgEntries());
      }
    }
    System.out.printf("  %s%n", memory);
    System.out.printf("  target: whole-life $everything by card p95 <= %.0f ms (whole record in one page), %d clients:"
            + " measured p95 %.1f ms%s -> %s%n",
        TARGET_P95_MS, last, card.p95(), card.paged() > 0 ? ", " + card.paged() + " calls needed more than one page" : "",
        pass ? "PASS" : "FAIL");
  }

  /** Institutions first, then the batches by parallel loaders; returns each person's Patient id. */
  String[] load(WholeLifeRecords records, List<WholeLifeRecords.Batch> batches, int loaders, long resources) throws Exception {
    long start = System.nanoTime();
    check(fhir.postBundle(records.institutions()), "institutions");
    int persons = batches.stream().mapToInt(b -> b.persons().size()).sum();
    AtomicReferenceArray<String> ids = new AtomicReferenceArray<>(persons);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(loaders);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < loaders; c++) {
      futures.add(pool.submit(() -> {
        int b;
        while ((b = next.getAndIncrement()) < batches.size()) {
          WholeLifeRecords.Batch batch = batches.get(b);
          List<JsonNode> responses = new ArrayList<>();
          for (int t = 0; t < batch.transactions().size(); t++) {
            responses.add(check(fhir.postBundle(batch.transactions().get(t)), "batch " + b + " transaction " + t));
          }
          for (WholeLifeRecords.Person p : batch.persons()) {
            String location = responses.get(p.patientTransaction()).path("entry").path(p.patientEntry())
                .path("response").path("location").asText();
            if (!location.startsWith("Patient/")) {
              throw new IllegalStateException("batch " + b + ": no Patient location at entry " + p.patientEntry());
            }
            ids.set(p.index(), location.split("/")[1]);
          }
          int n = done.addAndGet(batch.persons().size());
          if (b % 10 == 0) {
            System.out.printf("  loading: %d persons, %.0f s%n", n, (System.nanoTime() - start) / 1e9);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("load: %d resources with %d loaders in %.1f s = %.0f resources/s%n", resources, loaders, seconds,
        resources / seconds);
    String[] out = new String[persons];
    for (int i = 0; i < persons; i++) {
      out[i] = ids.get(i);
    }
    return out;
  }

  /** Each person's Patient id, by card number (a population loaded earlier). */
  String[] findPatients(List<WholeLifeRecords.Person> persons) throws Exception {
    String[] ids = new String[persons.size()];
    for (WholeLifeRecords.Person p : persons) {
      HttpResponse<String> response = fhir.get("/Patient?_elements=id&identifier="
          + URLEncoder.encode(HealthCards.SYSTEM + "|" + p.card(), StandardCharsets.UTF_8));
      JsonNode entries = json.readTree(response.body()).path("entry");
      if (response.statusCode() != 200 || entries.size() != 1) {
        throw new IllegalStateException("person " + p.index() + " is not in this hub (HTTP " + response.statusCode()
            + ", " + entries.size() + " found): load it first, with the same options");
      }
      ids[p.index()] = entries.get(0).path("resource").path("id").asText();
    }
    System.out.printf("found the %d persons' Patients by card number (not loaded again)%n", persons.size());
    return ids;
  }

  /** A 200 transaction-response whose every entry is 200/201; the parsed response. */
  private JsonNode check(HttpResponse<String> response, String what) throws Exception {
    if (response.statusCode() != 200) {
      throw new IllegalStateException(what + ": HTTP " + response.statusCode() + " "
          + response.body().substring(0, Math.min(2000, response.body().length())));
    }
    JsonNode body = json.readTree(response.body());
    JsonNode entries = body.path("entry");
    for (int i = 0; i < entries.size(); i++) {
      String status = entries.get(i).path("response").path("status").asText();
      if (!status.startsWith("200") && !status.startsWith("201")) {
        throw new IllegalStateException(what + ": entry " + i + " status " + status);
      }
    }
    return body;
  }

  /**
   * Every page of the record for a sample of persons: the whole record comes back (its own
   * resources, plus the institutions and practitioners they point at), in one page. Observations
   * the hub derives itself ({@code derivedFrom} a measurement, e.g. a child's growth percentiles)
   * are counted apart.
   */
  void completeness(List<WholeLifeRecords.Person> persons, Function<WholeLifeRecords.Person, String> query, int sample,
      long seed, String... headers) throws Exception {
    Random random = new Random(seed);
    int complete = 0;
    int onePage = 0;
    int derivedTotal = 0;
    StringBuilder differences = new StringBuilder();
    for (int i = 0; i < sample; i++) {
      WholeLifeRecords.Person p = persons.get(random.nextInt(persons.size()));
      HttpResponse<String> response = fhir.getUrl(fhir.base() + query.apply(p), headers);
      int pages = 1;
      Map<String, Integer> types = new TreeMap<>();
      int derived = 0;
      while (true) {
        if (response.statusCode() != 200) {
          throw new IllegalStateException("$everything: HTTP " + response.statusCode());
        }
        JsonNode bundle = json.readTree(response.body());
        for (JsonNode e : bundle.path("entry")) {
          JsonNode resource = e.path("resource");
          if (resource.has("derivedFrom")) {
            derived++;
          } else {
            types.merge(resource.path("resourceType").asText(), 1, Integer::sum);
          }
        }
        String nextUrl = null;
        for (JsonNode link : bundle.path("link")) {
          if ("next".equals(link.path("relation").asText())) {
            nextUrl = link.path("url").asText();
          }
        }
        if (nextUrl == null) {
          break;
        }
        pages++;
        response = fhir.getUrl(nextUrl, headers);
      }
      int returned = types.values().stream().mapToInt(Integer::intValue).sum() + derived;
      derivedTotal += derived;
      int referenced = types.getOrDefault("Organization", 0) + types.getOrDefault("Practitioner", 0);
      boolean ownComplete = true;
      for (Map.Entry<String, Integer> t : p.byType().entrySet()) {
        ownComplete &= t.getValue().equals(types.getOrDefault(t.getKey(), 0));
      }
      if (ownComplete && referenced == p.referenced()) {
        complete++;
      } else if (differences.length() < 600) {
        differences.append(String.format("%n    person %d: sent %s + %d referenced; got %s + %d derived", p.index(),
            p.byType(), p.referenced(), types, derived));
      }
      if (pages == 1) {
        onePage++;
      }
      if (i == 0 && headers.length == 0) {
        System.out.printf("completeness: first sampled record: %d resources returned (%d own + %d institutions/practitioners"
            + " referenced + %d derived by the hub) in %d page(s)%n", returned, p.resources(), p.referenced(), derived, pages);
      }
    }
    System.out.printf("completeness%s: %d of %d sampled records came back whole, %d in one page; %d Observations derived"
            + " by the hub (growth percentiles) on top%s%n",
        headers.length == 0 ? "" : " (" + String.join(": ", headers) + ")", complete, sample, onePage, derivedTotal,
        differences);
  }

  /** {@code requests} calls for random persons from {@code clients} threads. */
  Measured measure(String label, List<WholeLifeRecords.Person> persons, Function<WholeLifeRecords.Person, String> query,
      String[] headers, int requests, int clients, long seed) throws Exception {
    long[] nanos = new long[requests];
    int[] entries = new int[requests];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger paged = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    AtomicLong firstError = new AtomicLong(-1);
    String[] errorSample = new String[1];
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> futures = new ArrayList<>();
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      Random random = new Random(seed * 31 + c);
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < requests) {
          WholeLifeRecords.Person p = persons.get(random.nextInt(persons.size()));
          long t = System.nanoTime();
          HttpResponse<String> response = fhir.getUrl(fhir.base() + query.apply(p), headers);
          nanos[i] = System.nanoTime() - t;
          String body = response.body();
          if (response.statusCode() != 200 || !body.contains("\"resourceType\":\"Patient\"")) {
            errors.incrementAndGet();
            if (firstError.compareAndSet(-1, i)) {
              errorSample[0] = response.statusCode() + " " + body.substring(0, Math.min(300, body.length()));
            }
          }
          entries[i] = occurrences(body, "\"fullUrl\"");
          if (body.contains("\"relation\":\"next\"")) {
            paged.incrementAndGet();
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    Measured m = new Measured(nanos, seconds, Arrays.stream(entries).min().orElse(0),
        Arrays.stream(entries).average().orElse(0), Arrays.stream(entries).max().orElse(0), paged.get(), errors.get());
    System.out.printf("%s, %d clients: %s; %.1f calls/s; resources per call min %d / avg %.1f / max %d; %d paged, %d errors%s%n",
        label, clients, Stats.percentiles(nanos), requests / seconds, m.minEntries(), m.avgEntries(), m.maxEntries(),
        m.paged(), m.errors(), errorSample[0] == null ? "" : " (first: " + errorSample[0] + ")");
    return m;
  }

  private static int occurrences(String text, String what) {
    int n = 0;
    for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + what.length())) {
      n++;
    }
    return n;
  }

  private static void jcmd(long pid, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    command.add(Long.toString(pid));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("jcmd " + String.join(" ", args) + ": " + out);
    }
  }

  private static long totalMemoryMiB() {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (java.io.IOException e) {
      // not Linux
    }
    return -1;
  }
}
