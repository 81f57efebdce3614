package cn.healthcard.hub.payments.unionpay;

import cn.healthcard.hub.payments.channel.LoopbackServer;
import cn.healthcard.hub.payments.channel.NotificationSchedule;
import cn.healthcard.hub.payments.unionpay.UnionPayReconciliationFile.Field;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.MonthDay;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UnionPay's online gateway as the hub's sandbox and tests meet it, on loopback: app consumption
 * ({@code /gateway/api/appTransReq.do}), the transaction query ({@code queryTrans.do}), refunds
 * ({@code backTransReq.do}) and the file download ({@code /filedownload/}, {@code txnType} 76).
 * It checks each request's ACP 5.1.0 signature against the merchant's registered certificate
 * ({@code certId}), signs each answer and notification with its own signing certificate (sent
 * along as {@code signPubKeyCert}, issued under its middle and root certificates), and sends a
 * notification again on the channel's schedule until the merchant answers HTTP 200.
 */
public final class UnionPaySimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UnionPaySimulator.class);
  private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
  private static final DateTimeFormatter TXN_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  private final String merchantId;
  private final X509Certificate merchantCertificate;
  private final PrivateKey signingKey;
  private final String signingCertificate;
  private final String signingCertId;
  private final Clock clock;
  private final LoopbackServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, r -> {
    Thread t = new Thread(r, "unionpay-simulator-notify");
    t.setDaemon(true);
    return t;
  });
  private final NotificationSchedule notifications;
  private final Map<String, Consumption> consumptions = new ConcurrentHashMap<>();
  private final Map<String, Consumption> byQueryId = new ConcurrentHashMap<>();
  private final Map<String, Refund> refunds = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong(1);
  private final AtomicInteger notificationsSent = new AtomicInteger();
  private volatile boolean down;

  private static final class Consumption {
    final String orderId;
    final String txnTime;
    final long amount;
    final String backUrl;
    final String payTimeout;
    final String tn;
    volatile boolean paid;
    volatile String queryId;
    volatile Instant paidAt;
    volatile String traceNo;

    Consumption(String orderId, String txnTime, long amount, String backUrl, String payTimeout, String tn) {
      this.orderId = orderId;
      this.txnTime = txnTime;
      this.amount = amount;
      this.backUrl = backUrl;
      this.payTimeout = payTimeout;
      this.tn = tn;
    }
  }

  private record Refund(String orderId, String txnTime, long amount, Consumption original, String queryId,
      Instant refundedAt, String traceNo, String backUrl) {}

  public UnionPaySimulator(String merchantId, X509Certificate merchantCertificate, PrivateKey signingKey,
      X509Certificate signingCertificate, List<Duration> retries, Clock clock) throws IOException {
    this.merchantId = merchantId;
    this.merchantCertificate = merchantCertificate;
    this.signingKey = signingKey;
    this.signingCertificate = AcpSignature.pem(signingCertificate);
    this.signingCertId = AcpSignature.certId(signingCertificate);
    this.clock = clock;
    this.notifications = new NotificationSchedule("UnionPay", retries, scheduler, answer -> answer.statusCode() == 200);
    this.server = new LoopbackServer("unionpay-simulator", "/*", this::handle);
  }

  /** The gateway's base URL (the API paths are added to it). */
  public String gatewayUrl() {
    return server.baseUrl();
  }

  public String fileUrl() {
    return server.baseUrl() + "/filedownload/";
  }

  public int notificationsSent() {
    return notificationsSent.get();
  }

  /** Tests: every request is answered {@code respCode} 02 (the system is closed for a while). */
  public void setDown(boolean down) {
    this.down = down;
  }

  /** How many refunds the channel holds for an order (tests: a refund is never made twice). */
  public long refundsOf(String orderId) {
    return refunds.values().stream().filter(r -> r.original().orderId.equals(orderId)).count();
  }

  /**
   * The payer's app pays with the order's {@code tn}: the consumption succeeds and its
   * notification goes to the merchant's {@code backUrl}.
   *
   * @return false when there is no such order, or it is paid or lapsed
   */
  public boolean pay(String orderId) {
    Consumption c = consumptions.get(orderId);
    if (c == null) {
      return false;
    }
    synchronized (c) {
      if (c.paid || now().format(TXN_TIME).compareTo(c.payTimeout) > 0) {
        return false;
      }
      c.paid = true;
      c.paidAt = clock.instant();
      c.queryId = queryId();
      c.traceNo = String.format("%06d", sequence.get() % 1_000_000);
      byQueryId.put(c.queryId, c);
    }
    notifications.deliver(() -> send(c.backUrl, AcpForm.encode(notification(c))));
    return true;
  }

  /** The paid order's notification exactly as it is sent, form-encoded (tests tamper with it). */
  public String notification(String orderId) {
    Consumption c = consumptions.get(orderId);
    if (c == null || !c.paid) {
      throw new IllegalStateException("no paid order " + orderId);
    }
    return AcpForm.encode(notification(c));
  }

  /** Sends the paid order's notification once more (tests). */
  public int renotify(String orderId) throws IOException, InterruptedException {
    return send(consumptions.get(orderId).backUrl, notification(orderId)).statusCode();
  }

  private HttpResponse<String> send(String url, String body) throws IOException, InterruptedException {
    notificationsSent.incrementAndGet();
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private Map<String, String> notification(Consumption c) {
    Map<String, String> fields = base("01", "01", "000201");
    fields.put("orderId", c.orderId);
    fields.put("txnTime", c.txnTime);
    fields.put("txnAmt", Long.toString(c.amount));
    fields.put("currencyCode", "156");
    fields.put("queryId", c.queryId);
    fields.put("traceNo", c.traceNo);
    fields.put("traceTime", UnionPayReconciliationFile.transmitted(c.paidAt));
    fields.put("settleDate", UnionPayReconciliationFile.settleDate(UnionPayChannel.settlementDate(c.paidAt)));
    fields.put("settleAmt", Long.toString(c.amount));
    fields.put("settleCurrencyCode", "156");
    fields.put("accNo", "6216****1234");
    fields.put("payType", "0001");
    fields.put("respCode", "00");
    fields.put("respMsg", "成功[0000000]");
    return signed(fields);
  }

  private Map<String, String> refundNotification(Refund r) {
    Map<String, String> fields = base("04", "00", "000201");
    fields.put("orderId", r.orderId());
    fields.put("origQryId", r.original().queryId);
    fields.put("txnTime", r.txnTime());
    fields.put("txnAmt", Long.toString(r.amount()));
    fields.put("currencyCode", "156");
    fields.put("queryId", r.queryId());
    fields.put("traceNo", r.traceNo());
    fields.put("traceTime", UnionPayReconciliationFile.transmitted(r.refundedAt()));
    fields.put("settleDate", UnionPayReconciliationFile.settleDate(UnionPayChannel.settlementDate(r.refundedAt())));
    fields.put("respCode", "00");
    fields.put("respMsg", "成功[0000000]");
    return signed(fields);
  }

  // ------------------------------------------------------------------ the gateway

  private void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    String path = request.getRequestURI();
    if (!"POST".equals(request.getMethod())) {
      response.sendError(405);
      return;
    }
    request.setCharacterEncoding("UTF-8");
    Map<String, String> fields = new TreeMap<>();
    request.getParameterMap().forEach((k, v) -> fields.put(k, v[0]));
    try {
      Map<String, String> answer = answer(path, fields);
      if (answer == null) {
        response.sendError(404);
        return;
      }
      byte[] bytes = AcpForm.write(signed(answer)).getBytes(StandardCharsets.UTF_8);
      response.setStatus(200);
      response.setHeader("Content-Type", "text/html;charset=UTF-8");
      response.setContentLength(bytes.length);
      try (OutputStream out = response.getOutputStream()) {
        out.write(bytes);
      }
    } catch (RuntimeException e) {
      log.warn("UnionPay simulator failed on a request ({})", e.getClass().getSimpleName());
      response.sendError(500);
    }
  }

  private Map<String, String> answer(String path, Map<String, String> fields) {
    Map<String, String> echo = echo(fields);
    if (!UnionPayChannel.VERSION.equals(fields.get("version")) || !"01".equals(fields.get("signMethod"))) {
      return error(echo, "30", "报文格式错误");
    }
    if (!merchantId.equals(fields.get("merId")) || !AcpSignature.certId(merchantCertificate).equals(fields.get("certId"))
        || !AcpSignature.verify(fields, merchantCertificate.getPublicKey())) {
      return error(echo, "11", "验证签名失败");
    }
    if (down) {
      return error(echo, "02", "系统未开放或暂时关闭，请稍后再试");
    }
    return switch (path) {
      case "/gateway/api/appTransReq.do" -> consume(fields, echo);
      case "/gateway/api/queryTrans.do" -> query(fields, echo);
      case "/gateway/api/backTransReq.do" -> refund(fields, echo);
      case "/filedownload/" -> file(fields, echo);
      default -> null;
    };
  }

  private Map<String, String> consume(Map<String, String> f, Map<String, String> echo) {
    String orderId = f.getOrDefault("orderId", "");
    long amount = fen(f.get("txnAmt"));
    if (!"01".equals(f.get("txnType")) || !"000201".equals(f.get("bizType")) || !orderId.matches("[0-9A-Za-z]{8,40}")
        || amount <= 0 || !"156".equals(f.get("currencyCode")) || f.getOrDefault("backUrl", "").isEmpty()
        || time(f.get("txnTime")).isEmpty()) {
      return error(echo, "30", "报文格式错误");
    }
    String payTimeout = f.getOrDefault("payTimeout", now().plusHours(2).format(TXN_TIME));
    Consumption c = consumptions.computeIfAbsent(orderId, k -> new Consumption(orderId, f.get("txnTime"), amount,
        f.get("backUrl"), payTimeout, String.format("%021d", Math.abs((long) orderId.hashCode()) * 1000 + sequence.incrementAndGet() % 1000)));
    if (c.amount != amount || !c.txnTime.equals(f.get("txnTime"))) {
      return error(echo, "12", "重复交易");
    }
    echo.put("tn", c.tn);
    return ok(echo);
  }

  private Map<String, String> query(Map<String, String> f, Map<String, String> echo) {
    String orderId = f.getOrDefault("orderId", "");
    Consumption c = consumptions.get(orderId);
    if (c != null && c.txnTime.equals(f.get("txnTime"))) {
      if (!c.paid) {
        return error(echo, "34", "查无此交易");
      }
      echo.put("origRespCode", "00");
      echo.put("origRespMsg", "成功[0000000]");
      echo.put("queryId", c.queryId);
      echo.put("traceNo", c.traceNo);
      echo.put("traceTime", UnionPayReconciliationFile.transmitted(c.paidAt));
      echo.put("settleDate", UnionPayReconciliationFile.settleDate(UnionPayChannel.settlementDate(c.paidAt)));
      echo.put("txnAmt", Long.toString(c.amount));
      echo.put("txnTime", c.txnTime);
      return ok(echo);
    }
    Refund r = refunds.get(orderId);
    if (r != null && r.txnTime().equals(f.get("txnTime"))) {
      echo.put("origRespCode", "00");
      echo.put("origRespMsg", "成功[0000000]");
      echo.put("queryId", r.queryId());
      echo.put("origQryId", r.original().queryId);
      echo.put("traceNo", r.traceNo());
      echo.put("traceTime", UnionPayReconciliationFile.transmitted(r.refundedAt()));
      echo.put("txnAmt", Long.toString(r.amount()));
      echo.put("txnTime", r.txnTime());
      return ok(echo);
    }
    return error(echo, "34", "查无此交易");
  }

  private Map<String, String> refund(Map<String, String> f, Map<String, String> echo) {
    String orderId = f.getOrDefault("orderId", "");
    long amount = fen(f.get("txnAmt"));
    if (!"04".equals(f.get("txnType")) || !orderId.matches("[0-9A-Za-z]{8,40}") || amount <= 0
        || f.getOrDefault("backUrl", "").isEmpty() || time(f.get("txnTime")).isEmpty()) {
      return error(echo, "30", "报文格式错误");
    }
    Consumption original = byQueryId.get(f.getOrDefault("origQryId", ""));
    if (original == null) {
      return error(echo, "35", "原交易不存在或状态不正确");
    }
    Refund refund;
    synchronized (original) {
      refund = refunds.get(orderId);
      if (refund == null) {
        long taken = refunds.values().stream().filter(r -> r.original() == original).mapToLong(Refund::amount).sum();
        if (taken + amount > original.amount) {
          return error(echo, "37", "退货金额超限");
        }
        refund = new Refund(orderId, f.get("txnTime"), amount, original, queryId(), clock.instant(),
            String.format("%06d", sequence.get() % 1_000_000), f.get("backUrl"));
        refunds.put(orderId, refund);
        Refund made = refund;
        notifications.deliver(() -> send(made.backUrl(), AcpForm.encode(refundNotification(made))));
      } else if (refund.amount() != amount || refund.original() != original) {
        return error(echo, "12", "重复交易");
      }
    }
    echo.put("queryId", refund.queryId());
    echo.put("origQryId", original.queryId);
    return ok(echo);
  }

  /**
   * The settlement day's file, made at once (UnionPay makes it the next morning): every
   * consumption paid and refund made in that settlement day (from 23:00 the day before to 23:00).
   */
  private Map<String, String> file(Map<String, String> f, Map<String, String> echo) {
    if (!"76".equals(f.get("txnType")) || !f.getOrDefault("settleDate", "").matches("\\d{4}")) {
      return error(echo, "30", "报文格式错误");
    }
    MonthDay monthDay = MonthDay.parse("--" + f.get("settleDate").substring(0, 2) + "-" + f.get("settleDate").substring(2));
    LocalDate today = UnionPayChannel.settlementDate(clock.instant());
    LocalDate day = monthDay.atYear(today.getYear());
    if (day.isAfter(today)) {
      day = day.minusYears(1);
    }
    List<String> lines = new ArrayList<>();
    for (Consumption c : consumptions.values()) {
      if (c.paid && UnionPayChannel.settlementDate(c.paidAt).equals(day)) {
        lines.add(line("S22", c.paidAt, c.amount, c.queryId, c.orderId, "01", "01", fee(c.amount), 'D',
            c.amount - fee(c.amount), 'C', "", ""));
      }
    }
    for (Refund r : refunds.values()) {
      if (UnionPayChannel.settlementDate(r.refundedAt()).equals(day)) {
        lines.add(line("S30", r.refundedAt(), r.amount(), r.queryId(), r.orderId(), "04", "00", fee(r.amount()), 'C',
            r.amount() - fee(r.amount()), 'D', r.original().queryId, r.original().orderId));
      }
    }
    if (lines.isEmpty()) {
      return error(echo, "98", "文件不存在");
    }
    lines.sort(null);
    echo.put("settleDate", f.get("settleDate"));
    echo.put("fileType", "00");
    echo.put("fileName", merchantId + "_" + day.format(DateTimeFormatter.BASIC_ISO_DATE) + ".zip");
    echo.put("fileContent", UnionPayReconciliationFile.fileContent(day, merchantId, lines));
    return ok(echo);
  }

  private String line(String code, Instant at, long amount, String queryId, String orderId, String txnType,
      String txnSubType, long fee, char feeDirection, long settled, char settledDirection, String originalQueryId,
      String originalOrderId) {
    Map<Field, String> values = new EnumMap<>(Field.class);
    values.put(Field.TRANSACTION_CODE, code);
    values.put(Field.AGENT_ID, "00049992900");
    values.put(Field.SENDER_ID, "00049992900");
    values.put(Field.TRACE_NO, String.format("%06d", sequence.incrementAndGet() % 1_000_000));
    values.put(Field.TRANSMITTED_AT, UnionPayReconciliationFile.transmitted(at));
    values.put(Field.ACCOUNT, "6216****1234");
    values.put(Field.AMOUNT, UnionPayReconciliationFile.amount(amount, 12, Optional.empty()));
    values.put(Field.MERCHANT_CATEGORY, "8062");
    values.put(Field.TERMINAL_TYPE, "08");
    values.put(Field.QUERY_ID, queryId);
    values.put(Field.ORDER_ID, orderId);
    values.put(Field.CARD_TYPE, "01");
    values.put(Field.MERCHANT_FEE, UnionPayReconciliationFile.amount(fee, 12, Optional.of(feeDirection)));
    values.put(Field.SETTLED_AMOUNT, UnionPayReconciliationFile.amount(settled, 13, Optional.of(settledDirection)));
    values.put(Field.PAY_TYPE, "0001");
    values.put(Field.TXN_TYPE, txnType);
    values.put(Field.TXN_SUB_TYPE, txnSubType);
    values.put(Field.BIZ_TYPE, "000201");
    values.put(Field.ACCOUNT_TYPE, "01");
    values.put(Field.INTERACTION, "1");
    values.put(Field.ORIGINAL_QUERY_ID, originalQueryId);
    values.put(Field.MERCHANT_ID, merchantId);
    values.put(Field.NET_AMOUNT, UnionPayReconciliationFile.amount(settled, 12, Optional.empty()));
    values.put(Field.MEDIUM, "1");
    values.put(Field.ORIGINAL_ORDER_ID, originalOrderId);
    return UnionPayReconciliationFile.line(values);
  }

  /** The simulated merchant's rate: 0.5%, rounded to the fen. */
  private static long fee(long fen) {
    return (fen * 5 + 500) / 1000;
  }

  private Map<String, String> base(String txnType, String txnSubType, String bizType) {
    Map<String, String> fields = new TreeMap<>();
    fields.put("version", UnionPayChannel.VERSION);
    fields.put("encoding", "UTF-8");
    fields.put("signMethod", "01");
    fields.put("txnType", txnType);
    fields.put("txnSubType", txnSubType);
    fields.put("bizType", bizType);
    fields.put("accessType", "0");
    fields.put("merId", merchantId);
    return fields;
  }

  /** What an answer repeats of its request. */
  private static Map<String, String> echo(Map<String, String> request) {
    Map<String, String> echo = new TreeMap<>();
    for (String field : List.of("version", "encoding", "signMethod", "txnType", "txnSubType", "bizType", "accessType",
        "merId", "orderId", "txnTime", "txnAmt", "currencyCode", "settleDate", "origQryId")) {
      String value = request.get(field);
      if (value != null && !value.isEmpty()) {
        echo.put(field, value);
      }
    }
    return echo;
  }

  private static Map<String, String> ok(Map<String, String> echo) {
    echo.put("respCode", "00");
    echo.put("respMsg", "成功[0000000]");
    return echo;
  }

  private static Map<String, String> error(Map<String, String> echo, String code, String message) {
    echo.put("respCode", code);
    echo.put("respMsg", message);
    return echo;
  }

  /** Signed with UnionPay's signing certificate, which goes along for the merchant to check. */
  private Map<String, String> signed(Map<String, String> fields) {
    fields.put("certId", signingCertId);
    fields.put(AcpSignature.SIGN_CERT, signingCertificate);
    return AcpSignature.sign(fields, signingKey);
  }

  private String queryId() {
    return now().format(TXN_TIME) + String.format("%07d", sequence.incrementAndGet() % 10_000_000);
  }

  private LocalDateTime now() {
    return LocalDateTime.now(clock.withZone(CHINA));
  }

  private static Optional<LocalDateTime> time(String text) {
    try {
      return Optional.of(LocalDateTime.parse(text == null ? "" : text, TXN_TIME));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static long fen(String text) {
    try {
      return text == null || !text.matches("\\d{1,12}") ? -1 : Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    server.close();
  }
}
