package cn.healthcard.hub.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.healthcard.hub.payments.wechatpay.WechatPaySandbox;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The payment platform killed with SIGKILL while the channel is paying and refunding: WeChat Pay's
 * simulator runs in this JVM (not inside the hub, so it outlives the kill), the hub runs the real
 * adapter against it as a production merchant (sandbox off, keys from PEM files, configuration
 * only). The simulator sends each notification once and not again for half an hour, so what the
 * kill swallowed is recovered by the hub asking the channel. Afterwards every order is paid
 * exactly once at the channel and in the hub, and every refund asked for, however often the
 * hospital asked again, is one refund at the channel.
 */
class PaymentCrashRecoveryIT {
  private static final Path JAR = Path.of(System.getProperty("hub.jar", "../fhir-server/target/hub.jar"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ORDERS = 200;
  private static final String HOSPITAL = "CRASH_PAY_HOSP";

  @Test
  void paymentsAndRefundsCaughtByASigkillAreRecoveredOnceByAskingTheChannel() throws Exception {
    Path data = Path.of("target", "it-payment-crash-data");
    HubBench.deleteRecursively(data);
    Files.createDirectories(data);
    int port = HubProcess.freePort();
    String root = "http://localhost:" + port;
    try (WechatPaySandbox channel = WechatPaySandbox.start(root + "/payments/notify/wechatpay",
        List.of(Duration.ofMinutes(30)), Clock.systemUTC())) {
      List<String> merchant = merchantArguments(channel, data, port);
      HubProcess first = new HubProcess(JAR, data, merchant).port(port);
      first.start(Duration.ofMinutes(3));
      BenchAuth.use(first.rootUrl(), data);
      BenchAuth.registerHospital(first.rootUrl(), HOSPITAL);
      BenchAuth.actAs("crash-pay-hospital", Map.of("role", "hospital", "institution", HOSPITAL));
      HttpClient http = BenchAuth.wrap(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
      try {
        List<String> payments = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
          HttpResponse<String> created = post(http, first.rootUrl(), "/fhir/$create-payment", order("CRASH-" + i, i));
          assertEquals(200, created.statusCode(), created.body());
          payments.add(parameter(created.body(), "payment"));
        }
        // every payer pays; the channel notifies the hub, which is killed while the notifications arrive
        for (String payment : payments) {
          assertTrue(channel.simulator().pay(payment));
        }
        awaitNotifications(channel, ORDERS / 4);
        first.kill();
        int notifiedBeforeKill = channel.simulator().notificationsSent();

        try (HubProcess second = new HubProcess(JAR, data, merchant).port(port)) {
          second.start(Duration.ofMinutes(3));
          BenchAuth.use(second.rootUrl(), data);
          // reading an open order's status asks the channel: the lost notifications are made up for
          for (String payment : payments) {
            assertEquals("paid", awaitStatus(http, second.rootUrl(), payment, "paid"), payment);
          }
          // refunds in flight when the hub is killed again
          Map<String, Integer> asked = new ConcurrentHashMap<>();
          AtomicInteger next = new AtomicInteger();
          ExecutorService hospitals = Executors.newFixedThreadPool(4);
          for (int c = 0; c < 4; c++) {
            hospitals.submit(() -> {
              int i;
              while ((i = next.getAndIncrement()) < ORDERS) {
                try {
                  post(http, second.rootUrl(), "/fhir/$refund-payment", refund(payments.get(i)));
                  asked.merge(payments.get(i), 1, Integer::sum);
                } catch (Exception e) {
                  return null; // the hub went away
                }
              }
              return null;
            });
          }
          while (asked.size() < ORDERS / 4) {
            Thread.sleep(10);
          }
          second.kill();
          hospitals.shutdown();
          assertTrue(hospitals.awaitTermination(1, TimeUnit.MINUTES));
          int refundsAnsweredBeforeKill = asked.size();
          assertTrue(refundsAnsweredBeforeKill < ORDERS, "the kill must land among the refunds");

          try (HubProcess third = new HubProcess(JAR, data, merchant).port(port)) {
            third.start(Duration.ofMinutes(3));
            BenchAuth.use(third.rootUrl(), data);
            // the hospital asks again for every refund it asked for (answered or not), same numbers
            for (String payment : payments) {
              HttpResponse<String> again = post(http, third.rootUrl(), "/fhir/$refund-payment", refund(payment));
              assertEquals(200, again.statusCode(), again.body());
            }
            for (String payment : payments) {
              assertEquals("refunded", awaitStatus(http, third.rootUrl(), payment, "refunded"), payment);
              assertEquals(1, channel.simulator().refundsOf(payment), "refunds at the channel for " + payment);
            }
            System.out.printf("payment crash test: %d notifications sent before the first SIGKILL, %d refunds answered"
                + " before the second; all %d orders paid once and refunded once%n", notifiedBeforeKill,
                refundsAnsweredBeforeKill, ORDERS);
          }
        }
      } finally {
        BenchAuth.reset();
      }
    }
  }

  /** The hub as a production merchant of the simulator: sandbox off, keys in PEM files. */
  private static List<String> merchantArguments(WechatPaySandbox channel, Path data, int port) throws Exception {
    var s = channel.settings();
    Path key = data.resolveSibling("crash-merchant-key.pem");
    Path platform = data.resolveSibling("crash-platform-key.pem");
    pem(key, "PRIVATE KEY", s.merchantPrivateKey().getEncoded());
    pem(platform, "PUBLIC KEY", s.platformPublicKey().getEncoded());
    return List.of("--hub.payments.sandbox=false",
        "--hub.payments.wechatpay.merchant-id=" + s.merchantId(), "--hub.payments.wechatpay.app-id=" + s.appId(),
        "--hub.payments.wechatpay.private-key=" + key.toAbsolutePath(),
        "--hub.payments.wechatpay.merchant-serial-number=" + s.merchantSerialNumber(),
        "--hub.payments.wechatpay.platform-public-key=" + platform.toAbsolutePath(),
        "--hub.payments.wechatpay.platform-public-key-id=" + s.platformPublicKeyId(),
        "--hub.payments.wechatpay.api-v3-key=" + s.apiV3Key(),
        "--hub.payments.wechatpay.notify-url=http://localhost:" + port + "/payments/notify/wechatpay",
        "--hub.payments.wechatpay.base-url=" + s.baseUrl(),
        "--hub.payments.reconciliation.enabled=false");
  }

  private static void pem(Path file, String type, byte[] der) throws Exception {
    Files.writeString(file, "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n", StandardCharsets.US_ASCII);
  }

  private static void awaitNotifications(WechatPaySandbox channel, int count) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(60);
    while (channel.simulator().notificationsSent() < count && Instant.now().isBefore(deadline)) {
      Thread.sleep(5);
    }
  }

  private static String awaitStatus(HttpClient http, String root, String payment, String wanted) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    String status = "";
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> read = http.send(HttpRequest.newBuilder(URI.create(root + "/fhir/$payment-status?payment=" + payment))
          .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
      status = read.statusCode() == 200 ? parameter(read.body(), "status") : "HTTP " + read.statusCode();
      if (status.equals(wanted)) {
        return status;
      }
      Thread.sleep(100);
    }
    return status;
  }

