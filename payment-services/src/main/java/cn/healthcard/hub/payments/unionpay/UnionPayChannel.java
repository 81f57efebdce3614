package cn.healthcard.hub.payments.unionpay;

import cn.healthcard.hub.payments.channel.AlreadyPaid;
import cn.healthcard.hub.payments.channel.ChannelEvent;
import cn.healthcard.hub.payments.channel.ChannelRefund;
import cn.healthcard.hub.payments.channel.ChannelState;
import cn.healthcard.hub.payments.channel.ChannelStatement;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.InvalidNotification;
import cn.healthcard.hub.payments.channel.PaymentChannel;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentRefund;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * UnionPay's online gateway (全渠道, ACP 5.1.0), mobile-app consumption: the hub places the order
 * server to server ({@code appTransReq.do}, {@code txnType} 01, {@code bizType} 000201) and gives
 * the hospital's app the transaction number ({@code tn}) UnionPay's payment control takes.
 * Requests are signed with the merchant's certificate ({@link AcpSignature}); answers and
 * notifications are believed only once their signer's certificate chains to UnionPay's root.
 * Refunds ({@code txnType} 04) are accepted by the gateway and finished by UnionPay, which the
 * refund's query ({@code txnType} 00) or its notification says. There is no close for an unpaid
 * order: it lapses at the {@code payTimeout} the hub sets (two hours, as the other channels' codes).
 */
public final class UnionPayChannel implements PaymentChannel {

  public static final String CODE = "unionpay";
  static final String VERSION = "5.1.0";
  private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
  private static final DateTimeFormatter TXN_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
  /** The gateway's answers that mean the transaction is still being processed. */
  private static final Set<String> PROCESSING = Set.of("03", "04", "05");
  /** Answers to a refund that refuse it for good (original not found or not refundable, amount over what is left, number used). */
  private static final Set<String> REFUND_REFUSED = Set.of("12", "35", "37");
  /** UnionPay's settlement day ends at 23:00 China time: the day D runs from D-1 23:00 to D 23:00. */
  static final java.time.LocalTime DAY_ENDS = java.time.LocalTime.of(23, 0);

  private final UnionPaySettings settings;
  private final Supplier<String> backUrl;
  private final Clock clock;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Signers' certificates already checked, by their PEM (UnionPay signs with one for months). */
  private final Map<String, X509Certificate> signers = new ConcurrentHashMap<>();

  public UnionPayChannel(UnionPaySettings settings, Clock clock) {
    this(settings, settings::backUrl, clock);
  }

  /** @param backUrl where notifications go, read at each request (the sandbox learns its port late) */
  public UnionPayChannel(UnionPaySettings settings, Supplier<String> backUrl, Clock clock) {
    this.settings = settings;
    this.backUrl = backUrl;
    this.clock = clock;
  }

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public String prepay(PaymentOrder order, Optional<String> payerAuthorization) {
    Map<String, String> request = common("01", "01", "000201", "08");
    request.put("orderId", order.id());
    request.put("txnTime", txnTime(order.createdAt()));
    request.put("txnAmt", Long.toString(order.amount().value()));
    request.put("currencyCode", "156");
    request.put("backUrl", backUrl.get());
    request.put("payTimeout", txnTime(order.createdAt().plus(Duration.ofHours(2))));
    Map<String, String> answer = call("take the order", "/gateway/api/appTransReq.do", request);
    ok(answer, "take the order");
    String tn = answer.getOrDefault("tn", "");
    if (tn.isEmpty()) {
      throw new ChannelUnavailable("UnionPay took the order without a transaction number (tn)", null);
    }
    return tn;
  }

  @Override
  public ChannelState query(PaymentOrder order) {
    Map<String, String> answer = query("answer the query", order.id(), order.createdAt());
    if ("34".equals(answer.get("respCode"))) {
      // the order exists at UnionPay once the payer's app submits it
      return new ChannelState(order.id(), ChannelState.State.NOT_PAID, Optional.empty(), Optional.empty(), 0);
    }
    ok(answer, "answer the query");
    String original = answer.getOrDefault("origRespCode", "");
    ChannelState.State state = original.equals("00") ? ChannelState.State.PAID
        : PROCESSING.contains(original) ? ChannelState.State.PAYING : ChannelState.State.FAILED;
    return new ChannelState(order.id(), state, nonEmpty(answer.get("queryId")),
        state == ChannelState.State.PAID ? traceTime(answer) : Optional.empty(), amount(answer));
  }

  @Override
  public void close(PaymentOrder order) {
    // ACP has no close for an order not paid (only the cancellation of a paid one, on its day):
    // it lapses at its payTimeout; one the payer paid first cannot be closed here either
    if (query(order).state() == ChannelState.State.PAID) {
      throw new AlreadyPaid(order.id());
    }
  }

  @Override
  public ChannelRefund refund(PaymentOrder order, PaymentRefund refund) {
    String original = order.channelTransactionId().orElseThrow(
        () -> new IllegalStateException("payment " + order.id() + " is paid without UnionPay's query id"));
    Map<String, String> request = common("04", "00", "000201", "07");
    request.put("orderId", refund.id());
    request.put("origQryId", original);
    request.put("txnTime", txnTime(refund.createdAt()));
    request.put("txnAmt", Long.toString(refund.amount().value()));
    request.put("currencyCode", "156");
    request.put("backUrl", backUrl.get());
    Map<String, String> answer = call("take the refund", "/gateway/api/backTransReq.do", request);
    String code = answer.getOrDefault("respCode", "");
    if (REFUND_REFUSED.contains(code)) {
      // refused for good: the hospital's refund ends failed and frees its amount
      return new ChannelRefund(refund.id(), ChannelRefund.State.FAILED, Optional.empty(), Optional.empty(),
          refund.amount().value());
    }
    if (!code.equals("00") && !PROCESSING.contains(code)) {
      // busy, closed for a while, a format or signature problem: it may or may not have reached
      // UnionPay, so the refund stays with the channel and is asked about again
      throw new ChannelUnavailable("UnionPay did not take the refund (respCode " + code + ")", null);
    }
    return queryRefund(order, refund);
  }

  @Override
  public ChannelRefund queryRefund(PaymentOrder order, PaymentRefund refund) {
    Map<String, String> answer = query("answer the refund query", refund.id(), refund.createdAt());
    if ("34".equals(answer.get("respCode"))) {
      return new ChannelRefund(refund.id(), ChannelRefund.State.NOT_FOUND, Optional.empty(), Optional.empty(), 0);
    }
    ok(answer, "answer the refund query");
    String original = answer.getOrDefault("origRespCode", "");
    ChannelRefund.State state = original.equals("00") ? ChannelRefund.State.SUCCESS
        : PROCESSING.contains(original) ? ChannelRefund.State.PROCESSING : ChannelRefund.State.FAILED;
    return new ChannelRefund(refund.id(), state, nonEmpty(answer.get("queryId")),
        state == ChannelRefund.State.SUCCESS ? traceTime(answer) : Optional.empty(), amount(answer));
  }

  @Override
  public ChannelStatement statement(LocalDate day) {
    Map<String, String> request = common("76", "01", "000000", null);
    request.put("settleDate", UnionPayReconciliationFile.settleDate(day));
    request.put("fileType", "00");
    request.put("txnTime", txnTime(clock.instant()));
    Map<String, String> answer = send("give the day's file", settings.fileUrl(), request);
    if ("98".equals(answer.get("respCode"))) {
      // no file: UnionPay has not made it yet (it makes a day's file the next morning), or
      // nothing was settled that day; only an older day's missing file is an empty day
      if (!day.isBefore(LocalDate.now(clock.withZone(CHINA)).minusDays(1))) {
        throw new cn.healthcard.hub.payments.channel.StatementNotReady("UnionPay has no file of " + day + " yet");
      }
      return new ChannelStatement(CODE, day, java.util.List.of(), "none");
    }
    ok(answer, "give the day's file");
    String content = answer.getOrDefault("fileContent", "");
    try {
      byte[] zip = UnionPayReconciliationFile.unpack(content);
      return new ChannelStatement(CODE, day, UnionPayReconciliationFile.parse(zip, day, settings.merchantId()),
          ChannelStatement.digestOf(zip));
    } catch (IllegalArgumentException e) {
      throw new ChannelUnavailable("UnionPay's file of " + day + " cannot be read: " + e.getMessage(), e);
    }
  }

  @Override
  public SettlementDay settlementDay(LocalDate day) {
    return new SettlementDay(day.minusDays(1).atTime(DAY_ENDS).toInstant(CHINA), day.atTime(DAY_ENDS).toInstant(CHINA));
  }

  /** The settlement day an instant belongs to (a payment at 23:30 is settled with the next day). */
  public static LocalDate settlementDate(Instant at) {
    LocalDateTime china = LocalDateTime.ofInstant(at, CHINA);
    return china.toLocalTime().isBefore(DAY_ENDS) ? china.toLocalDate() : china.toLocalDate().plusDays(1);
  }

  @Override
  public ChannelEvent readNotification(Map<String, String> headers, String body) {
    Map<String, String> fields = AcpForm.decode(body);
    try {
      verified(fields);
    } catch (IllegalArgumentException e) {
      throw new InvalidNotification("the notification " + e.getMessage());
    }
    if (!settings.merchantId().equals(fields.get("merId"))) {
      throw new InvalidNotification("the notification is for another merchant");
    }
    String queryId = fields.getOrDefault("queryId", "");
    String orderId = fields.getOrDefault("orderId", "");
    if (queryId.isEmpty() || orderId.isEmpty()) {
      throw new InvalidNotification("the notification has no queryId or orderId");
    }
    boolean success = "00".equals(fields.get("respCode"));
    long fen = amount(fields);
    String type = fields.getOrDefault("txnType", "");
    if (type.equals("04")) {
      return ChannelEvent.refund(queryId, new ChannelRefund(orderId,
          success ? ChannelRefund.State.SUCCESS : ChannelRefund.State.FAILED, Optional.of(queryId),
          success ? traceTime(fields) : Optional.empty(), fen));
    }
    if (!type.equals("01")) {
      throw new InvalidNotification("a notification of txnType " + type + ", not a consumption or a refund");
    }
    return ChannelEvent.payment(queryId, new ChannelState(orderId,
        success ? ChannelState.State.PAID : ChannelState.State.FAILED, Optional.of(queryId),
        success ? traceTime(fields) : Optional.empty(), fen));
  }

  @Override
  public NotificationAnswer accepted() {
    // UnionPay takes an HTTP 200 as delivered and sends again otherwise
    return new NotificationAnswer(200, "text/plain", "ok");
  }

  @Override
  public NotificationAnswer refused(String reason) {
    return new NotificationAnswer(400, "text/plain", "refused");
  }

  // ------------------------------------------------------------------ the protocol

  private Map<String, String> common(String txnType, String txnSubType, String bizType, String channelType) {
    Map<String, String> fields = new TreeMap<>();
    fields.put("version", VERSION);
    fields.put("encoding", "UTF-8");
    fields.put("signMethod", "01");
    fields.put("certId", settings.certId());
    fields.put("txnType", txnType);
    fields.put("txnSubType", txnSubType);
    fields.put("bizType", bizType);
    if (channelType != null) {
      fields.put("channelType", channelType);
    }
    fields.put("accessType", "0");
    fields.put("merId", settings.merchantId());
    return fields;
  }

  private Map<String, String> query(String what, String orderId, Instant txnTime) {
    Map<String, String> request = common("00", "00", "000201", null);
    request.put("orderId", orderId);
    request.put("txnTime", txnTime(txnTime));
    return call(what, "/gateway/api/queryTrans.do", request);
  }

  private Map<String, String> call(String what, String path, Map<String, String> request) {
    return send(what, settings.gatewayUrl() + path, request);
  }

  /**
   * One signed request, its answer read and verified. Unreachable, an HTTP error, an answer that
   * cannot be read or whose signer is not UnionPay: {@link ChannelUnavailable} saying what was not done.
   */
  private Map<String, String> send(String what, String url, Map<String, String> request) {
    String body = AcpForm.encode(AcpSignature.sign(request, settings.signingKey()));
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/x-www-form-urlencoded;charset=UTF-8")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ChannelUnavailable("UnionPay did not " + what + " (unreachable)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChannelUnavailable("interrupted while UnionPay was to " + what, e);
    }
    if (response.statusCode() != 200) {
      throw new ChannelUnavailable("UnionPay did not " + what + " (HTTP " + response.statusCode() + ")", null);
    }
    try {
      Map<String, String> answer = AcpForm.read(response.body());
      verified(answer);
      return answer;
    } catch (IllegalArgumentException e) {
      throw new ChannelUnavailable("UnionPay did not " + what + " (the answer " + e.getMessage() + ")", e);
    }
  }

  /** @throws IllegalArgumentException saying why the fields are not UnionPay's */
  private void verified(Map<String, String> fields) {
    String pem = fields.getOrDefault(AcpSignature.SIGN_CERT, "");
    if (pem.isEmpty()) {
      throw new IllegalArgumentException("carries no signer's certificate");
    }
    X509Certificate known = signers.get(pem);
    if (known != null) {
      try {
        // checked when first seen; its dates are checked at every use
        known.checkValidity();
      } catch (java.security.cert.CertificateException e) {
        signers.remove(pem);
        throw new IllegalArgumentException("is signed by a certificate that has expired");
      }
    }
    PublicKey key = known == null ? null : known.getPublicKey();
    if (key == null) {
      X509Certificate signer;
      try {
        signer = AcpSignature.certificate(pem);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("carries a signer's certificate that cannot be read");
      }
      try {
        AcpSignature.checkSigner(signer, settings.middle(), settings.root(), settings.owner());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("is signed by a certificate that is not UnionPay's (" + e.getMessage() + ")");
      }
      key = signer.getPublicKey();
      signers.put(pem, signer);
    }
    if (!AcpSignature.verify(fields, key)) {
      throw new IllegalArgumentException("has a signature that does not verify");
    }
  }

  private static void ok(Map<String, String> answer, String what) {
    String code = answer.getOrDefault("respCode", "");
    if (!code.equals("00")) {
      throw new ChannelUnavailable("UnionPay did not " + what + " (respCode " + code + ")", null);
    }
  }

  private static String txnTime(Instant at) {
    return at.atOffset(CHINA).format(TXN_TIME);
  }

  /** {@code traceTime} is {@code MMddHHmmss} China time; its year is the one of {@code txnTime}, or the next. */
  private static Optional<Instant> traceTime(Map<String, String> fields) {
    String trace = fields.getOrDefault("traceTime", "");
    String txn = fields.getOrDefault("txnTime", "");
    if (trace.length() != 10 || txn.length() != 14) {
      return Optional.empty();
    }
    try {
      LocalDateTime ordered = LocalDateTime.parse(txn, TXN_TIME);
      LocalDateTime traced = LocalDateTime.parse(txn.substring(0, 4) + trace, TXN_TIME);
      if (traced.isBefore(ordered.minusDays(1))) {
        traced = traced.plusYears(1);
      }
      return Optional.of(traced.toInstant(CHINA));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static long amount(Map<String, String> fields) {
    String fen = fields.getOrDefault("txnAmt", "");
    if (fen.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(fen);
    } catch (NumberFormatException e) {
      // matches no order: a notification saying so is refused for its amount
      return -1;
    }
  }

  private static Optional<String> nonEmpty(String value) {
    return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
  }
}
