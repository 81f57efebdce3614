package cn.healthcard.hub.payments.alipay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cn.healthcard.hub.payments.channel.LoopbackServer;
import cn.healthcard.hub.payments.channel.NotificationSchedule;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alipay's open-API gateway as the hub's sandbox and tests meet it, on loopback: {@code
 * alipay.trade.precreate}, {@code .query}, {@code .close}, {@code .refund} and {@code
 * .fastpay.refund.query} on {@code POST /gateway.do}. It checks every request's RSA2 signature
 * with the application's public key (the sorted {@code k=v} pairs without {@code sign}), signs
 * each answer's {@code <method>_response} object with Alipay's key, and sends signed form
 * notifications when a payer pays, again on the channel's schedule until the merchant answers
 * {@code success}.
 */
public final class AlipaySimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(AlipaySimulator.class);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  private final String appId;
  private final PublicKey appPublicKey;
  private final KeyPair alipayKeys;
  private final NotificationSchedule notifications;
  private final Clock clock;
  private final LoopbackServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, r -> {
    Thread t = new Thread(r, "alipay-simulator-notify");
    t.setDaemon(true);
    return t;
  });
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Trade> trades = new ConcurrentHashMap<>();
  private final Map<String, Refund> refunds = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong(20261207000001L);
  private final AtomicInteger notificationsSent = new AtomicInteger();
  /** Bills asked for and not yet downloaded, by token (Alipay's download URLs live 30 seconds). */
  private final Map<String, byte[]> bills = new ConcurrentHashMap<>();
  private volatile boolean down;

  /** A pre-created trade: NOT_SCANNED until the payer scans (the trade does not exist at Alipay before). */
  private static final class Trade {
    final String outTradeNo;
    final long totalFen;
    final String subject;
    final String notifyUrl;
    final String createdAt;
    volatile String status = "NOT_SCANNED";
    volatile String tradeNo;
    volatile String paidAt;
    volatile String notifyId;

    Trade(String outTradeNo, long totalFen, String subject, String notifyUrl, String createdAt) {
      this.outTradeNo = outTradeNo;
      this.totalFen = totalFen;
      this.subject = subject;
      this.notifyUrl = notifyUrl;
      this.createdAt = createdAt;
    }
  }

  private record Refund(String outRequestNo, Trade trade, long amountFen, String refundedAt) {}

  public AlipaySimulator(String appId, PublicKey appPublicKey, KeyPair alipayKeys, List<Duration> retries, Clock clock)
      throws IOException {
    this.appId = appId;
    this.appPublicKey = appPublicKey;
    this.alipayKeys = alipayKeys;
    this.notifications = new NotificationSchedule("Alipay", retries, scheduler, answer -> "success".equals(answer.body().strip()));
    this.clock = clock;
    this.server = new LoopbackServer("alipay-simulator", "/*", this::handle);
  }

  /** The gateway URL the adapter is given. */
  public String gatewayUrl() {
    return server.baseUrl() + "/gateway.do";
  }

  public int notificationsSent() {
    return notificationsSent.get();
  }

  /** Tests: every request is answered with a system error (code 20000). */
  public void setDown(boolean down) {
    this.down = down;
  }

  /** How many refunds the channel holds for a trade (tests: a refund is never made twice). */
  public long refundsOf(String outTradeNo) {
    return refunds.values().stream().filter(r -> r.trade().outTradeNo.equals(outTradeNo)).count();
  }

  /**
   * The payer scans and pays: the trade succeeds and its notification goes to the merchant.
   *
   * @return false when there is no such open trade
   */
  public boolean pay(String outTradeNo) {
    Trade trade = trades.get(outTradeNo);
    if (trade == null) {
      return false;
    }
    synchronized (trade) {
      if (!trade.status.equals("NOT_SCANNED") && !trade.status.equals("WAIT_BUYER_PAY")) {
        return false;
      }
      trade.status = "TRADE_SUCCESS";
      trade.tradeNo = "2026" + sequence.incrementAndGet() + "22001";
      trade.paidAt = now();
      trade.notifyId = UUID.randomUUID().toString().replace("-", "");
    }
    notifications.deliver(() -> send(trade.notifyUrl, notificationBody(trade)));
    return true;
  }

  /** The paid trade's notification exactly as it would be sent (tests tamper with it). */
  public String notification(String outTradeNo) {
    Trade trade = trades.get(outTradeNo);
    if (trade == null || trade.notifyId == null) {
      throw new IllegalStateException("no paid trade " + outTradeNo);
    }
    return notificationBody(trade);
  }

  /** Sends the paid trade's notification once more (tests). */
  public int renotify(String outTradeNo) throws IOException, InterruptedException {
    Trade trade = trades.get(outTradeNo);
    return send(trade.notifyUrl, notification(outTradeNo)).statusCode();
  }

  private HttpResponse<String> send(String url, String body) throws IOException, InterruptedException {
    notificationsSent.incrementAndGet();
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The asynchronous notification: form fields, signed over the sorted pairs without sign and sign_type. */
  private String notificationBody(Trade trade) {
    Map<String, String> fields = new TreeMap<>();
    fields.put("notify_time", now());
    fields.put("notify_type", "trade_status_sync");
    fields.put("notify_id", trade.notifyId);
    fields.put("app_id", appId);
    fields.put("charset", "utf-8");
    fields.put("version", "1.0");
    fields.put("trade_no", trade.tradeNo);
    fields.put("out_trade_no", trade.outTradeNo);
    fields.put("trade_status", trade.status.equals("NOT_SCANNED") ? "WAIT_BUYER_PAY" : trade.status);
    fields.put("total_amount", yuan(trade.totalFen));
    fields.put("receipt_amount", yuan(trade.totalFen));
    fields.put("buyer_pay_amount", yuan(trade.totalFen));
    fields.put("subject", trade.subject);
    fields.put("gmt_create", trade.createdAt);
    fields.put("gmt_payment", trade.paidAt);
    fields.put("buyer_logon_id", "138****8888");
    String sign = sign(content(fields));
    fields.put("sign_type", "RSA2");
    fields.put("sign", sign);
    List<String> pairs = new ArrayList<>();
    fields.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
    return String.join("&", pairs);
  }

  // ------------------------------------------------------------------ the gateway

  private void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    if (request.getRequestURI().equals("/bill/download")) {
      byte[] bill = bills.remove(Optional.ofNullable(request.getParameter("token")).orElse(""));
      if (bill == null) {
        response.sendError(404);
        return;
      }
      response.setStatus(200);
      response.setHeader("Content-Type", "application/zip");
      response.setContentLength(bill.length);
      try (OutputStream out = response.getOutputStream()) {
        out.write(bill);
      }
      return;
    }
    if (!request.getRequestURI().equals("/gateway.do")) {
      response.sendError(404);
      return;
    }
    Map<String, String> params = new TreeMap<>();
    request.setCharacterEncoding("UTF-8");
    request.getParameterMap().forEach((k, v) -> params.put(k, v[0]));
    String method = params.getOrDefault("method", "");
    String node = method.replace('.', '_') + "_response";
    try {
      if (!appId.equals(params.get("app_id"))) {
        answer(response, node, error("40002", "Invalid Arguments", "isv.invalid-app-id", "无效的AppID参数"));
        return;
      }
      if (!"RSA2".equals(params.get("sign_type")) || !verify(params)) {
        answer(response, node, error("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错"));
        return;
      }
      if (down) {
        answer(response, node, error("20000", "Service Currently Unavailable", "isp.unknow-error", "系统繁忙"));
        return;
      }
      JsonNode biz = json.readTree(params.getOrDefault("biz_content", "{}"));
      ObjectNode result = switch (method) {
        case "alipay.trade.precreate" -> precreate(biz, params.get("notify_url"));
        case "alipay.trade.query" -> query(biz);
        case "alipay.trade.close" -> close(biz);
        case "alipay.trade.refund" -> refund(biz);
        case "alipay.trade.fastpay.refund.query" -> refundQuery(biz);
        case "alipay.data.dataservice.bill.downloadurl.query" -> billUrl(biz);
        default -> error("40004", "Business Failed", "isv.invalid-method", "不存在的方法名");
      };
      answer(response, node, result);
    } catch (RuntimeException e) {
      log.warn("Alipay simulator failed on a request ({})", e.getClass().getSimpleName());
      response.sendError(500);
    }
  }

  private ObjectNode precreate(JsonNode biz, String notifyUrl) {
    String outTradeNo = biz.path("out_trade_no").asText("");
    long fen = fen(biz.path("total_amount").asText(""));
    if (outTradeNo.isEmpty() || fen <= 0 || notifyUrl == null || notifyUrl.isEmpty()) {
      return error("40004", "Business Failed", "ACQ.INVALID_PARAMETER", "参数无效");
    }
    Trade trade = trades.computeIfAbsent(outTradeNo, k -> new Trade(outTradeNo, fen, biz.path("subject").asText(""),
        notifyUrl, now()));
    if (trade.totalFen != fen) {
      return error("40004", "Business Failed", "ACQ.CONTEXT_INCONSISTENT", "交易信息被篡改");
    }
    if (trade.status.equals("TRADE_SUCCESS")) {
      return error("40004", "Business Failed", "ACQ.TRADE_HAS_SUCCESS", "交易已被支付");
    }
    return success().put("out_trade_no", outTradeNo).put("qr_code", "https://qr.alipay.com/bax0" + Math.abs(outTradeNo.hashCode()));
  }

  private ObjectNode query(JsonNode biz) {
    Trade trade = trades.get(biz.path("out_trade_no").asText(""));
    if (trade == null || trade.status.equals("NOT_SCANNED")) {
      return error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    ObjectNode r = success().put("trade_no", trade.tradeNo == null ? "" : trade.tradeNo).put("out_trade_no", trade.outTradeNo)
        .put("buyer_logon_id", "138****8888").put("trade_status", trade.status).put("total_amount", yuan(trade.totalFen));
    if (trade.paidAt != null) {
      r.put("send_pay_date", trade.paidAt).put("receipt_amount", yuan(trade.totalFen));
    }
    return r;
  }

  private ObjectNode close(JsonNode biz) {
    Trade trade = trades.get(biz.path("out_trade_no").asText(""));
    if (trade == null || trade.status.equals("NOT_SCANNED")) {
      return error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    synchronized (trade) {
      if (!trade.status.equals("WAIT_BUYER_PAY")) {
        return error("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR", "交易状态不合法");
      }
      trade.status = "TRADE_CLOSED";
    }
    return success().put("out_trade_no", trade.outTradeNo);
  }

  private ObjectNode refund(JsonNode biz) {
    Trade trade = trades.get(biz.path("out_trade_no").asText(""));
    String requestNo = biz.path("out_request_no").asText("");
    long fen = fen(biz.path("refund_amount").asText(""));
    if (trade == null || trade.tradeNo == null) {
      return error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    synchronized (trade) {
      Refund existing = refunds.get(trade.outTradeNo + "/" + requestNo);
      if (existing == null) {
        long taken = refunds.values().stream().filter(r -> r.trade() == trade).mapToLong(Refund::amountFen).sum();
        if (fen <= 0 || taken + fen > trade.totalFen) {
          return error("40004", "Business Failed", "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限");
        }
        refunds.put(trade.outTradeNo + "/" + requestNo, new Refund(requestNo, trade, fen, now()));
        if (taken + fen == trade.totalFen) {
          trade.status = "TRADE_CLOSED";
        }
      }
      long refunded = refunds.values().stream().filter(r -> r.trade() == trade).mapToLong(Refund::amountFen).sum();
      return success().put("trade_no", trade.tradeNo).put("out_trade_no", trade.outTradeNo)
          .put("buyer_logon_id", "138****8888").put("fund_change", existing == null ? "Y" : "N")
          .put("refund_fee", yuan(refunded)).put("gmt_refund_pay", refunds.get(trade.outTradeNo + "/" + requestNo).refundedAt());
    }
  }

  private ObjectNode refundQuery(JsonNode biz) {
    Trade trade = trades.get(biz.path("out_trade_no").asText(""));
    if (trade == null) {
      return error("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST", "交易不存在");
    }
    Refund refund = refunds.get(trade.outTradeNo + "/" + biz.path("out_request_no").asText(""));
    ObjectNode r = success().put("trade_no", trade.tradeNo).put("out_trade_no", trade.outTradeNo);
    if (refund != null) {
      r.put("out_request_no", refund.outRequestNo()).put("refund_amount", yuan(refund.amountFen()))
          .put("total_amount", yuan(trade.totalFen)).put("refund_status", "REFUND_SUCCESS")
          .put("gmt_refund_pay", refund.refundedAt());
    }
    return r;
  }

  /**
   * The day's trade bill: ready at once in the sandbox (Alipay makes it the next morning); a
   * download URL that works once.
   */
  private ObjectNode billUrl(JsonNode biz) {
    String day = biz.path("bill_date").asText("");
    if (!"trade".equals(biz.path("bill_type").asText("")) || !day.matches("\\d{4}-\\d{2}-\\d{2}")) {
      return error("40004", "Business Failed", "isv.invalid-arguments", "参数无效");
    }
    List<String> rows = new ArrayList<>();
    long[] trade = new long[2];
    long[] refund = new long[2];
    for (Trade t : trades.values()) {
      if (t.paidAt != null && t.paidAt.startsWith(day)) {
        rows.add(billRow(t, "交易", t.paidAt, t.totalFen, "", -fee(t.totalFen)));
        trade[0]++;
        trade[1] += t.totalFen;
      }
    }
    for (Refund r : refunds.values()) {
      if (r.refundedAt().startsWith(day)) {
        rows.add(billRow(r.trade(), "退款", r.refundedAt(), -r.amountFen(), r.outRequestNo(), fee(r.amountFen())));
        refund[0]++;
        refund[1] -= r.amountFen();
      }
    }
    if (rows.isEmpty()) {
      return error("40004", "Business Failed", "isp.bill_not_exist", "账单不存在");
    }
    rows.sort(java.util.Comparator.comparing(r -> r.split(",")[5]));
    String chinese = day.substring(0, 4) + "年" + day.substring(5, 7) + "月" + day.substring(8) + "日";
    StringBuilder detail = new StringBuilder("#支付宝业务明细查询\r\n#账号：[2088" + appId + "]\r\n")
        .append("#起始日期：[").append(chinese).append(" 00:00:00]   终止日期：[").append(chinese).append(" 23:59:59]\r\n")
        .append("#-----------------------------------------业务明细列表----------------------------------------\r\n")
        .append(String.join(",", AlipayTradeBill.COLUMNS)).append("\r\n");
    rows.forEach(r -> detail.append(r).append("\r\n"));
    detail.append("#-----------------------------------------业务明细列表结束------------------------------------\r\n")
        .append("#交易合计：").append(trade[0]).append("笔，商家实收：").append(yuan(trade[1])).append("元，商家优惠：0.00元\r\n")
        .append("#退款合计：").append(refund[0]).append("笔，商家实收：").append(yuan(refund[1])).append("元，商家优惠：0.00元\r\n")
        .append("#导出时间：[").append(now()).append("]\r\n");
    String summary = "#支付宝业务汇总查询\r\n门店编号,门店名称,交易订单总笔数,退款订单总笔数\r\n,," + trade[0] + "," + refund[0] + "\r\n";
    String token = UUID.randomUUID().toString().replace("-", "");
    bills.put(token, AlipayTradeBill.zip("2088" + appId, day, detail.toString(), summary));
    return success().put("bill_download_url", server.baseUrl() + "/bill/download?token=" + token);
  }

  private static String billRow(Trade t, String kind, String at, long fen, String requestNo, long feeFen) {
    return String.join(",", t.tradeNo + "\t", t.outTradeNo + "\t", kind, t.subject, t.createdAt, at, "", "", "", "",
        "138****8888", yuan(fen), yuan(fen), "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00",
        requestNo.isEmpty() ? "" : requestNo + "\t", yuan(feeFen), "0.00", "");
  }

  /** The simulated application's rate: 0.6%, rounded to the fen. */
  private static long fee(long fen) {
    return (fen * 6 + 500) / 1000;
  }

  private ObjectNode success() {
    return json.createObjectNode().put("code", "10000").put("msg", "Success");
  }

  private ObjectNode error(String code, String msg, String subCode, String subMsg) {
    return json.createObjectNode().put("code", code).put("msg", msg).put("sub_code", subCode).put("sub_msg", subMsg);
  }

  /** {"<method>_response":{...},"sign":"..."}: the sign covers the response object's text exactly. */
  private void answer(HttpServletResponse response, String node, ObjectNode result) throws IOException {
    String content = result.toString();
    String body = "{\"" + node + "\":" + content + ",\"sign\":\"" + sign(content) + "\"}";
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    response.setStatus(200);
    response.setHeader("Content-Type", "text/html;charset=utf-8");
    response.setContentLength(bytes.length);
    try (OutputStream out = response.getOutputStream()) {
      out.write(bytes);
    }
  }

  /** The request's sign over its sorted non-empty pairs, {@code sign} left out. */
  private boolean verify(Map<String, String> params) {
    Map<String, String> signed = new TreeMap<>(params);
    String sign = signed.remove("sign");
    if (sign == null) {
      return false;
    }
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(appPublicKey);
      verifier.update(content(signed).getBytes(StandardCharsets.UTF_8));
      return verifier.verify(Base64.getDecoder().decode(sign));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  private static String content(Map<String, String> sorted) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(sorted).forEach((k, v) -> {
      if (v != null && !v.isEmpty()) {
        text.append(text.length() == 0 ? "" : "&").append(k).append('=').append(v);
      }
    });
    return text.toString();
  }

  private String sign(String content) {
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(alipayKeys.getPrivate());
      signer.update(content.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with Alipay's key", e);
    }
  }

  private String now() {
    return LocalDateTime.now(clock.withZone(ZoneOffset.ofHours(8))).withNano(0).format(TIME);
  }

  private static String yuan(long fen) {
    return cn.healthcard.hub.payments.order.Fen.signedYuan(fen).toPlainString();
  }

  private static long fen(String yuan) {
    try {
      return new BigDecimal(yuan).movePointRight(2).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    server.close();
  }
}