  private static String order(String number, int i) {
    String card = HealthCards.number(LocalDate.of(1970, 1, 1).plusDays(i), i % 2 == 0, i % 900);
    return "{\"resourceType\":\"Parameters\",\"parameter\":["
        + "{\"name\":\"channel\",\"valueCode\":\"wechatpay\"},"
        + "{\"name\":\"merchantOrderNo\",\"valueString\":\"" + number + "\"},"
        + "{\"name\":\"amount\",\"valueMoney\":{\"value\":12.50,\"currency\":\"CNY\"}},"
        + "{\"name\":\"patient\",\"valueIdentifier\":{\"system\":\"urn:oid:2.16.156.10011.1.19\",\"value\":\"" + card + "\"}},"
        + "{\"name\":\"description\",\"valueString\":\"门诊缴费\"}]}";
  }

  private static String refund(String payment) {
    return "{\"resourceType\":\"Parameters\",\"parameter\":["
        + "{\"name\":\"payment\",\"valueString\":\"" + payment + "\"},"
        + "{\"name\":\"refundRequestNo\",\"valueString\":\"RF-" + payment + "\"},"
        + "{\"name\":\"amount\",\"valueMoney\":{\"value\":12.50,\"currency\":\"CNY\"}},"
        + "{\"name\":\"reason\",\"valueString\":\"检查取消\"}]}";
  }

  private static HttpResponse<String> post(HttpClient http, String root, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(root + path)).header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String parameter(String json, String name) throws Exception {
    for (JsonNode p : JSON.readTree(json).path("parameter")) {
      if (name.equals(p.path("name").asText())) {
        for (var field : (Iterable<Map.Entry<String, JsonNode>>) p::fields) {
          if (field.getKey().startsWith("value")) {
            return field.getValue().asText();
          }
        }
      }
    }
    return "";
  }
}
