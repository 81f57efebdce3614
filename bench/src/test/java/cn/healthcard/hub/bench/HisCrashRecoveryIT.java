package cn.healthcard.hub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.healthcard.hub.routes.mllp.MllpClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * 5,000 HL7 v2 messages over MLLP, the hub killed with SIGKILL mid-stream, started again, the
 * sender resending what it has no ACK for: every message the hub acknowledged is stored, and
 * every message is stored exactly once (one Encounter, one Binary, one Provenance each).
 */
class HisCrashRecoveryIT {
  private static final Path JAR = Path.of(System.getProperty("hub.jar", "../fhir-server/target/hub.jar"));
  private static final int MESSAGES = 5000;
  private static final String VISITS = "https://hub.healthcard.cn/fhir/NamingSystem/CRASH_HOSP/visit";

  @Test
  void everyAcknowledgedMessageIsStoredExactlyOnceAfterSigkill() throws Exception {
    Path data = Path.of("target", "it-his-crash-data");
    HubBench.deleteRecursively(data);
    List<HisMessages.Message> messages = HisMessages.registrations("CRASH_HOSP", MESSAGES, 7);
    Set<Integer> acknowledged = ConcurrentHashMap.newKeySet();
    HubProcess first = new HubProcess(JAR, data, List.of());
    first.start(Duration.ofMinutes(3));
    BenchAuth.registerHospital(first.rootUrl(), "CRASH_HOSP");
    AtomicInteger next = new AtomicInteger();
    ExecutorService senders = Executors.newFixedThreadPool(4);
    for (int c = 0; c < 4; c++) {
      senders.submit(() -> sendUntilGone(first.mllpPort(), messages, next, acknowledged));
    }
    while (acknowledged.size() < 1500) {
      Thread.sleep(10);
    }
    first.kill();
    senders.shutdown();
    assertTrue(senders.awaitTermination(1, TimeUnit.MINUTES));
    int ackedBeforeKill = acknowledged.size();
    assertTrue(ackedBeforeKill < MESSAGES, "the kill must land mid-stream");

    try (HubProcess second = new HubProcess(JAR, data, List.of())) {
      second.start(Duration.ofMinutes(3));
      // the sender resends everything it holds no ACK for, as an HL7 sender does
      try (MllpClient client = new MllpClient("localhost", second.mllpPort(), Duration.ofSeconds(60))) {
        for (int i = 0; i < MESSAGES; i++) {
          if (!acknowledged.contains(i)) {
            String ack = new String(client.send(messages.get(i).text().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
            assertTrue(ack.contains("MSA|AA|"), ack);
            acknowledged.add(i);
          }
        }
      }
      HisBench.awaitStored(second.rootUrl(), MESSAGES, Duration.ofMinutes(15));
      Map<String, Long> counts = HisBench.counts(second.rootUrl());
      assertEquals(MESSAGES, counts.get("STORED"), "inbox " + counts);
      assertEquals(0L, counts.getOrDefault("FAILED", 0L), "inbox " + counts);

      HubHttp http = new HubHttp(second.fhirBase());
      assertEquals(MESSAGES, total(http, "/Provenance?_summary=count"), "one Provenance per message");
      assertEquals(MESSAGES, total(http, "/Binary?_summary=count"), "one Binary (the original message) per message");
      assertEquals(MESSAGES, total(http, "/Encounter?_summary=count"), "one Encounter per visit");
      for (int i = 0; i < MESSAGES; i += 7) {
        String q = "/Encounter?_summary=count&identifier="
            + URLEncoder.encode(VISITS + "|" + messages.get(i).visit(), StandardCharsets.UTF_8);
        assertEquals(1, total(http, q), "visit of message " + i);
      }
      System.out.printf("his crash test: %d acknowledged before SIGKILL, all %d stored exactly once after restart%n",
          ackedBeforeKill, MESSAGES);
    }
  }

  private static Void sendUntilGone(int port, List<HisMessages.Message> messages, AtomicInteger next, Set<Integer> acknowledged) {
    try (MllpClient client = new MllpClient("localhost", port, Duration.ofSeconds(60))) {
      int i;
      while ((i = next.getAndIncrement()) < messages.size()) {
        String ack = new String(client.send(messages.get(i).text().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        if (ack.contains("MSA|AA|")) {
          acknowledged.add(i);
        }
      }
    } catch (Exception e) {
      // the hub went away
    }
    return null;
  }

  private static long total(HubHttp http, String query) throws Exception {
    String body = http.get(query).body();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"total\":\\s*(\\d+)").matcher(body);
    assertTrue(m.find(), body);
    return Long.parseLong(m.group(1));
  }
}
