package cn.healthcard.hub.bench;

import cn.healthcard.hub.insurance.adjudication.Adjudication;
import cn.healthcard.hub.insurance.adjudication.Adjudicator;
import cn.healthcard.hub.insurance.adjudication.ClaimLine;
import cn.healthcard.hub.insurance.adjudication.ClaimToAdjudicate;
import cn.healthcard.hub.insurance.adjudication.Usage;
import cn.healthcard.hub.insurance.scheme.CareSetting;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import cn.healthcard.hub.insurance.scheme.ItemClass;
import cn.healthcard.hub.insurance.scheme.Scheme;
import cn.healthcard.hub.insurance.scheme.SchemeDocument;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URI;
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
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * NCMS settlement under load. First the adjudication engine alone, in batch, in this process
 * (the sample scheme; generated claims of 1-20 lines at every hospital level, with random usage of
 * the year). Then, against a fresh hub on its embedded defaults: households enrolled and their
 * premiums recorded, and hospital claims settled through {@code Claim/$submit} (the ledger, the
 * person's usage under its lock, the Claim, ClaimResponse and ExplanationOfBenefit written, the
 * supervision rules): one client after the other (a single submission's latency) and several
 * clients at once (throughput). The baseline, in the same run, is a plain read of a ClaimResponse
 * through the same security, audit and HTTP path.
 *
 * <pre>
 * bench/insurance.sh [--jar fhir-server/target/hub.jar] [--households 1000] [--claims 2000] [--clients 4]
 * </pre>
 */
public final class InsuranceBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HOSPITAL = "BENCH_NCMS_HOSP";
  private static final String[] ITEMS = {"110200001", "120100001", "250101001", "210300001", "XJ01DDA117",
      "480000001", "311000014", "XJ99ZZZ001", "330100001", "250203001"};

  private final String root;
  private final HttpClient http = BenchAuth.wrap(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  private final int year = LocalDate.now(java.time.ZoneOffset.ofHours(8)).getYear();

  InsuranceBench(String root) {
    this.root = root;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    int households = Integer.parseInt(opts.getOrDefault("households", "1000"));
    int claims = Integer.parseInt(opts.getOrDefault("claims", "2000"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "4"));
    System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    engine(Integer.parseInt(opts.getOrDefault("engine-claims", "200000")));
    Path data = Path.of("bench/target/insurance-data");
    HubBench.deleteRecursively(data);
    try (HubProcess hub = new HubProcess(Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar")), data, List.of())) {
      long ready = hub.start(Duration.ofMinutes(3));
      System.out.printf("hub: ready in %d ms; all components UP %d ms later%n", ready, hub.awaitHealthy(Duration.ofMinutes(3)));
      new InsuranceBench(hub.rootUrl()).run(households, claims, clients, hub);
    }
  }

  /** The engine alone: the same claims adjudicated three times over, the best round reported. */
  static void engine(int count) throws Exception {
    Scheme scheme;
    try (InputStream in = InsuranceBench.class.getResourceAsStream("/cn/healthcard/hub/insurance/sample-scheme.json")) {
      scheme = SchemeDocument.read(new String(in.readAllBytes(), StandardCharsets.UTF_8), 1);
    }
    Random random = new Random(42);
    ClaimToAdjudicate[] claims = new ClaimToAdjudicate[count];
    Usage[] usages = new Usage[count];
    long lines = 0;
    for (int i = 0; i < count; i++) {
      List<ClaimLine> claimLines = new ArrayList<>();
      int n = 1 + random.nextInt(20);
      for (int l = 0; l < n; l++) {
        claimLines.add(new ClaimLine(l + 1, ITEMS[random.nextInt(ITEMS.length)], ItemClass.values()[random.nextInt(3)],
            BigDecimal.valueOf(1 + random.nextInt(5)), 500 + random.nextInt(200_000)));
      }
      lines += n;
      claims[i] = new ClaimToAdjudicate(random.nextBoolean() ? CareSetting.INPATIENT : CareSetting.OUTPATIENT,
          HospitalLevel.values()[random.nextInt(4)], random.nextInt(10) == 0, random.nextBoolean(), claimLines);
      usages[i] = new Usage(random.nextInt(20_000_000), random.nextInt(40_000), 0, random.nextInt(3), random.nextInt(10),
          Map.of("210300001", BigDecimal.valueOf(random.nextInt(5))));
    }
    double best = 0;
    long checksum = 0;
    for (int round = 0; round < 3; round++) {
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        Adjudication a = Adjudicator.adjudicate(scheme, Optional.empty(), usages[i], claims[i]);
        checksum += a.benefitFen();
      }
      double perSecond = count / ((System.nanoTime() - start) / 1e9);
      best = Math.max(best, perSecond);
    }
    System.out.printf("engine (in process, batch): %d claims of %.1f lines on average adjudicated at %.0f claims/s"
        + " (best of 3 rounds; checksum %d)%n", count, (double) lines / count, best, checksum);
  }

  void run(int households, int claims, int clients, HubProcess hub) throws Exception {
    BenchAuth.registerHospital(root, HOSPITAL);
    check(send("PUT", "/admin/insurance/providers/" + HOSPITAL,
        "{\"name\":\"bench county hospital\",\"level\":\"county\",\"county\":\"210124\",\"designated\":true}",
        "application/json"), 200, "provider");
    List<String> cards = enrol(households);
    BenchAuth.actAs("bench-ncms-hospital", Map.of("role", "hospital", "institution", HOSPITAL));
    List<String> responses;
    try {
      submit("warm-up", cards, Math.min(200, claims), 1, "W");
      responses = submit("single client", cards, Math.min(500, claims), 1, "S");
      submit(clients + " clients", cards, claims, clients, "C");
    } finally {
      BenchAuth.reset();
    }
    baseline(responses);
    System.out.printf("hub heap used %d MiB (max %d MiB), resident %d MiB%n",
        HisBench.metric(root, "jvm.memory.used", "area:heap") >> 20,
        HisBench.metric(root, "jvm.memory.max", "area:heap") >> 20, hub.residentBytes() >> 20);
  }

  /** Households of one card holder each (Faku County), enrolled and their premiums recorded as paid last December. */
  private List<String> enrol(int households) throws Exception {
    long start = System.nanoTime();
    List<String> cards = new ArrayList<>();
    for (int batch = 0; batch < households; batch += 100) {
      StringBuilder patients = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
      for (int i = batch; i < Math.min(households, batch + 100); i++) {
        String card = faku(i);
        cards.add(card);
        patients.append(i > batch ? "," : "").append("{\"resource\":{\"resourceType\":\"Patient\",")
            .append("\"identifier\":[{\"system\":\"urn:oid:2.16.156.10011.1.19\",\"value\":\"").append(card).append("\"}],")
            .append("\"address\":[{\"use\":\"home\",\"extension\":[{\"url\":\"https://hub.healthcard.cn/fhir/StructureDefinition/address-division\",")
            .append("\"valueCoding\":{\"system\":\"https://hub.healthcard.cn/fhir/CodeSystem/gbt2260\",\"code\":\"210124\"}}]}]},")
            .append("\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}");
      }
      patients.append("]}");
      HttpResponse<String> stored = check(send("POST", "/fhir", patients.toString(), "application/fhir+json"), 200, "patients");
      StringBuilder groups = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[");
      boolean first = true;
      for (JsonNode entry : JSON.readTree(stored.body()).path("entry")) {
        String patient = entry.path("response").path("location").asText().replaceAll("/_history/.*", "");
        groups.append(first ? "" : ",").append("{\"resource\":{\"resourceType\":\"Group\",\"type\":\"person\",")
            .append("\"actual\":true,\"code\":{\"coding\":[{\"system\":\"https://hub.healthcard.cn/fhir/CodeSystem/group-kind\",")
            .append("\"code\":\"household\"}]},\"member\":[{\"entity\":{\"reference\":\"").append(patient).append("\"},")
            .append("\"extension\":[{\"url\":\"https://hub.healthcard.cn/fhir/StructureDefinition/family-relationship\",")
            .append("\"valueCoding\":{\"system\":\"https://hub.healthcard.cn/fhir/CodeSystem/gbt4761\",\"code\":\"02\"}}]}]},")
            .append("\"request\":{\"method\":\"POST\",\"url\":\"Group\"}}");
        first = false;
      }
      groups.append("]}");
      HttpResponse<String> made = check(send("POST", "/fhir", groups.toString(), "application/fhir+json"), 200, "households");
      for (JsonNode entry : JSON.readTree(made.body()).path("entry")) {
        String group = entry.path("response").path("location").asText().split("/")[1];
        HttpResponse<String> enrolled = check(send("POST", "/fhir/Group/" + group + "/$enrol",
            "{\"resourceType\":\"Parameters\"}", "application/fhir+json"), 200, "enrol");
        String invoice = parameter(enrolled.body(), "invoice");
        check(send("POST", "/fhir/" + invoice + "/$record-premium", "{\"resourceType\":\"Parameters\",\"parameter\":["
            + "{\"name\":\"paidAt\",\"valueDateTime\":\"" + (year - 1) + "-12-15T10:00:00+08:00\"}]}",
            "application/fhir+json"), 200, "premium");
      }
    }
    System.out.printf("setup: %d households stored, enrolled and paid in %.1f s%n", households,
        (System.nanoTime() - start) / 1e9);
    return cards;
  }

  private final AtomicInteger claimNumber = new AtomicInteger();

  private List<String> submit(String name, List<String> cards, int count, int clients, String prefix) throws Exception {
    long[] latencies = new long[count];
    String[] responses = new String[count];
    AtomicInteger next = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < count) {
          int n = claimNumber.incrementAndGet();
          String body = claim(prefix + n, cards.get(n % cards.size()), n);
          long t = System.nanoTime();
          HttpResponse<String> answer = send("POST", "/fhir/Claim/$submit", body, "application/fhir+json");
          latencies[i] = System.nanoTime() - t;
          if (answer.statusCode() != 200) {
            failed.incrementAndGet();
          } else {
            responses[i] = JSON.readTree(answer.body()).path("id").asText();
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
    System.out.printf("%s: %d Claim/$submit in %.1f s = %.0f claims/s; failed %d; latency: %s%n", name, count, seconds,
        count / seconds, failed.get(), Stats.percentiles(latencies));
    if (name.equals("single client")) {
      singleP95 = Stats.ms(sorted(latencies), 0.95);
    }
    return Arrays.stream(responses).filter(r -> r != null && !r.isEmpty()).toList();
  }

  private double singleP95;

  /** The same hub, one client: plain reads of settled ClaimResponses, the floor the submission is read against. */
  private void baseline(List<String> responses) throws Exception {
    int count = Math.min(500, responses.size());
    long[] latencies = new long[count];
    for (int i = 0; i < count; i++) {
      long t = System.nanoTime();
      check(send("GET", "/fhir/ClaimResponse/" + responses.get(i), null, null), 200, "read");
      latencies[i] = System.nanoTime() - t;
    }
    System.out.printf("baseline (same run): %d ClaimResponse reads, one client; latency: %s%n", count,
        Stats.percentiles(latencies));
    System.out.printf("ratio: single-client Claim/$submit p95 / ClaimResponse read p95 = %.1f%n",
        singleP95 / Stats.ms(sorted(latencies), 0.95));
  }

  private String claim(String number, String card, int n) {
    boolean inpatient = n % 3 == 0;
    LocalDate day = LocalDate.of(year, 1, 1).plusDays(n % 300);
    StringBuilder items = new StringBuilder();
    int lines = 1 + n % 12;
    for (int l = 0; l < lines; l++) {
      if (l > 0) {
        items.append(',');
      }
      items.append("{\"sequence\":").append(l + 1).append(",\"productOrService\":{\"coding\":[{\"system\":")
          .append("\"https://hub.healthcard.cn/fhir/CodeSystem/nhsa-catalogue\",\"code\":\"").append(ITEMS[(n + l) % 6])
          .append("\"}]},\"category\":{\"coding\":[{\"system\":\"https://hub.healthcard.cn/fhir/CodeSystem/insurance-item-class\",")
          .append("\"code\":\"").append("AAB".charAt((n + l) % 3)).append("\"}]},\"quantity\":{\"value\":")
          .append(1 + (n + l) % 3).append("},\"unitPrice\":{\"value\":").append(20 + (n * 7 + l * 13) % 900)
          .append(".50,\"currency\":\"CNY\"}}");
    }
    return "{\"resourceType\":\"Claim\",\"identifier\":[{\"value\":\"" + number + "\"}],\"status\":\"active\","
        + "\"type\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/claim-type\",\"code\":\""
        + (inpatient ? "institutional" : "professional") + "\"}]},\"use\":\"claim\","
        + "\"patient\":{\"identifier\":{\"system\":\"urn:oid:2.16.156.10011.1.19\",\"value\":\"" + card + "\"}},"
        + "\"created\":\"" + day + "\",\"provider\":{\"identifier\":{\"value\":\"" + HOSPITAL + "\"}},"
        + "\"priority\":{\"coding\":[{\"code\":\"normal\"}]},\"insurance\":[{\"sequence\":1,\"focal\":true,"
        + "\"coverage\":{\"display\":\"NCMS\"}}],\"billablePeriod\":{\"start\":\"" + day + "T08:00:00+08:00\",\"end\":\""
        + (inpatient ? day.plusDays(3) : day) + "T10:00:00+08:00\"},\"diagnosis\":[{\"sequence\":1,"
        + "\"diagnosisCodeableConcept\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/icd-10\",\"code\":\"J18."
        + (n % 10) + "\"}]}}],\"item\":[" + items + "]}";
  }

  private static String faku(int i) {
    String body = "210124" + LocalDate.of(1950, 1, 1).plusDays(i / 900).format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE)
        + String.format("%03d", i % 900 + 100);
    return body + cn.healthcard.hub.terminology.identity.ResidentIdNumber.checkCharacter(body);
  }

  private static String parameter(String parameters, String name) throws Exception {
    for (JsonNode p : JSON.readTree(parameters).path("parameter")) {
      if (name.equals(p.path("name").asText())) {
        JsonNode ref = p.path("valueReference").path("reference");
        return ref.isMissingNode() ? p.path("valueString").asText() : ref.asText();
      }
    }
    return "";
  }

  private HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + path)).timeout(Duration.ofSeconds(60));
    if (body == null) {
      request.GET().header("Accept", "application/fhir+json");
    } else {
      request.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", contentType);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> check(HttpResponse<String> response, int status, String what) {
    if (response.statusCode() != status) {
      throw new IllegalStateException(what + ": " + response.statusCode() + " " + response.body());
    }
    return response;
  }

  private static long[] sorted(long[] values) {
    long[] copy = values.clone();
    Arrays.sort(copy);
    return copy;
  }
}
