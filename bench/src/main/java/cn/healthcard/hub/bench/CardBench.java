package cn.healthcard.hub.bench;

import cn.healthcard.hub.cards.hsm.TestCard;
import cn.healthcard.hub.cards.keyinjection.CardProductionClient;
import cn.healthcard.hub.cards.keyinjection.KeyInjectionJson;
import cn.healthcard.hub.cards.keyinjection.PersonalizationData;
import cn.healthcard.hub.cards.keyinjection.PersonalizationRequest;
import cn.healthcard.hub.cards.keyinjection.PersonalizationResponse;
import cn.healthcard.hub.cards.signing.SignedRequest;
import cn.healthcard.hub.crypto.sm.Sm2;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The card platform under load: cards issued through the kiosk channel (signed requests, each
 * creating the holder's Patient and a registry row, projecting the card onto the Patient and
 * writing the national-registration outbox), then keys injected into some of them through the
 * key-injection front end, then {@code $verify-card} from concurrent terminals with a fresh
 * challenge each time. Prints rates, latency percentiles, heap and resident memory.
 *
 * <pre>
 * bench/cards.sh [--jar fhir-server/target/hub.jar | --url http://localhost:8080]
 *                [--cards 2000] [--clients 4] [--injected 100] [--verifications 20000] [--terminals 8]
 * </pre>
 */
public final class CardBench {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String root;
  private final HttpClient http = BenchAuth.wrap(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  private final KeyPair kioskKey = Sm2.generateKeyPair();
  private final String kiosk = "BENCH-KIOSK-" + UUID.randomUUID().toString().substring(0, 8);
  private final AtomicInteger sequence = new AtomicInteger((int) (System.currentTimeMillis() / 1000 % 500) * 1000);

  CardBench(String root) {
    this.root = root;
  }

  record Issued(String cardNumber, String chipSerial) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = HubBench.parse(args);
    int cards = Integer.parseInt(opts.getOrDefault("cards", "2000"));
    int clients = Integer.parseInt(opts.getOrDefault("clients", "4"));
    int injected = Integer.parseInt(opts.getOrDefault("injected", "100"));
    int verifications = Integer.parseInt(opts.getOrDefault("verifications", "20000"));
    int terminals = Integer.parseInt(opts.getOrDefault("terminals", "8"));
    System.out.printf("machine: %d cores, java %s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    if (opts.containsKey("url")) {
      BenchAuth.forUrl(opts.get("url"), opts);
      new CardBench(opts.get("url")).run(cards, clients, injected, verifications, terminals, null);
      return;
    }
    Path data = Path.of("bench/target/cards-data");
    HubBench.deleteRecursively(data);
    try (HubProcess hub = new HubProcess(Path.of(opts.getOrDefault("jar", "fhir-server/target/hub.jar")), data, List.of())) {
      long ready = hub.start(Duration.ofMinutes(3));
      System.out.printf("hub: ready in %d ms (%s); all components UP %d ms later%n",
          ready, String.join(" ", HubProcess.DEFAULT_JAVA_OPTIONS), hub.awaitHealthy(Duration.ofMinutes(3)));
      new CardBench(hub.rootUrl()).run(cards, clients, injected, verifications, terminals, hub);
    }
  }

  void run(int cards, int clients, int injected, int verifications, int terminals, HubProcess hub) throws Exception {
    registerKiosk();
    issueAll(Math.min(200, cards), clients, new long[Math.min(200, cards)], new ArrayList<>());
    long[] issueLatencies = new long[cards];
    List<Issued> issued = new ArrayList<>();
    long start = System.nanoTime();
    int ok = issueAll(cards, clients, issueLatencies, issued);
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("kiosk issuance: %d cards with %d clients in %.1f s = %.0f cards/s (refused: %d)%n",
        ok, clients, seconds, ok / seconds, cards - ok);
    System.out.printf("issuance latency: %s%n", Stats.percentiles(issueLatencies));

    CardProductionClient producer = producer();
    List<TestCard> testCards = new ArrayList<>();
    long injectStart = System.nanoTime();
    for (int i = 0; i < Math.min(injected, issued.size()); i++) {
      testCards.add(inject(producer, issued.get(i)));
    }
    double injectSeconds = (System.nanoTime() - injectStart) / 1e9;
    System.out.printf("key injection (steps 1-6, one producer): %d cards in %.1f s = %.1f cards/s%n",
        testCards.size(), injectSeconds, testCards.size() / injectSeconds);

    verifyAll(testCards, Math.min(2000, verifications), terminals, new long[Math.min(2000, verifications)]);
    long[] verifyLatencies = new long[verifications];
    long verifyStart = System.nanoTime();
    int genuine = verifyAll(testCards, verifications, terminals, verifyLatencies);
    double verifySeconds = (System.nanoTime() - verifyStart) / 1e9;
    System.out.printf("$verify-card: %d verifications (%d genuine) from %d terminals in %.1f s = %.0f verifications/s%n",
        verifications, genuine, terminals, verifySeconds, verifications / verifySeconds);
    System.out.printf("verification latency: %s%n", Stats.percentiles(verifyLatencies));
    System.out.printf("hub heap used %d MiB (max %d MiB)%s%n", HisBench.metric(root, "jvm.memory.used", "area:heap") >> 20,
        HisBench.metric(root, "jvm.memory.max", "area:heap") >> 20,
        hub == null ? "" : String.format(", resident %d MiB", hub.residentBytes() >> 20));
  }

  private void registerKiosk() throws Exception {
    String body = "{\"kind\":\"kiosk\",\"name\":\"Bench kiosk\",\"division\":\"210102\",\"publicKey\":\""
        + Sm2.encodePublicKey(kioskKey.getPublic()) + "\"}";
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(root + "/admin/cards/institutions/" + kiosk))
            .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("kiosk registration: " + response.statusCode() + " " + response.body());
    }
  }

  private int issueAll(int count, int clients, long[] latencies, List<Issued> issued) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger ok = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < count) {
          int n = sequence.incrementAndGet();
          boolean male = n % 2 == 1;
          String number = HealthCards.number(LocalDate.of(1950, 1, 1).plusDays(n % 20000), male, n);
          String chip = "BENCH" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
          long t = System.nanoTime();
          HttpResponse<String> response = issue(number, chip, male);
          latencies[i] = System.nanoTime() - t;
          if (response.statusCode() == 200) {
            ok.incrementAndGet();
            synchronized (issued) {
              issued.add(new Issued(number, chip));
            }
          } else if (ok.get() == 0) {
            System.out.println("issuance refused: " + response.statusCode() + " " + response.body());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return ok.get();
  }

  private HttpResponse<String> issue(String number, String chip, boolean male) throws Exception {
    String body = "{\"resourceType\":\"Parameters\",\"parameter\":["
        + "{\"name\":\"channel\",\"valueCode\":\"kiosk\"},"
        + "{\"name\":\"patient\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\""
        + HealthCards.SYSTEM + "\",\"value\":\"" + number + "\"}],\"name\":[{\"text\":\"测试居民\"}],\"gender\":\""
        + (male ? "male" : "female") + "\"}},"
        + "{\"name\":\"institution\",\"valueIdentifier\":{\"value\":\"" + kiosk + "\"}},"
        + "{\"name\":\"chipSerial\",\"valueString\":\"" + chip + "\"}]}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(root + "/fhir/Patient/$issue-card"))
        .header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    SignedRequest.sign(kiosk, kioskKey.getPrivate(), "POST", "/fhir/Patient/$issue-card", bytes, Instant.now())
        .forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private CardProductionClient producer() throws Exception {
    JsonNode keys = JSON.readTree(http.send(
        HttpRequest.newBuilder(URI.create(root + "/key-injection/v1/keys")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body());
    return new CardProductionClient(kiosk, kioskKey, Sm2.decodePublicKey(keys.get("encryptionKey").asText()),
        Sm2.decodePublicKey(keys.get("signingKey").asText()), Clock.systemUTC());
  }

  private TestCard inject(CardProductionClient producer, Issued card) throws Exception {
    PersonalizationRequest request =
        producer.request(PersonalizationData.of(card.cardNumber(), card.chipSerial(), "adult", null, "测试居民"));
    HttpResponse<byte[]> personalized = postJson("/key-injection/v1/personalizations", KeyInjectionJson.write(request));
    if (personalized.statusCode() != 200) {
      throw new IllegalStateException("personalization: " + new String(personalized.body(), StandardCharsets.UTF_8));
    }
    TestCard testCard = producer.open(KeyInjectionJson.read(personalized.body(), PersonalizationResponse.class));
    HttpResponse<byte[]> confirmed = postJson("/key-injection/v1/confirmations",
        KeyInjectionJson.write(producer.confirmation(request.requestId(), testCard)));
    if (confirmed.statusCode() != 200) {
      throw new IllegalStateException("confirmation: " + new String(confirmed.body(), StandardCharsets.UTF_8));
    }
    return testCard;
  }

  private HttpResponse<byte[]> postJson(String path, byte[] body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(root + path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private int verifyAll(List<TestCard> cards, int count, int terminals, long[] latencies) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(terminals);
    AtomicInteger next = new AtomicInteger();
    AtomicInteger genuine = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>();
    Base64.Encoder base64 = Base64.getEncoder();
    for (int t = 0; t < terminals; t++) {
      String terminal = "BENCH-TERM-" + t;
      futures.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < count) {
          TestCard card = cards.get(i % cards.size());
          byte[] challenge = new byte[16];
          RANDOM.nextBytes(challenge);
          String body = "{\"resourceType\":\"Parameters\",\"parameter\":["
              + "{\"name\":\"cardNumber\",\"valueString\":\"" + card.cardNumber() + "\"},"
              + "{\"name\":\"chipSerial\",\"valueString\":\"" + card.chipSerial() + "\"},"
              + "{\"name\":\"challenge\",\"valueBase64Binary\":\"" + base64.encodeToString(challenge) + "\"},"
              + "{\"name\":\"mac\",\"valueBase64Binary\":\"" + base64.encodeToString(card.answerChallenge(challenge)) + "\"},"
              + "{\"name\":\"terminal\",\"valueString\":\"" + terminal + "\"}]}";
          long start = System.nanoTime();
          HttpResponse<String> response = http.send(
              HttpRequest.newBuilder(URI.create(root + "/fhir/Patient/$verify-card"))
                  .header("Content-Type", "application/fhir+json")
                  .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString());
          latencies[i] = System.nanoTime() - start;
          if (response.statusCode() == 200 && response.body().replace(" ", "").contains("\"genuine\",\"valueBoolean\":true")) {
            genuine.incrementAndGet();
          } else if (genuine.get() == 0) {
            System.out.println("verification: " + response.statusCode() + " " + response.body());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    return genuine.get();
  }
}
