package cn.healthcard.hub.payments.medicalinsurance;

import cn.healthcard.hub.payments.channel.InsuranceSettlement;
import cn.healthcard.hub.payments.channel.LoopbackServer;
import cn.healthcard.hub.payments.channel.NotificationSchedule;
import cn.healthcard.hub.payments.order.Fen;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The medical-insurance mobile-payment platform as the hub's sandbox and tests meet it, on
 * loopback: {@code POST /api/<infno>} for 6201 (fees), 6202 (payment and split), 6301 (query),
 * 6401 (cancel), 6203 (refund) and 3202 (the day's settlements). Every request must be the hub's:
 * an {@link InsuranceEnvelope} signed with the hub's SM2 key and encrypted with the agreed SM4
 * key; every answer and notification is sealed with the platform's own key. The payer's
 * authorisation ({@code payAuthNo}) is issued by {@link #authorize} (the sandbox's stand-in for
 * the payer confirming in the insurance's app), once per order, and decides the split.
 */
public final class MedicalInsuranceSimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MedicalInsuranceSimulator.class);
  private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final String appId;
  private final PublicKey hubKey;
  private final KeyPair platformKeys;
  private final byte[] sm4Key;
  private final Clock clock;
  private final LoopbackServer server;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "medical-insurance-simulator-notify");
    t.setDaemon(true);
    return t;
  });
  private final NotificationSchedule notifications;
  private final Map<String, Authorization> authorizations = new ConcurrentHashMap<>();
  private final Map<String, Order> orders = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong(1);
  private final AtomicInteger notificationsSent = new AtomicInteger();
  private volatile boolean down;

  private static final class Authorization {
    final InsuranceSettlement.Mix mix;
    volatile String usedBy;

    Authorization(InsuranceSettlement.Mix mix) {
      this.mix = mix;
    }
  }

  private static final class Order {
    final String medOrgOrd;
    final String orgCodg;
    final long total;
    final String payAuthNo;
    final String payOrdId;
    final String payToken;
    final String notifyUrl;
    volatile String stat = "0";
    volatile long fund;
    volatile long account;
    volatile long cash;
    volatile String setlId;
    volatile Instant settledAt;
    volatile String msgid;
    final List<Refund> refunds = new ArrayList<>();

    Order(String medOrgOrd, String orgCodg, long total, String payAuthNo, String payOrdId, String payToken, String notifyUrl) {
      this.medOrgOrd = medOrgOrd;
      this.orgCodg = orgCodg;
      this.total = total;
      this.payAuthNo = payAuthNo;
      this.payOrdId = payOrdId;
      this.payToken = payToken;
      this.notifyUrl = notifyUrl;
    }
  }

  private record Refund(String appRefdSn, String trdRefdSn, long amount, boolean whole, Instant at) {}

  public MedicalInsuranceSimulator(String appId, PublicKey hubKey, KeyPair platformKeys, byte[] sm4Key,
      List<Duration> retries, Clock clock) throws IOException {
    this.appId = appId;
    this.hubKey = hubKey;
    this.platformKeys = platformKeys;
    this.sm4Key = sm4Key.clone();
    this.clock = clock;
    this.notifications = new NotificationSchedule("Medical insurance", retries, scheduler,
        answer -> answer.statusCode() == 200 && answer.body().contains("\"code\":0"));
    this.server = new LoopbackServer("medical-insurance-simulator", "/api/*", this::handle);
  }

  public String gatewayUrl() {
    return server.baseUrl();
  }

  public int notificationsSent() {
    return notificationsSent.get();
  }

  /** Tests: every request is answered with a system error (code -1). */
  public void setDown(boolean down) {
    this.down = down;
  }

  /**
   * The payer confirms in the insurance's app: an authorisation for one order. The split it gives:
   * insurance only (fund 70 %, personal account the rest), cash and insurance (fund 60 %, account
   * 10 % up to 100.00, cash the rest), or cash only.
   */
  public String authorize(InsuranceSettlement.Mix mix) {
    String payAuthNo = "AUTH" + HexFormat.of().formatHex(randomBytes());
    authorizations.put(payAuthNo, new Authorization(mix));
    return payAuthNo;
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[12];
    new java.security.SecureRandom().nextBytes(b);
    return b;
  }

  /** How many refunds the platform holds for an order (tests: a refund is never made twice). */
  public long refundsOf(String medOrgOrd) {
    Order order = orders.get(medOrgOrd);
    return order == null ? 0 : order.refunds.size();
  }

  /**
   * The payer pays the placed order (the insurance shares settle, the cash share is collected):
   * the settlement is notified to the hub.
   *
   * @return false when there is no such placed order
   */
  public boolean pay(String medOrgOrd) {
    Order order = orders.get(medOrgOrd);
    if (order == null) {
      return false;
    }
    synchronized (order) {
      if (!order.stat.equals("1")) {
        return false;
      }
      order.stat = "6";
      order.settledAt = clock.instant();
      order.setlId = "SETL" + LocalDateTime.now(clock.withZone(CHINA)).format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"))
          + String.format("%06d", sequence.incrementAndGet());
      order.msgid = "H" + order.setlId;
    }
    notifications.deliver(() -> send(order.notifyUrl, notification(order)));
    return true;
  }

  /** The settled order's notification as it is sent (tests tamper with it). */
  public String notification(String medOrgOrd) {
    Order order = orders.get(medOrgOrd);
    if (order == null || order.setlId == null) {
      throw new IllegalStateException("no settled order " + medOrgOrd);
    }
    return notification(order);
  }

  public int renotify(String medOrgOrd) throws IOException, InterruptedException {
    return send(orders.get(medOrgOrd).notifyUrl, notification(medOrgOrd)).statusCode();
  }

  private String notification(Order order) {
    Map<String, String> header = new TreeMap<>();
    header.put("appId", appId);
    header.put("infno", "notify");
    header.put("msgid", order.msgid);
    header.put("timestamp", Long.toString(clock.millis()));
    return InsuranceEnvelope.seal(header, orderBody(order), sm4Key, platformKeys.getPrivate());
  }

  private HttpResponse<String> send(String url, String body) throws IOException, InterruptedException {
    notificationsSent.incrementAndGet();
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
  }

  // ------------------------------------------------------------------ the platform

  private void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String infno = request.getRequestURI().substring("/api/".length());
    String text = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Answer answer;
    try {
      InsuranceEnvelope.Opened opened = InsuranceEnvelope.open(text, sm4Key, hubKey);
      if (!appId.equals(opened.header().get("appId")) || !infno.equals(opened.infno())) {
        answer = error(1002, "应用或交易编号不符");
      } else if (down) {
        answer = error(-1, "系统繁忙");
      } else {
        answer = switch (infno) {
          case "6201" -> upload(opened.body());
          case "6202" -> place(opened.body());
          case "6301" -> query(opened.body());
          case "6401" -> cancel(opened.body());
          case "6203" -> refund(opened.body());
          case "3202" -> settlements(opened.body());
          default -> error(1003, "不支持的交易编号");
        };
      }
    } catch (IllegalArgumentException e) {
      answer = error(1001, "验签失败");
    } catch (RuntimeException e) {
      log.warn("Medical insurance simulator failed on a request ({})", e.getClass().getSimpleName());
      answer = error(-1, "系统异常");
    }
    Map<String, String> header = new TreeMap<>();
    header.put("appId", appId);
    header.put("infno", infno);
    header.put("msgid", "P" + sequence.incrementAndGet());
    header.put("timestamp", Long.toString(clock.millis()));
    header.put("code", Integer.toString(answer.code()));
    header.put("message", answer.message());
    byte[] bytes = InsuranceEnvelope.seal(header, answer.body(), sm4Key, platformKeys.getPrivate())
        .getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.setHeader("Content-Type", "application/json;charset=UTF-8");
    response.setContentLength(bytes.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(bytes);
    }
  }

  private record Answer(int code, String message, JsonNode body) {}

  private Answer ok(JsonNode body) {
    return new Answer(0, "成功", body);
  }

  private Answer error(int code, String message) {
    return new Answer(code, message, json.createObjectNode());
  }

  private Answer upload(JsonNode b) {
    String medOrgOrd = b.path("medOrgOrd").asText("");
    long total = fen(b.path("medfeeSumamt").asText(""));
    Authorization authorization = authorizations.get(b.path("payAuthNo").asText(""));
    if (medOrgOrd.isEmpty() || total <= 0 || b.path("notifyUrl").asText("").isEmpty() || !b.path("feedetail").isArray()) {
      return error(1004, "参数不全");
    }
    if (authorization == null || (authorization.usedBy != null && !authorization.usedBy.equals(medOrgOrd))) {
      return error(MedicalInsuranceChannel.AUTHORIZATION_REFUSED, "医保授权无效或已使用");
    }
    long lines = 0;
    for (JsonNode line : b.path("feedetail")) {
      lines += fen(line.path("detItemFeeSumamt").asText(""));
    }
    if (lines != total) {
      return error(1005, "费用明细与总额不符");
    }
    Order order = orders.computeIfAbsent(medOrgOrd, k -> new Order(medOrgOrd, b.path("orgCodg").asText(""), total,
        b.path("payAuthNo").asText(), "ORD" + sequence.incrementAndGet(), HexFormat.of().formatHex(randomBytes()),
        b.path("notifyUrl").asText()));
    if (order.total != total) {
      return error(1006, "订单已存在且金额不同");
    }
    authorization.usedBy = medOrgOrd;
    return ok(json.createObjectNode().put("payOrdId", order.payOrdId).put("payToken", order.payToken));
  }

  private Answer place(JsonNode b) {
    Order order = orders.get(b.path("medOrgOrd").asText(""));
    if (order == null) {
      return error(MedicalInsuranceChannel.NOT_FOUND, "订单不存在");
    }
    if (!order.payOrdId.equals(b.path("payOrdId").asText()) || !order.payToken.equals(b.path("payToken").asText())
        || !order.payAuthNo.equals(b.path("payAuthNo").asText())) {
      return error(MedicalInsuranceChannel.AUTHORIZATION_REFUSED, "医保授权无效或已使用");
    }
    synchronized (order) {
      if (order.stat.equals("0")) {
        InsuranceSettlement.Mix mix = authorizations.get(order.payAuthNo).mix;
        switch (mix) {
          case INSURANCE_ONLY -> {
            order.fund = share(order.total, 70);
            order.account = order.total - order.fund;
          }
          case CASH_AND_INSURANCE -> {
            order.fund = share(order.total, 60);
            order.account = Math.min(share(order.total, 10), 100_00);
            order.cash = order.total - order.fund - order.account;
          }
          case CASH_ONLY -> order.cash = order.total;
        }
        order.stat = "1";
      }
    }
    return ok(json.createObjectNode().put("payOrdId", order.payOrdId).put("feeSumamt", yuan(order.total))
        .put("fundPay", yuan(order.fund)).put("psnAcctPay", yuan(order.account)).put("ownPayAmt", yuan(order.cash)));
  }

  private Answer query(JsonNode b) {
    Order order = orders.get(b.path("medOrgOrd").asText(""));
    return order == null ? error(MedicalInsuranceChannel.NOT_FOUND, "订单不存在") : ok(orderBody(order));
  }

  private ObjectNode orderBody(Order order) {
    ObjectNode out = json.createObjectNode().put("medOrgOrd", order.medOrgOrd).put("payOrdId", order.payOrdId)
        .put("ordStat", order.stat).put("medfee_sumamt", yuan(order.total));
    if (order.setlId != null) {
      out.put("setlId", order.setlId).put("setlTime", time(order.settledAt)).put("fund_pay_sumamt", yuan(order.fund))
          .put("acct_pay", yuan(order.account)).put("psn_cash_pay", yuan(order.cash));
    }
    ArrayNode refunds = out.putArray("refdList");
    synchronized (order) {
      for (Refund r : order.refunds) {
        refunds.addObject().put("appRefdSn", r.appRefdSn()).put("trdRefdSn", r.trdRefdSn()).put("refdAmt", yuan(r.amount()))
            .put("refdStat", "SUCC").put("refdTime", time(r.at()));
      }
    }
    return out;
  }

  private Answer cancel(JsonNode b) {
    Order order = orders.get(b.path("medOrgOrd").asText(""));
    if (order == null) {
      return error(MedicalInsuranceChannel.NOT_FOUND, "订单不存在");
    }
    synchronized (order) {
      if (order.stat.equals("0") || order.stat.equals("1") || order.stat.equals("12")) {
        order.stat = "12";
        return ok(json.createObjectNode().put("medOrgOrd", order.medOrgOrd).put("ordStat", "12"));
      }
    }
    return error(MedicalInsuranceChannel.ALREADY_SETTLED, "订单已结算");
  }

  private Answer refund(JsonNode b) {
    Order order = orders.get(b.path("medOrgOrd").asText(""));
    if (order == null) {
      return error(MedicalInsuranceChannel.NOT_FOUND, "订单不存在");
    }
    String sn = b.path("appRefdSn").asText("");
    long amount = fen(b.path("totlRefdAmt").asText(""));
    boolean whole = "ALL".equals(b.path("refdType").asText());
    synchronized (order) {
      for (Refund r : order.refunds) {
        if (r.appRefdSn().equals(sn)) {
          return r.amount() == amount ? ok(json.createObjectNode().put("appRefdSn", sn).put("trdRefdSn", r.trdRefdSn())
              .put("refdStat", "SUCC")) : error(1006, "退费流水号已存在且金额不同");
        }
      }
      if (sn.isEmpty() || amount <= 0) {
        return error(1004, "参数不全");
      }
      if (!order.stat.equals("6") && !order.stat.equals("10")) {
        return error(2005, "订单未结算或已全部退费");
      }
      long cashBack = order.refunds.stream().mapToLong(Refund::amount).sum();
      // the insurance shares are reversed whole, with what is left of the cash; a part is cash only
      boolean allowed = whole ? amount == order.total - cashBack : amount <= order.cash - cashBack;
      if (!allowed) {
        return error(2004, whole ? "全额退费金额不符" : "部分退费仅限自费部分");
      }
      Refund refund = new Refund(sn, "REFD" + sequence.incrementAndGet(), amount, whole, clock.instant());
      order.refunds.add(refund);
      order.stat = whole || cashBack + amount == order.total ? "7" : "10";
      return ok(json.createObjectNode().put("appRefdSn", sn).put("trdRefdSn", refund.trdRefdSn()).put("refdStat", "SUCC"));
    }
  }

  /** The settlements and refunds of a China day (made at once; the platform makes them after the day). */
  private Answer settlements(JsonNode b) {
    LocalDate day;
    try {
      day = LocalDate.parse(b.path("setlDate").asText(""));
    } catch (java.time.format.DateTimeParseException e) {
      return error(1004, "参数不全");
    }
    ObjectNode out = json.createObjectNode().put("setlDate", day.toString());
    ArrayNode details = out.putArray("details");
    for (Order order : orders.values()) {
      synchronized (order) {
        if (order.settledAt != null && order.settledAt.atOffset(CHINA).toLocalDate().equals(day)) {
          details.addObject().put("setlId", order.setlId).put("medOrgOrd", order.medOrgOrd).put("setlTime", time(order.settledAt))
              .put("medfeeSumamt", yuan(order.total)).put("fundPaySumamt", yuan(order.fund)).put("acctPay", yuan(order.account))
              .put("psnCashPay", yuan(order.cash)).put("refdSetlFlag", "0");
        }
        for (Refund r : order.refunds) {
          if (r.at().atOffset(CHINA).toLocalDate().equals(day)) {
            details.addObject().put("setlId", order.setlId).put("medOrgOrd", order.medOrgOrd).put("setlTime", time(r.at()))
                .put("medfeeSumamt", yuan(-r.amount())).put("refdSetlFlag", "1").put("appRefdSn", r.appRefdSn())
                .put("trdRefdSn", r.trdRefdSn());
          }
        }
      }
    }
    return ok(out);
  }

  private static long share(long total, int percent) {
    return (total * percent + 50) / 100;
  }

  private static String yuan(long fen) {
    return Fen.signedYuan(fen).toPlainString();
  }

  private static long fen(String yuan) {
    try {
      return new BigDecimal(yuan).movePointRight(2).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return -1;
    }
  }

  private static String time(Instant at) {
    return at.atOffset(CHINA).format(TIME);
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    server.close();
  }
}
