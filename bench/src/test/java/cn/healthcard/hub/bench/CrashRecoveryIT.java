package cn.healthcard.hub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * kill -9 the hub while clients are writing, start it again: everything it acknowledged (201) is
 * there, exactly once.
 */
class CrashRecoveryIT {
  private static final Path JAR = Path.of(System.getProperty("hub.jar", "../fhir-server/target/hub.jar"));

  @Test
  void everyAcknowledgedWriteSurvivesSigkillExactlyOnce() throws Exception {
    Path data = Path.of("target", "it-crash-data");
    HubBench.deleteRecursively(data);
    Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    AtomicInteger attempted = new AtomicInteger();
    try (HubProcess hub = new HubProcess(JAR, data, List.of())) {
      hub.start(Duration.ofMinutes(3));
      HubHttp http = new HubHttp(hub.fhirBase());
      ExecutorService writers = Executors.newFixedThreadPool(4);
      for (int w = 0; w < 4; w++) {
        writers.submit(() -> {
          while (!Thread.currentThread().isInterrupted()) {
            int n = attempted.getAndIncrement();
            String card = HealthCards.number(LocalDate.of(1950, 1, 1).plusDays(n % 20000), n % 2 == 0, n);
            try {
              HttpResponse<String> r = http.postBundle(transactionCreating(card));
              if (r.statusCode() == 200) {
                acknowledged.add(card);
              }
            } catch (Exception e) {
              return null; // the hub went away
            }
          }
          return null;
        });
      }
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (acknowledged.size() < 150 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      hub.kill();
      writers.shutdownNow();
      assertTrue(writers.awaitTermination(1, TimeUnit.MINUTES));
    }
    assertTrue(acknowledged.size() >= 150, "writes were acknowledged before the kill");

    try (HubProcess again = new HubProcess(JAR, data, List.of())) {
      again.start(Duration.ofMinutes(3));
      HubHttp http = new HubHttp(again.fhirBase());
      for (String card : acknowledged) {
        HttpResponse<String> r =
            http.get("/Patient?identifier=" + URLEncoder.encode(HealthCards.SYSTEM + "|" + card, StandardCharsets.UTF_8) + "&_summary=count");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("\"total\":1"), "acknowledged Patient present exactly once: " + r.body());
      }
      HttpResponse<String> observations = http.get("/Observation?_summary=count");
      int total = Integer.parseInt(observations.body().replaceAll("(?s).*\"total\":(\\d+).*", "$1"));
      assertTrue(total >= acknowledged.size(), "every acknowledged transaction kept its Observation");

      // every acknowledged transaction has its audit entry: recorded before the answer, so the
      // kill cannot lose it; written as an AuditEvent by the restarted hub (a killed request
      // that was never answered may have one too, hence at least)
      String audited = "/AuditEvent?agent-name=" + BenchAuth.CLIENT + "&subtype="
          + URLEncoder.encode("http://hl7.org/fhir/restful-interaction|transaction", StandardCharsets.UTF_8)
          + "&_summary=count";
      long auditDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      int events = 0;
      while (System.nanoTime() < auditDeadline) {
        HttpResponse<String> r = http.get(audited);
        assertEquals(200, r.statusCode(), r.body());
        events = Integer.parseInt(r.body().replaceAll("(?s).*\"total\":(\\d+).*", "$1"));
        if (events >= acknowledged.size()) {
          break;
        }
        Thread.sleep(500);
      }
      assertTrue(events >= acknowledged.size(),
          "every acknowledged transaction is audited: " + events + " AuditEvents for " + acknowledged.size());
    }
  }

  /** One patient and one observation referring to it: atomic, so both or neither survive. */
  private static String transactionCreating(String card) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        + "{\"fullUrl\":\"urn:uuid:0b8f3c2e-0000-4000-8000-000000000001\",\"resource\":{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\""
        + HealthCards.SYSTEM + "\",\"value\":\"" + card + "\"}]},\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier="
        + HealthCards.SYSTEM + "|" + card + "\"}},"
        + "{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8867-4\"}]},"
        + "\"subject\":{\"reference\":\"urn:uuid:0b8f3c2e-0000-4000-8000-000000000001\"}},\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
  }
}
