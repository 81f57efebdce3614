package cn.healthcard.hub.payments.alipay;

import cn.healthcard.hub.payments.channel.AlreadyPaid;
import cn.healthcard.hub.payments.channel.ChannelEvent;
import cn.healthcard.hub.payments.channel.ChannelRefund;
import cn.healthcard.hub.payments.channel.ChannelState;
import cn.healthcard.hub.payments.channel.ChannelStatement;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.InvalidNotification;
import cn.healthcard.hub.payments.channel.PaymentChannel;
import cn.healthcard.hub.payments.order.Fen;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentRefund;
import com.alipay.api.AlipayApiException;
import com.alipay.api.AlipayRequest;
import com.alipay.api.AlipayResponse;
import com.alipay.api.DefaultAlipayClient;
import com.alipay.api.internal.util.AlipaySignature;
import com.alipay.api.request.AlipayTradeCloseRequest;
import com.alipay.api.request.AlipayTradeFastpayRefundQueryRequest;
import com.alipay.api.request.AlipayTradePrecreateRequest;
import com.alipay.api.request.AlipayTradeQueryRequest;
import com.alipay.api.request.AlipayTradeRefundRequest;
import com.alipay.api.response.AlipayTradeFastpayRefundQueryResponse;
import com.alipay.api.response.AlipayTradeQueryResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Alipay's open API, face-to-face pre-create (a QR code the payer scans), through the channel's
 * official SDK: requests signed RSA2 with the application's key, answers verified with Alipay's
 * public key, asynchronous notifications (form posts) verified by the SDK's check (sorted pairs
 * without {@code sign} and {@code sign_type}) and answered with the plain text {@code success}.
 * Refunds are synchronous at Alipay: the answer, then the refund query, says how it ended.
 */
public final class AlipayChannel implements PaymentChannel {

