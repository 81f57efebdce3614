package cn.healthcard.hub.payments.wechatpay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import cn.healthcard.hub.payments.channel.LoopbackServer;
import cn.healthcard.hub.payments.channel.NotificationSchedule;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WeChat Pay API v3 as the hub's sandbox and tests meet it, on loopback: Native prepay, query by
 * out_trade_no, close, refunds (create, query by out_refund_no), and payment and refund
 * notifications. It checks every request's
 * {@code WECHATPAY2-SHA256-RSA2048} signature with the merchant's public key (401 SIGN_ERROR
 * otherwise), signs every answer and notification with its own platform key (Wechatpay-Signature,
 * -Timestamp, -Nonce, -Serial), encrypts notification resources with AEAD_AES_256_GCM and the APIv3
 * key, and sends a notification again on the channel's schedule until the merchant answers 2xx.
 */
public final class WechatPaySimulator implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(WechatPaySimulator.class);
  private static final Pattern AUTH_PAIR = Pattern.compile("(\\w+)=\"([^\"]*)\"");
  private static final Pattern BY_OUT_TRADE_NO = Pattern.compile("/v3/pay/transactions/out-trade-no/([^/?]+)(/close)?");
  private static final Pattern BILL_DATE = Pattern.compile("bill_date=(\\d{4}-\\d{2}-\\d{2})");
  private static final Pattern TOKEN = Pattern.compile("token=([0-9a-f]+)");
  private static final Pattern REFUND_BY_NO = Pattern.compile("/v3/refund/domestic/refunds/([^/?]+)");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The delays between a notification's attempts (WeChat Pay's schedule, shortened for the sandbox). */
  public static final List<Duration> SANDBOX_RETRIES = List.of(
      Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8), Duration.ofSeconds(16));

  private final String merchantId;
  private final PublicKey merchantPublicKey;
  private final String merchantSerialNumber;
  private final KeyPair platformKeys;
  private final String platformPublicKeyId;
  private final byte[] apiV3Key;
  private final NotificationSchedule notifications;
  private final Clock clock;
  private final LoopbackServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  // notifications go out concurrently, as the channel sends them
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, r -> {
    Thread t = new Thread(r, "wechatpay-simulator-notify");
    t.setDaemon(true);
    return t;
  });
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Order> orders = new ConcurrentHashMap<>();
  private final AtomicLong transactions = new AtomicLong(4200000000L);
  private final AtomicInteger notificationsSent = new AtomicInteger();
  private final Map<String, RefundEntry> refunds = new ConcurrentHashMap<>();
  /** Tests: the channel answers every request with a system error. */
  private volatile boolean down;
  /** Tests: refunds end ABNORMAL instead of SUCCESS. */
  private volatile boolean refundsFail;
  /** Tests: the day's bills are still being made (STATEMENT_CREATING). */
  private volatile boolean statementsCreating;
  /** Tests: downloads arrive with a byte changed (the hash no longer matches). */
  private volatile boolean corruptDownloads;
  /** Tests: orders the bill leaves out, and amounts it states differently. */
  private final java.util.Set<String> leftOutOfBills = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> billedAmounts = new ConcurrentHashMap<>();
  /** Bills asked for and not yet downloaded, by token. */
  private final Map<String, byte[]> bills = new ConcurrentHashMap<>();

  /** A refund the simulator holds. */
  private static final class RefundEntry {
    final String outRefundNo;
    final Order order;
    final long amount;
    final String notifyUrl;
    final String refundId;
    final String createTime;
    volatile String status = "PROCESSING";
    volatile String successTime;
    volatile String notificationId;

    RefundEntry(String outRefundNo, Order order, long amount, String notifyUrl, String refundId, String createTime) {
      this.outRefundNo = outRefundNo;
      this.order = order;
      this.amount = amount;
      this.notifyUrl = notifyUrl;
      this.refundId = refundId;
      this.createTime = createTime;
    }
  }

  /** Tests: the channel is unreachable in effect (every request answered 500 SYSTEM_ERROR) or back. */
  public void setDown(boolean down) {
    this.down = down;
  }

  /** Tests: refunds end ABNORMAL (the payer's account cannot take the money back) or succeed. */
  public void setRefundsFail(boolean fail) {
    this.refundsFail = fail;
  }

  /** How many refunds the channel holds for an order (tests: a refund is never made twice). */
  public long refundsOf(String outTradeNo) {
    return refunds.values().stream().filter(r -> r.order.outTradeNo.equals(outTradeNo)).count();
  }

  /** Tests: the day's bills answer STATEMENT_CREATING (as before 10:00 the next day) or are made. */
  public void setStatementsCreating(boolean creating) {
    this.statementsCreating = creating;
  }

  /** Tests: bill downloads have one byte changed on the way. */
  public void setCorruptDownloads(boolean corrupt) {
    this.corruptDownloads = corrupt;
  }

  /** Tests: the bill leaves this order's payment out (the hub has it, the channel's books do not). */
  public void leaveOutOfBill(String outTradeNo) {
    leftOutOfBills.add(outTradeNo);
  }

  /** Tests: the bill states another amount for this order's payment. */
  public void billAmount(String outTradeNo, long fen) {
    billedAmounts.put(outTradeNo, fen);
  }

  /**
   * Tests: a payment the channel took for this merchant with an order number the hub never made
   * (no notification is sent: there is no notify URL).
   *
   * @return the channel's transaction id
   */
  public String foreignPayment(String outTradeNo, long fen) {
    Order order = new Order(outTradeNo, "sandbox-app", "外部订单", fen, null, "");
    order.state = "SUCCESS";
    order.transactionId = Long.toString(transactions.incrementAndGet()) + HexFormat.of().formatHex(random(4));
    order.successTime = now();
    orders.put(outTradeNo, order);
    return order.transactionId;
  }

  /** An order the simulator holds. */
  private static final class Order {
    final String outTradeNo;
    final String appId;
    final String description;
    final long total;
    final String notifyUrl;
    final String codeUrl;
    volatile String state = "NOTPAY";
    volatile String transactionId;
    volatile String successTime;
    volatile String notificationId;

    Order(String outTradeNo, String appId, String description, long total, String notifyUrl, String codeUrl) {
      this.outTradeNo = outTradeNo;
      this.appId = appId;
      this.description = description;
      this.total = total;
      this.notifyUrl = notifyUrl;
      this.codeUrl = codeUrl;
    }
  }

  public WechatPaySimulator(String merchantId, PublicKey merchantPublicKey, String merchantSerialNumber,
      KeyPair platformKeys, String platformPublicKeyId, String apiV3Key, List<Duration> retries, Clock clock)
      throws IOException {
    this.merchantId = merchantId;
    this.merchantPublicKey = merchantPublicKey;
    this.merchantSerialNumber = merchantSerialNumber;
    this.platformKeys = platformKeys;
    this.platformPublicKeyId = platformPublicKeyId;
    this.apiV3Key = apiV3Key.getBytes(StandardCharsets.UTF_8);
    this.notifications = new NotificationSchedule("WeChat Pay", retries, scheduler, answer -> answer.statusCode() / 100 == 2);
    this.clock = clock;
    this.server = new LoopbackServer("wechatpay-simulator", "/v3/*", this::handle);
  }

  /** {@code http://127.0.0.1:<port>}: the base URL the channel adapter is given. */
  public String baseUrl() {
    return server.baseUrl();
  }

  public int notificationsSent() {
    return notificationsSent.get();
  }

  /**
   * The payer pays the order: it becomes SUCCESS and its notification goes to the merchant.
   *
   * @return false when the simulator has no open order with that number
   */
  public boolean pay(String outTradeNo) {
    Order order = orders.get(outTradeNo);
    if (order == null) {
      return false;
    }
    synchronized (order) {
      if (!order.state.equals("NOTPAY") && !order.state.equals("USERPAYING")) {
        return false;
      }
      order.state = "SUCCESS";
      order.transactionId = Long.toString(transactions.incrementAndGet()) + HexFormat.of().formatHex(random(4));
      order.successTime = OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.ofHours(8))
          .withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      order.notificationId = UUID.randomUUID().toString();
    }
    notifications.deliver(() -> send(order.notifyUrl, notificationBody(order)));
    return true;
  }

  /** Sends the paid order's notification once more, as the channel does when it has no 2xx yet (tests). */
  public int renotify(String outTradeNo) throws IOException, InterruptedException {
    Order order = orders.get(outTradeNo);
    if (order == null || order.notificationId == null) {
      throw new IllegalStateException("no paid order " + outTradeNo);
    }
    return send(order).statusCode();
  }

  /** The notification of a paid order exactly as it would be sent: headers and body (tests tamper with it). */
  public Map.Entry<Map<String, String>, String> notification(String outTradeNo) {
    Order order = orders.get(outTradeNo);
    if (order == null || order.notificationId == null) {
      throw new IllegalStateException("no paid order " + outTradeNo);
    }
    String body = notificationBody(order);
    return Map.entry(signedHeaders(body), body);
  }

  private HttpResponse<String> send(Order order) throws IOException, InterruptedException {
    return send(order.notifyUrl, notificationBody(order));
  }

  private HttpResponse<String> send(String url, String body) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    signedHeaders(body).forEach(request::header);
    notificationsSent.incrementAndGet();
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Sends a finished refund's notification once more (tests). */
  public int renotifyRefund(String outRefundNo) throws IOException, InterruptedException {
    RefundEntry refund = refunds.get(outRefundNo);
    if (refund == null || refund.notificationId == null) {
      throw new IllegalStateException("no finished refund " + outRefundNo);
    }
    return send(refund.notifyUrl, refundNotificationBody(refund)).statusCode();
  }

  private String refundNotificationBody(RefundEntry refund) {
    ObjectNode plain = json.createObjectNode()
        .put("mchid", merchantId)
        .put("out_trade_no", refund.order.outTradeNo)
        .put("transaction_id", refund.order.transactionId)
        .put("out_refund_no", refund.outRefundNo)
        .put("refund_id", refund.refundId)
        .put("refund_status", refund.status)
        .put("user_received_account", "支付用户零钱");
    if (refund.successTime != null) {
      plain.put("success_time", refund.successTime);
    }
    plain.set("amount", json.createObjectNode().put("total", refund.order.total).put("refund", refund.amount)
        .put("payer_total", refund.order.total).put("payer_refund", refund.amount));
    String nonce = HexFormat.of().formatHex(random(6));
    ObjectNode resource = json.createObjectNode()
        .put("original_type", "refund")
        .put("algorithm", "AEAD_AES_256_GCM")
        .put("ciphertext", encrypt(plain.toString(), nonce, "refund"))
        .put("associated_data", "refund")
        .put("nonce", nonce);
    ObjectNode envelope = json.createObjectNode()
        .put("id", refund.notificationId)
        .put("create_time", refund.successTime == null ? refund.createTime : refund.successTime)
        .put("resource_type", "encrypt-resource")
        .put("event_type", refund.status.equals("SUCCESS") ? "REFUND.SUCCESS" : "REFUND.ABNORMAL")
        .put("summary", refund.status.equals("SUCCESS") ? "退款成功" : "退款异常");
    envelope.set("resource", resource);
    return envelope.toString();
  }

  private ObjectNode refundJson(RefundEntry refund) {
    ObjectNode r = json.createObjectNode()
        .put("refund_id", refund.refundId)
        .put("out_refund_no", refund.outRefundNo)
        .put("transaction_id", refund.order.transactionId)
        .put("out_trade_no", refund.order.outTradeNo)
        .put("channel", "ORIGINAL")
        .put("user_received_account", "支付用户零钱")
        .put("create_time", refund.createTime)
        .put("status", refund.status)
        .put("funds_account", "AVAILABLE");
    if (refund.successTime != null) {
      r.put("success_time", refund.successTime);
    }
    r.set("amount", json.createObjectNode().put("total", refund.order.total).put("refund", refund.amount)
        .put("payer_total", refund.order.total).put("payer_refund", refund.amount)
        .put("settlement_total", refund.order.total).put("settlement_refund", refund.amount)
        .put("discount_refund", 0).put("currency", "CNY").put("refund_fee", 0));
    r.set("promotion_detail", json.createArrayNode());
    return r;
  }

  private void createRefund(HttpServletResponse response, JsonNode request) throws IOException, GeneralSecurityException {
    String outRefundNo = request.path("out_refund_no").asText("");
    long amount = request.path("amount").path("refund").asLong(0);
    Order order = orders.get(request.path("out_trade_no").asText(""));
    if (outRefundNo.isEmpty() || amount <= 0 || request.path("notify_url").asText("").isEmpty()) {
      error(response, 400, "PARAM_ERROR", "out_refund_no, notify_url and amount.refund are required");
      return;
    }
    if (order == null) {
      error(response, 404, "RESOURCE_NOT_EXISTS", "订单不存在");
      return;
    }
    RefundEntry existing = refunds.get(outRefundNo);
    if (existing != null) {
      answer(response, 200, refundJson(existing).toString());
      return;
    }
    RefundEntry refund;
    synchronized (order) {
      if (!order.state.equals("SUCCESS") && !order.state.equals("REFUND")) {
        error(response, 400, "INVALID_REQUEST", "订单未支付");
        return;
      }
      long taken = refunds.values().stream().filter(r -> r.order == order && !r.status.equals("ABNORMAL")
          && !r.status.equals("CLOSED")).mapToLong(r -> r.amount).sum();
      if (taken + amount > order.total || request.path("amount").path("total").asLong(0) != order.total) {
        error(response, 400, "NOT_ENOUGH", "退款金额超过订单可退金额");
        return;
      }
      refund = new RefundEntry(outRefundNo, order, amount, request.path("notify_url").asText(),
          "50300" + Long.toString(transactions.incrementAndGet()), now());
      refunds.put(outRefundNo, refund);
    }
    answer(response, 200, refundJson(refund).toString());
    scheduler.schedule(() -> finishRefund(refund), 200, TimeUnit.MILLISECONDS);
  }

  private void finishRefund(RefundEntry refund) {
    synchronized (refund.order) {
      if (refundsFail) {
        refund.status = "ABNORMAL";
      } else {
        refund.status = "SUCCESS";
        refund.successTime = now();
        long refunded = refunds.values().stream().filter(r -> r.order == refund.order && r.status.equals("SUCCESS"))
            .mapToLong(r -> r.amount).sum();
        if (refunded >= refund.order.total) {
          refund.order.state = "REFUND";
        }
      }
      refund.notificationId = UUID.randomUUID().toString();
    }
    notifications.deliver(() -> send(refund.notifyUrl, refundNotificationBody(refund)));
  }

  private String now() {
    return OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.ofHours(8)).withNano(0)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }

  private String notificationBody(Order order) {
    ObjectNode transaction = transaction(order);
    String plain = transaction.toString();
    String nonce = HexFormat.of().formatHex(random(6));
    String associated = "transaction";
    ObjectNode resource = json.createObjectNode()
        .put("original_type", "transaction")
        .put("algorithm", "AEAD_AES_256_GCM")
        .put("ciphertext", encrypt(plain, nonce, associated))
        .put("associated_data", associated)
        .put("nonce", nonce);
    ObjectNode envelope = json.createObjectNode()
        .put("id", order.notificationId)
        .put("create_time", order.successTime)
        .put("resource_type", "encrypt-resource")
        .put("event_type", "TRANSACTION.SUCCESS")
        .put("summary", "支付成功");
    envelope.set("resource", resource);
    return envelope.toString();
  }

  private ObjectNode transaction(Order order) {
    ObjectNode t = json.createObjectNode()
        .put("appid", order.appId)
        .put("mchid", merchantId)
        .put("out_trade_no", order.outTradeNo)
        .put("trade_type", "NATIVE")
        .put("trade_state", order.state)
        .put("trade_state_desc", order.state.equals("SUCCESS") ? "支付成功" : "")
        .put("attach", "");
    if (order.transactionId != null) {
      t.put("transaction_id", order.transactionId).put("bank_type", "OTHERS").put("success_time", order.successTime);
      t.set("payer", json.createObjectNode().put("openid", "sandbox-payer"));
    }
    ObjectNode amount = json.createObjectNode().put("total", order.total).put("currency", "CNY");
    if (order.transactionId != null) {
      amount.put("payer_total", order.total).put("payer_currency", "CNY");
    }
    t.set("amount", amount);
    return t;
  }

  // ------------------------------------------------------------------ the merchant API

  private void handle(HttpServletRequest exchange, HttpServletResponse response) throws IOException {
    try {
      String body = new String(exchange.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String target = exchange.getRequestURI() + (exchange.getQueryString() == null ? "" : "?" + exchange.getQueryString());
      Optional<String> refused = checkSignature(exchange, target, body);
      if (refused.isPresent()) {
        error(response, 401, "SIGN_ERROR", refused.get());
        return;
      }
      if (down) {
        error(response, 500, "SYSTEM_ERROR", "系统错误");
        return;
      }
      String path = exchange.getRequestURI();
      if (exchange.getMethod().equals("POST") && path.equals("/v3/refund/domestic/refunds")) {
        createRefund(response, json.readTree(body));
        return;
      }
      Matcher refundPath = REFUND_BY_NO.matcher(path);
      if (exchange.getMethod().equals("GET") && refundPath.matches()) {
        RefundEntry refund = refunds.get(refundPath.group(1));
        if (refund == null) {
          error(response, 404, "RESOURCE_NOT_EXISTS", "退款单不存在");
        } else {
          answer(response, 200, refundJson(refund).toString());
        }
        return;
      }
      if (exchange.getMethod().equals("GET") && path.equals("/v3/bill/tradebill")) {
        tradeBill(response, Optional.ofNullable(exchange.getQueryString()).orElse(""));
        return;
      }
      if (exchange.getMethod().equals("GET") && path.equals("/v3/billdownload/file")) {
        Matcher token = TOKEN.matcher(Optional.ofNullable(exchange.getQueryString()).orElse(""));
        byte[] bill = token.find() ? bills.remove(token.group(1)) : null;
        if (bill == null) {
          error(response, 404, "RESOURCE_NOT_EXISTS", "账单下载链接已过期");
          return;
        }
        if (corruptDownloads) {
          bill = bill.clone();
          bill[bill.length / 2] ^= 1;
        }
        // downloads carry no signature headers: the hash given with the URL is the check
        response.setStatus(200);
        response.setHeader("Content-Type", "text/plain; charset=utf-8");
        response.setContentLength(bill.length);
        try (OutputStream out = response.getOutputStream()) {
          out.write(bill);
        }
        return;
      }
      if (exchange.getMethod().equals("POST") && path.equals("/v3/pay/transactions/native")) {
        prepay(response, json.readTree(body));
        return;
      }
      Matcher m = BY_OUT_TRADE_NO.matcher(path);
      if (m.matches()) {
        Order order = orders.get(m.group(1));
        if (order == null) {
          error(response, 404, "ORDER_NOT_EXIST", "订单不存在");
        } else if (m.group(2) == null && exchange.getMethod().equals("GET")) {
          answer(response, 200, transaction(order).toString());
        } else if (m.group(2) != null && exchange.getMethod().equals("POST")) {
          close(response, order);
        } else {
          error(response, 405, "INVALID_REQUEST", "method not allowed");
        }
        return;
      }
      error(response, 404, "NOT_FOUND", "no such API in the simulator");
    } catch (RuntimeException | GeneralSecurityException e) {
      log.warn("WeChat Pay simulator failed on a request ({})", e.getClass().getSimpleName());
      response.sendError(500);
    }
  }

  private void prepay(HttpServletResponse exchange, JsonNode request) throws IOException, GeneralSecurityException {
    String outTradeNo = request.path("out_trade_no").asText("");
    long total = request.path("amount").path("total").asLong(0);
    if (outTradeNo.length() < 6 || outTradeNo.length() > 32 || total <= 0 || !merchantId.equals(request.path("mchid").asText())
        || request.path("notify_url").asText("").isEmpty()) {
      error(exchange, 400, "PARAM_ERROR", "out_trade_no, mchid, notify_url and amount.total are required");
      return;
    }
    Order fresh = new Order(outTradeNo, request.path("appid").asText(""), request.path("description").asText(""), total,
        request.path("notify_url").asText(), "weixin://wxpay/bizpayurl?pr=" + HexFormat.of().formatHex(random(8)));
    Order order = orders.computeIfAbsent(outTradeNo, k -> fresh);
    if (order.total != total) {
      error(exchange, 400, "INVALID_REQUEST", "out_trade_no already used with other parameters");
      return;
    }
    if (order.state.equals("SUCCESS")) {
      error(exchange, 400, "ORDERPAID", "该订单已支付");
      return;
    }
    answer(exchange, 200, json.createObjectNode().put("code_url", order.codeUrl).toString());
  }

  /**
   * {@code GET /v3/bill/tradebill}: the day's ALL bill, ready at once in the sandbox (the real
   * channel makes it after 10:00 the next day); a download URL and the file's SHA1.
   */
  private void tradeBill(HttpServletResponse response, String query) throws IOException, GeneralSecurityException {
    Matcher date = BILL_DATE.matcher(query);
    java.time.LocalDate day;
    try {
      day = java.time.LocalDate.parse(date.find() ? date.group(1) : "");
    } catch (java.time.format.DateTimeParseException e) {
      error(response, 400, "PARAM_ERROR", "bill_date 格式错误 (yyyy-MM-dd)");
      return;
    }
    if (day.isAfter(java.time.LocalDate.now(clock.withZone(ZoneOffset.ofHours(8))))) {
      error(response, 400, "PARAM_ERROR", "bill_date 不能晚于今天");
      return;
    }
    if (statementsCreating) {
      error(response, 400, "STATEMENT_CREATING", "账单生成中");
      return;
    }
    Optional<String> bill = bill(day);
    if (bill.isEmpty()) {
      error(response, 400, "NO_STATEMENT_EXIST", "请求的账单文件不存在");
      return;
    }
    byte[] bytes = bill.get().getBytes(StandardCharsets.UTF_8);
    String token = HexFormat.of().formatHex(random(16));
    bills.put(token, bytes);
    String sha1;
    try {
      sha1 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    answer(response, 200, json.createObjectNode().put("download_url", baseUrl() + "/v3/billdownload/file?token=" + token)
        .put("hash_type", "SHA1").put("hash_value", sha1).toString());
  }

  /** The ALL bill of a day as WeChat Pay writes it: rows, then totals; empty when nothing was booked. */
  private Optional<String> bill(java.time.LocalDate day) {
    record Row(String time, String text) {}
    List<Row> rows = new java.util.ArrayList<>();
    long settled = 0;
    long refunded = 0;
    long fees = 0;
    for (Order order : orders.values()) {
      String paidAt = order.successTime;
      if (order.transactionId == null || paidAt == null || !day.equals(OffsetDateTime.parse(paidAt).toLocalDate())
          || leftOutOfBills.contains(order.outTradeNo)) {
        continue;
      }
      long amount = billedAmounts.getOrDefault(order.outTradeNo, order.total);
      long fee = fee(amount);
      settled += amount;
      fees += fee;
      rows.add(new Row(paidAt, billRow(paidAt, order, "SUCCESS", amount, "", "", 0, "", "", fee, amount, 0)));
    }
    for (RefundEntry refund : refunds.values()) {
      String at = refund.successTime;
      if (!"SUCCESS".equals(refund.status) || at == null || !day.equals(OffsetDateTime.parse(at).toLocalDate())) {
        continue;
      }
      long fee = fee(refund.amount);
      refunded += refund.amount;
      fees -= fee;
      rows.add(new Row(at, billRow(at, refund.order, "REFUND", 0, refund.refundId, refund.outRefundNo, refund.amount,
          "ORIGINAL", "SUCCESS", -fee, refund.order.total, refund.amount)));
    }
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    rows.sort(java.util.Comparator.comparing(Row::time));
    StringBuilder bill = new StringBuilder(String.join(",", WechatPayTradeBill.COLUMNS)).append("\r\n");
    rows.forEach(r -> bill.append(r.text()).append("\r\n"));
    bill.append(String.join(",", WechatPayTradeBill.TOTAL_COLUMNS)).append("\r\n");
    bill.append(String.join(",", "`" + rows.size(), "`" + WechatPayTradeBill.yuan(settled),
        "`" + WechatPayTradeBill.yuan(refunded), "`0.00", "`" + WechatPayTradeBill.yuan(fees),
        "`" + WechatPayTradeBill.yuan(settled), "`" + WechatPayTradeBill.yuan(refunded))).append("\r\n");
    return Optional.of(bill.toString());
  }

  /** The simulated merchant's rate: 0.6%, rounded to the fen. */
  private static long fee(long fen) {
    return (fen * 6 + 500) / 1000;
  }

  private String billRow(String at, Order order, String state, long settled, String refundId, String outRefundNo,
      long refunded, String refundType, String refundState, long fee, long orderTotal, long refundAsked) {
    String time = OffsetDateTime.parse(at).withOffsetSameInstant(ZoneOffset.ofHours(8)).format(WechatPayTradeBill.TIME);
    List<String> f = List.of(time, order.appId, merchantId, "0", "", order.transactionId, order.outTradeNo,
        "sandbox-payer", "NATIVE", state, "OTHERS", "CNY", WechatPayTradeBill.yuan(settled), "0.00", refundId, outRefundNo,
        WechatPayTradeBill.yuan(refunded), "0.00", refundType, refundState, order.description, "",
        WechatPayTradeBill.yuan(fee), "0.60%", WechatPayTradeBill.yuan(orderTotal), WechatPayTradeBill.yuan(refundAsked), "");
    return "`" + String.join(",`", f);
  }

  private void close(HttpServletResponse exchange, Order order) throws IOException, GeneralSecurityException {
    synchronized (order) {
      if (order.state.equals("SUCCESS")) {
        error(exchange, 400, "ORDERPAID", "该订单已支付");
        return;
      }
      order.state = "CLOSED";
    }
    answer(exchange, 204, "");
  }

  /** Empty when the request carries a valid merchant signature; else why not. */
  private Optional<String> checkSignature(HttpServletRequest exchange, String target, String body)
      throws GeneralSecurityException {
    String authorization = Optional.ofNullable(exchange.getHeader("Authorization")).orElse("");
    if (!authorization.startsWith("WECHATPAY2-SHA256-RSA2048 ")) {
      return Optional.of("the Authorization scheme must be WECHATPAY2-SHA256-RSA2048");
    }
    Map<String, String> pairs = new HashMap<>();
    Matcher m = AUTH_PAIR.matcher(authorization);
    while (m.find()) {
      pairs.put(m.group(1), m.group(2));
    }
    if (!merchantId.equals(pairs.get("mchid")) || !merchantSerialNumber.equals(pairs.get("serial_no"))) {
      return Optional.of("unknown merchant or certificate serial");
    }
    long timestamp;
    try {
      timestamp = Long.parseLong(pairs.getOrDefault("timestamp", ""));
    } catch (NumberFormatException e) {
      return Optional.of("the timestamp is missing");
    }
    if (Math.abs(clock.instant().getEpochSecond() - timestamp) > 300) {
      return Optional.of("the timestamp is more than 5 minutes off");
    }
    String message = exchange.getMethod() + "\n" + target + "\n" + timestamp + "\n"
        + pairs.getOrDefault("nonce_str", "") + "\n" + body + "\n";
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(merchantPublicKey);
    verifier.update(message.getBytes(StandardCharsets.UTF_8));
    try {
      if (!verifier.verify(Base64.getDecoder().decode(pairs.getOrDefault("signature", "")))) {
        return Optional.of("the signature does not verify");
      }
    } catch (IllegalArgumentException | java.security.SignatureException e) {
      return Optional.of("the signature is not Base64 of an RSA signature");
    }
    return Optional.empty();
  }

  private void error(HttpServletResponse exchange, int status, String code, String message) throws IOException {
    try {
      answer(exchange, status, json.createObjectNode().put("code", code).put("message", message).toString());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private void answer(HttpServletResponse response, int status, String body) throws IOException, GeneralSecurityException {
    signedHeaders(body).forEach(response::setHeader);
    response.setHeader("Request-ID", UUID.randomUUID().toString());
    response.setStatus(status);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0) {
      response.setHeader("Content-Type", "application/json; charset=utf-8");
      response.setContentLength(bytes.length);
      try (OutputStream out = response.getOutputStream()) {
        out.write(bytes);
      }
    }
  }

  /** Wechatpay-Timestamp, -Nonce, -Serial and -Signature over {@code timestamp\nnonce\nbody\n}. */
  private Map<String, String> signedHeaders(String body) {
    String timestamp = Long.toString(clock.instant().getEpochSecond());
    String nonce = HexFormat.of().formatHex(random(16));
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(platformKeys.getPrivate());
      signer.update((timestamp + "\n" + nonce + "\n" + body + "\n").getBytes(StandardCharsets.UTF_8));
      return Map.of(
          "Wechatpay-Timestamp", timestamp,
          "Wechatpay-Nonce", nonce,
          "Wechatpay-Serial", platformPublicKeyId,
          "Wechatpay-Signature", Base64.getEncoder().encodeToString(signer.sign()),
          "Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with the platform key", e);
    }
  }

  private String encrypt(String plain, String nonce, String associated) {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(apiV3Key, "AES"),
          new GCMParameterSpec(128, nonce.getBytes(StandardCharsets.UTF_8)));
      cipher.updateAAD(associated.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encrypt with the APIv3 key", e);
    }
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    server.close();
  }
}