  public static final String CODE = "alipay";
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);

  static {
    // the SDK logs every request and answer whole (the order's description, what the payer paid
    // for, is health information): the hub logs what it needs itself
    com.alipay.api.internal.util.AlipayLogger.setNeedEnableLogger(false);
  }

  private final AlipaySettings settings;
  private final java.util.function.Supplier<String> notifyUrl;
  private final DefaultAlipayClient client;
  private final ObjectMapper json = new ObjectMapper();
  private final java.net.http.HttpClient bills = java.net.http.HttpClient.newBuilder()
      .connectTimeout(java.time.Duration.ofSeconds(5)).followRedirects(java.net.http.HttpClient.Redirect.NORMAL).build();

  public AlipayChannel(AlipaySettings settings) {
    this(settings, settings::notifyUrl);
  }

  /** @param notifyUrl where notifications go, read at each order (the sandbox learns its port late) */
  public AlipayChannel(AlipaySettings settings, java.util.function.Supplier<String> notifyUrl) {
    this.settings = settings;
    this.notifyUrl = notifyUrl;
    this.client = new DefaultAlipayClient(settings.gatewayUrl(), settings.appId(), settings.privateKeyBase64(), "json",
        "UTF-8", settings.publicKeyBase64(), "RSA2");
    client.setConnectTimeout(5_000);
    client.setReadTimeout(10_000);
  }

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public String prepay(PaymentOrder order, Optional<String> payerAuthorization) {
    AlipayTradePrecreateRequest request = new AlipayTradePrecreateRequest();
    request.setNotifyUrl(notifyUrl.get());
    request.setBizContent(biz(order).put("total_amount", order.amount().yuan().toPlainString())
        .put("subject", order.description()).put("timeout_express", "2h").toString());
    var answer = call("take the order", request);
    ok(answer, "take the order");
    return answer.getQrCode();
  }

  @Override
  public ChannelState query(PaymentOrder order) {
    AlipayTradeQueryRequest request = new AlipayTradeQueryRequest();
    request.setBizContent(biz(order).toString());
    AlipayTradeQueryResponse answer = call("answer the query", request);
    if (!answer.isSuccess() && "ACQ.TRADE_NOT_EXIST".equals(answer.getSubCode())) {
      // a pre-created trade exists at Alipay only once the payer has scanned the code
      return new ChannelState(order.id(), ChannelState.State.NOT_PAID, Optional.empty(), Optional.empty(), 0);
    }
    ok(answer, "answer the query");
    JsonNode body = body(answer, "alipay_trade_query_response");
    return new ChannelState(answer.getOutTradeNo(), state(answer.getTradeStatus()), Optional.ofNullable(answer.getTradeNo()),
        time(body.path("send_pay_date").asText("")), fen(answer.getTotalAmount()));
  }

  @Override
  public void close(PaymentOrder order) {
    AlipayTradeCloseRequest request = new AlipayTradeCloseRequest();
    request.setBizContent(biz(order).toString());
    var answer = call("close the order", request);
    if (answer.isSuccess() || "ACQ.TRADE_NOT_EXIST".equals(answer.getSubCode())) {
      // not scanned yet: nothing open at Alipay (a payment after all is refused by its notification)
      return;
    }
    if ("ACQ.TRADE_STATUS_ERROR".equals(answer.getSubCode())) {
      throw new AlreadyPaid(order.id());
    }
    ok(answer, "close the order");
  }

  @Override
  public ChannelRefund refund(PaymentOrder order, PaymentRefund refund) {
    String refundId = refund.id();
    long amountFen = refund.amount().value();
    String reason = refund.reason();
    AlipayTradeRefundRequest request = new AlipayTradeRefundRequest();
    ObjectNode biz = biz(order).put("refund_amount", new Fen(amountFen).yuan().toPlainString()).put("out_request_no", refundId);
    if (reason != null && !reason.isBlank()) {
      biz.put("refund_reason", reason.length() > 256 ? reason.substring(0, 256) : reason);
    }
    request.setBizContent(biz.toString());
    var answer = call("take the refund", request);
    ok(answer, "take the refund");
    // the answer is for the whole trade (refund_fee is the total refunded): ask about this refund
    return queryRefund(order, refund);
  }

  @Override
  public ChannelRefund queryRefund(PaymentOrder order, PaymentRefund refund) {
    String refundId = refund.id();
    AlipayTradeFastpayRefundQueryRequest request = new AlipayTradeFastpayRefundQueryRequest();
    request.setBizContent(biz(order).put("out_request_no", refundId).toString());
    AlipayTradeFastpayRefundQueryResponse answer = call("answer the refund query", request);
    ok(answer, "answer the refund query");
    if (answer.getRefundAmount() == null || answer.getRefundAmount().isEmpty()) {
      return new ChannelRefund(refundId, ChannelRefund.State.NOT_FOUND, Optional.empty(), Optional.empty(), 0);
    }
    JsonNode body = body(answer, "alipay_trade_fastpay_refund_query_response");
    ChannelRefund.State state = "REFUND_SUCCESS".equals(answer.getRefundStatus()) ? ChannelRefund.State.SUCCESS
        : ChannelRefund.State.PROCESSING;
    return new ChannelRefund(refundId, state, Optional.ofNullable(answer.getTradeNo()).map(t -> t + "/" + refundId),
        time(body.path("gmt_refund_pay").asText("")), fen(answer.getRefundAmount()));
  }

  @Override
  public ChannelStatement statement(LocalDate day) {
    com.alipay.api.request.AlipayDataDataserviceBillDownloadurlQueryRequest request =
        new com.alipay.api.request.AlipayDataDataserviceBillDownloadurlQueryRequest();
    request.setBizContent(json.createObjectNode().put("bill_type", "trade").put("bill_date", day.toString()).toString());
    var answer = call("give the trade bill's address", request);
    if (!answer.isSuccess() && "isp.bill_not_exist".equals(answer.getSubCode())) {
      // no trade and no refund that day (or not made yet: Alipay makes it the next morning)
      return new ChannelStatement(CODE, day, java.util.List.of(), "none");
    }
    ok(answer, "give the trade bill's address");
    byte[] zip;
    try {
      // a pre-signed address that lives 30 seconds: no request signature, no answer signature
      java.net.http.HttpResponse<byte[]> fetched = bills.send(java.net.http.HttpRequest.newBuilder(
              java.net.URI.create(answer.getBillDownloadUrl())).timeout(java.time.Duration.ofSeconds(30)).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofByteArray());
      if (fetched.statusCode() != 200) {
        throw new ChannelUnavailable("Alipay's bill of " + day + " could not be downloaded (HTTP " + fetched.statusCode() + ")", null);
      }
      zip = fetched.body();
    } catch (IOException e) {
      throw new ChannelUnavailable("Alipay's bill of " + day + " could not be downloaded", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChannelUnavailable("interrupted while downloading Alipay's bill of " + day, e);
    }
    try {
      return new ChannelStatement(CODE, day, AlipayTradeBill.parse(zip), ChannelStatement.digestOf(zip));
    } catch (IllegalArgumentException e) {
      throw new ChannelUnavailable("Alipay's bill of " + day + " cannot be read: " + e.getMessage(), e);
    }
  }


  @Override
  public ChannelEvent readNotification(Map<String, String> headers, String body) {
    Map<String, String> form = form(body);
    try {
      if (!AlipaySignature.rsaCheckV1(new HashMap<>(form), settings.publicKeyBase64(), "UTF-8", "RSA2")) {
        throw new InvalidNotification("the notification's sign does not verify with Alipay's key");
      }
    } catch (AlipayApiException e) {
      throw new InvalidNotification("the notification's sign cannot be checked");
    }
    if (!settings.appId().equals(form.get("app_id"))) {
      throw new InvalidNotification("the notification is for another application");
    }
    String eventId = form.getOrDefault("notify_id", "");
    String outTradeNo = form.getOrDefault("out_trade_no", "");
    if (eventId.isEmpty() || outTradeNo.isEmpty()) {
      throw new InvalidNotification("the notification has no notify_id or out_trade_no");
    }
    ChannelState.State state = form.containsKey("out_biz_no") || form.containsKey("refund_fee")
        // a refund changed the trade: refunds are settled from their own answers and queries
        ? ChannelState.State.REFUNDED
        : state(form.get("trade_status"));
    return ChannelEvent.payment(eventId, new ChannelState(outTradeNo, state, Optional.ofNullable(form.get("trade_no")),
        time(form.getOrDefault("gmt_payment", "")), fen(form.get("total_amount"))));
  }

  @Override
  public NotificationAnswer accepted() {
    return new NotificationAnswer(200, "text/plain", "success");
  }

  @Override
  public NotificationAnswer refused(String reason) {
    // anything but "success" makes Alipay send the notification again
    return new NotificationAnswer(400, "text/plain", "failure");
  }

  private ObjectNode biz(PaymentOrder order) {
    return json.createObjectNode().put("out_trade_no", order.id());
  }

  private static ChannelState.State state(String tradeStatus) {
    if (tradeStatus == null) {
      throw new InvalidNotification("no trade_status");
    }
    return switch (tradeStatus) {
      case "TRADE_SUCCESS", "TRADE_FINISHED" -> ChannelState.State.PAID;
      case "WAIT_BUYER_PAY" -> ChannelState.State.PAYING;
      case "TRADE_CLOSED" -> ChannelState.State.CLOSED;
      default -> throw new InvalidNotification("unknown trade_status " + tradeStatus);
    };
  }

  /** Alipay's times are China time without an offset; the SDK would read them in the JVM's zone. */
  private static Optional<Instant> time(String text) {
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(LocalDateTime.parse(text.strip(), TIME).toInstant(CHINA));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static long fen(String yuan) {
    if (yuan == null || yuan.isBlank()) {
      return 0;
    }
    try {
      return new BigDecimal(yuan.strip()).movePointRight(2).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new InvalidNotification("an amount that is not yuan with two decimals");
    }
  }

  private JsonNode body(AlipayResponse answer, String node) {
    try {
      return json.readTree(answer.getBody()).path(node);
    } catch (IOException e) {
      return json.createObjectNode();
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      form.put(key, value);
    }
    return form;
  }

  private static void ok(AlipayResponse answer, String what) {
    if (!answer.isSuccess()) {
      throw new ChannelUnavailable("Alipay did not " + what + " (" + answer.getCode() + " " + answer.getSubCode() + ")", null);
    }
  }

  /**
   * One call to Alipay: unreachable, or an answer whose sign does not verify, becomes
   * {@link ChannelUnavailable} saying what was not done (without the channel's message).
   */
  private <T extends AlipayResponse> T call(String what, AlipayRequest<T> request) {
    try {
      return client.execute(request);
    } catch (AlipayApiException e) {
      throw new ChannelUnavailable("Alipay did not " + what + " (" + (e.getErrCode() == null ? "unreachable or unsigned"
          : e.getErrCode()) + ")", e);
    }
  }
}
