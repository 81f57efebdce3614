package cn.healthcard.hub.payments.medicalinsurance;

import cn.healthcard.hub.payments.channel.AlreadyPaid;
import cn.healthcard.hub.payments.channel.ChannelEvent;
import cn.healthcard.hub.payments.channel.ChannelRefund;
import cn.healthcard.hub.payments.channel.ChannelState;
import cn.healthcard.hub.payments.channel.ChannelStatement;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.InsuranceSettlement;
import cn.healthcard.hub.payments.channel.InvalidNotification;
import cn.healthcard.hub.payments.channel.PayerAuthorizationRefused;
import cn.healthcard.hub.payments.channel.PaymentChannel;
import cn.healthcard.hub.payments.channel.StatementLine;
import cn.healthcard.hub.payments.order.Fen;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentRefund;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Medical-insurance (医保) mobile payment: the payer authorises the insurance in their app and the
 * hospital's app hands the hub that authorisation ({@code payAuthNo}); the hub uploads the order's
 * fees ({@code 6201}, answering the platform's order id and token) and places the payment ({@code
 * 6202}, answering the split: the pooled fund's share, the personal account's, and the cash the
 * payer still owes, which the platform collects in the same order through a mobile wallet). The
 * platform notifies the settlement ({@code setlId}, {@code fund_pay_sumamt}, {@code acct_pay},
 * {@code psn_cash_pay}); the order query is {@code 6301}, the refund {@code 6203} (the insurance
 * shares are only ever refunded whole: a refund of less than the order refunds cash only), the
 * cancellation of an unpaid order {@code 6401}, the day's settlements {@code 3202}. Every message
 * travels in an {@link InsuranceEnvelope}: SM4-encrypted body, SM2 signature.
 */
public final class MedicalInsuranceChannel implements PaymentChannel {

  public static final String CODE = "medical-insurance";
  /** The platform's answer codes the adapter acts on (0 is success). */
  static final int NOT_FOUND = 2001;
  static final int ALREADY_SETTLED = 2002;
  static final int AUTHORIZATION_REFUSED = 2003;
  static final int REFUND_TOO_LARGE = 2004;
  static final int NOT_REFUNDABLE = 2005;
  /** How far a message's timestamp may be from now: older ones are replays. */
  static final Duration FRESH = Duration.ofMinutes(5);
  private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter MSGID_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");

  private final MedicalInsuranceSettings settings;
  private final Supplier<String> notifyUrl;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Starts where no other instance is likely to: msgid's last four digits must not repeat within a second. */
  private final AtomicInteger sequence = new AtomicInteger(new java.security.SecureRandom().nextInt(10_000));

  public MedicalInsuranceChannel(MedicalInsuranceSettings settings, Clock clock) {
    this(settings, settings::notifyUrl, clock);
  }

  /** @param notifyUrl where notifications go, read at each order (the sandbox learns its port late) */
  public MedicalInsuranceChannel(MedicalInsuranceSettings settings, Supplier<String> notifyUrl, Clock clock) {
    this.settings = settings;
    this.notifyUrl = notifyUrl;
    this.clock = clock;
  }

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public boolean needsPayerAuthorization() {
    return true;
  }

  @Override
  public String prepay(PaymentOrder order, Optional<String> payerAuthorization) {
    String payAuthNo = payerAuthorization.orElseThrow(() -> new PayerAuthorizationRefused(
        "channel " + CODE + " needs the payer's authorisation (payAuthNo)"));
    String total = order.amount().yuan().toPlainString();
    ObjectNode upload = json.createObjectNode().put("payAuthNo", payAuthNo).put("orgCodg", order.institution())
        .put("medOrgOrd", order.id()).put("medfeeSumamt", total).put("notifyUrl", notifyUrl.get());
    // one fee line per order: itemised lines come with the hospital's billing messages
    upload.putArray("feedetail").addObject().put("feedetlSn", order.id() + "-1").put("hilistName", order.description())
        .put("cnt", "1").put("pric", total).put("detItemFeeSumamt", total);
    JsonNode uploaded = placing("take the fees", "6201", upload);
    String payOrdId = uploaded.path("payOrdId").asText("");
    String payToken = uploaded.path("payToken").asText("");
    if (payOrdId.isEmpty() || payToken.isEmpty()) {
      throw new ChannelUnavailable("the insurance took the fees without an order id or token", null);
    }
    JsonNode placed = placing("place the payment", "6202", json.createObjectNode().put("payAuthNo", payAuthNo)
        .put("payOrdId", payOrdId).put("payToken", payToken).put("orgCodg", order.institution())
        .put("medOrgOrd", order.id()));
    long fund = fen(placed.path("fundPay"));
    long account = fen(placed.path("psnAcctPay"));
    long cash = fen(placed.path("ownPayAmt"));
    if (fund + account + cash != order.amount().value()) {
      throw new ChannelUnavailable("the insurance's split does not add up to the order", null);
    }
    return json.createObjectNode().put("payOrdId", payOrdId).put("payToken", payToken)
        .put("mixPayType", InsuranceSettlement.mix(fund + account, cash).name())
        .put("feeSumamt", total).put("fundPay", yuan(fund)).put("psnAcctPay", yuan(account))
        .put("ownPayAmt", yuan(cash)).toString();
  }

  /** A call placing the order: the platform refusing the payer's authorisation is the payer's to fix. */
  private JsonNode placing(String what, String infno, ObjectNode body) {
    try {
      return call(what, infno, body);
    } catch (Refused e) {
      if (e.code == AUTHORIZATION_REFUSED) {
        throw new PayerAuthorizationRefused("the insurance refused the payer's authorisation (payAuthNo): used, expired"
            + " or another payer's; have the payer authorise again");
      }
      throw e.unavailable();
    }
  }

  @Override
  public ChannelState query(PaymentOrder order) {
    JsonNode answer;
    try {
      answer = call("answer the query", "6301", json.createObjectNode().put("orgCodg", order.institution())
          .put("medOrgOrd", order.id()));
    } catch (Refused e) {
      if (e.code == NOT_FOUND) {
        return new ChannelState(order.id(), ChannelState.State.NOT_PAID, Optional.empty(), Optional.empty(), 0);
      }
      throw e.unavailable();
    }
    if (!order.id().equals(answer.path("medOrgOrd").asText())) {
      throw new ChannelUnavailable("the insurance answered the query about another order", null);
    }
    return state(order.id(), answer);
  }

  @Override
  public void close(PaymentOrder order) {
    try {
      call("cancel the order", "6401", json.createObjectNode().put("orgCodg", order.institution())
          .put("medOrgOrd", order.id()));
    } catch (Refused e) {
      if (e.code == ALREADY_SETTLED) {
        throw new AlreadyPaid(order.id());
      }
      if (e.code != NOT_FOUND) {
        throw e.unavailable();
      }
    }
  }

  @Override
  public ChannelRefund refund(PaymentOrder order, PaymentRefund refund) {
    // the insurance shares go back only with the whole of what is left: find what is
    JsonNode known;
    try {
      known = call("answer the order query", "6301", json.createObjectNode().put("orgCodg", order.institution())
          .put("medOrgOrd", order.id()));
    } catch (Refused e) {
      throw e.unavailable();
    }
    long refunded = 0;
    for (JsonNode r : known.path("refdList")) {
      if ("SUCC".equals(r.path("refdStat").asText()) && !refund.id().equals(r.path("appRefdSn").asText())) {
        refunded += amount(r.path("refdAmt"), "refdAmt");
      }
    }
    boolean whole = refund.amount().value() == order.amount().value() - refunded;
    ObjectNode request = json.createObjectNode().put("orgCodg", order.institution()).put("medOrgOrd", order.id())
        .put("appRefdSn", refund.id()).put("appRefdTime", refund.createdAt().atOffset(CHINA).format(TIME))
        .put("totlRefdAmt", refund.amount().yuan().toPlainString()).put("refdType", whole ? "ALL" : "CASH")
        .put("expContent", refund.reason() == null ? "" : refund.reason());
    try {
      call("take the refund", "6203", request);
    } catch (Refused e) {
      if (e.code != REFUND_TOO_LARGE && e.code != NOT_REFUNDABLE) {
        throw e.unavailable();
      }
      // the platform refused this refund for good (more cash than was paid in cash, the order
      // not settled or all refunded)
      return new ChannelRefund(refund.id(), ChannelRefund.State.FAILED, Optional.empty(), Optional.empty(),
          refund.amount().value());
    }
    return queryRefund(order, refund);
  }

  @Override
  public ChannelRefund queryRefund(PaymentOrder order, PaymentRefund refund) {
    JsonNode answer;
    try {
      answer = call("answer the refund query", "6301", json.createObjectNode().put("orgCodg", order.institution())
          .put("medOrgOrd", order.id()));
    } catch (Refused e) {
      throw e.unavailable();
    }
    for (JsonNode r : answer.path("refdList")) {
      if (refund.id().equals(r.path("appRefdSn").asText())) {
        String stat = r.path("refdStat").asText("");
        ChannelRefund.State state = switch (stat) {
          case "SUCC" -> ChannelRefund.State.SUCCESS;
          case "FAIL" -> ChannelRefund.State.FAILED;
          default -> ChannelRefund.State.PROCESSING;
        };
        return new ChannelRefund(refund.id(), state, Optional.ofNullable(r.path("trdRefdSn").textValue()),
            state == ChannelRefund.State.SUCCESS ? time(r.path("refdTime").asText("")) : Optional.empty(),
            fen(r.path("refdAmt")));
      }
    }
    return new ChannelRefund(refund.id(), ChannelRefund.State.NOT_FOUND, Optional.empty(), Optional.empty(), 0);
  }

  @Override
  public ChannelStatement statement(LocalDate day) {
    JsonNode answer;
    try {
      answer = call("give the day's settlements", "3202", json.createObjectNode().put("setlDate", day.toString()));
    } catch (Refused e) {
      throw e.unavailable();
    }
    List<StatementLine> lines = new ArrayList<>();
    for (JsonNode d : answer.path("details")) {
      Instant at = time(d.path("setlTime").asText("")).orElseThrow(
          () -> new ChannelUnavailable("the insurance's settlements of " + day + " have a line without its time", null));
      long amount = Math.abs(amount(d.path("medfeeSumamt"), "medfeeSumamt"));
      // the insurance takes no fee: what it settles is the whole amount
      try {
        if ("1".equals(d.path("refdSetlFlag").asText("0"))) {
          lines.add(new StatementLine(StatementLine.Kind.REFUND, at, d.path("setlId").asText(), d.path("medOrgOrd").asText(),
              Optional.ofNullable(d.path("trdRefdSn").textValue()), Optional.ofNullable(d.path("appRefdSn").textValue()),
              amount, 0));
        } else {
          lines.add(new StatementLine(StatementLine.Kind.PAYMENT, at, d.path("setlId").asText(), d.path("medOrgOrd").asText(),
              Optional.empty(), Optional.empty(), amount, 0));
        }
      } catch (IllegalArgumentException e) {
        throw new ChannelUnavailable("the insurance's settlements of " + day + " have a line that cannot be read: "
            + e.getMessage(), e);
      }
    }
    return new ChannelStatement(CODE, day, lines, ChannelStatement.digestOf(answer.toString().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public ChannelEvent readNotification(Map<String, String> headers, String body) {
    InsuranceEnvelope.Opened opened;
    try {
      opened = InsuranceEnvelope.open(body, settings.sm4Key(), settings.platformKey());
    } catch (IllegalArgumentException e) {
      throw new InvalidNotification("the notification " + e.getMessage());
    }
    if (!settings.appId().equals(opened.header().get("appId"))) {
      throw new InvalidNotification("the notification is for another application");
    }
    try {
      fresh(opened);
    } catch (IllegalArgumentException e) {
      throw new InvalidNotification("the notification " + e.getMessage());
    }
    JsonNode n = opened.body();
    String orderId = n.path("medOrgOrd").asText("");
    if (orderId.isEmpty() || opened.msgid().isEmpty()) {
      throw new InvalidNotification("the notification has no msgid or medOrgOrd");
    }
    return ChannelEvent.payment(opened.msgid(), state(orderId, n));
  }

  @Override
  public NotificationAnswer accepted() {
    return new NotificationAnswer(200, "application/json", "{\"code\":0,\"message\":\"成功\"}");
  }

  @Override
  public NotificationAnswer refused(String reason) {
    return new NotificationAnswer(400, "application/json", "{\"code\":1,\"message\":\"refused\"}");
  }

  // ------------------------------------------------------------------ the protocol

  /**
   * An order's state from a query answer or a notification: {@code ordStat} as the national
   * interface numbers it (0 saved, 1 pre-settled, 2 settling, 4/5/6 settled, 7/8 refunded, 12/13
   * cancelled, 14-16 failed).
   */
  private static ChannelState state(String orderId, JsonNode n) {
    String stat = n.path("ordStat").asText("");
    ChannelState.State state = switch (stat) {
      case "0", "1" -> ChannelState.State.NOT_PAID;
      case "2", "3" -> ChannelState.State.PAYING;
      case "4", "5", "6" -> ChannelState.State.PAID;
      case "7", "8", "9", "10", "11" -> ChannelState.State.REFUNDED;
      case "12", "13" -> ChannelState.State.CLOSED;
      default -> ChannelState.State.FAILED;
    };
    Optional<InsuranceSettlement> settlement = Optional.empty();
    String settlementId = n.path("setlId").asText("");
    if (!settlementId.isEmpty()) {
      try {
        settlement = Optional.of(new InsuranceSettlement(settlementId, fen(n.path("fund_pay_sumamt")),
            fen(n.path("acct_pay")), fen(n.path("psn_cash_pay"))));
      } catch (IllegalArgumentException e) {
        // shares that are not amounts: the order's state stands, its split is not recorded
        settlement = Optional.empty();
      }
    }
    return new ChannelState(orderId, state, settlement.map(InsuranceSettlement::settlementId),
        state == ChannelState.State.PAID ? time(n.path("setlTime").asText("")) : Optional.empty(),
        fen(n.path("medfee_sumamt")), settlement);
  }

  /** The platform refused a request: its code (negative for a system error) and message. */
  private static final class Refused extends RuntimeException {
    final int code;
    final String what;

    Refused(int code, String what) {
      super(what + " (" + code + ")", null, false, false);
      this.code = code;
      this.what = what;
    }

    ChannelUnavailable unavailable() {
      return new ChannelUnavailable("the insurance did not " + what + " (code " + code + ")", null);
    }
  }

  /**
   * One signed, encrypted request and its answer, verified and decrypted. Unreachable, an HTTP
   * error or an answer that is not the platform's: {@link ChannelUnavailable}; an answer with a
   * code other than 0: {@link Refused}.
   */
  private JsonNode call(String what, String infno, ObjectNode body) {
    LocalDateTime now = LocalDateTime.now(clock.withZone(CHINA));
    Map<String, String> header = new TreeMap<>();
    header.put("appId", settings.appId());
    header.put("infno", infno);
    header.put("msgid", settings.institutionCode() + now.format(MSGID_TIME)
        + String.format("%04d", Math.floorMod(sequence.incrementAndGet(), 10_000)));
    header.put("insuplc_admdvs", settings.area());
    header.put("timestamp", Long.toString(clock.millis()));
    String envelope = InsuranceEnvelope.seal(header, body, settings.sm4Key(), settings.hubKey());
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(URI.create(settings.gatewayUrl() + "/api/" + infno))
          .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json;charset=UTF-8")
          .POST(HttpRequest.BodyPublishers.ofString(envelope, StandardCharsets.UTF_8)).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ChannelUnavailable("the insurance did not " + what + " (unreachable)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChannelUnavailable("interrupted while the insurance was to " + what, e);
    }
    if (response.statusCode() != 200) {
      throw new ChannelUnavailable("the insurance did not " + what + " (HTTP " + response.statusCode() + ")", null);
    }
    InsuranceEnvelope.Opened answer;
    try {
      answer = InsuranceEnvelope.open(response.body(), settings.sm4Key(), settings.platformKey());
      if (!infno.equals(answer.infno())) {
        throw new IllegalArgumentException("is the answer to another interface (" + answer.infno() + ")");
      }
      fresh(answer);
    } catch (IllegalArgumentException e) {
      throw new ChannelUnavailable("the insurance did not " + what + " (the answer " + e.getMessage() + ")", e);
    }
    int code;
    try {
      code = Integer.parseInt(answer.header().getOrDefault("code", ""));
    } catch (NumberFormatException e) {
      throw new ChannelUnavailable("the insurance did not " + what + " (an answer without its code)", null);
    }
    if (code != 0) {
      throw new Refused(code, what);
    }
    return answer.body();
  }

  /** @throws IllegalArgumentException when the message's timestamp is missing or not within {@link #FRESH} of now */
  private void fresh(InsuranceEnvelope.Opened message) {
    long sent;
    try {
      sent = Long.parseLong(message.header().getOrDefault("timestamp", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("has no timestamp");
    }
    if (Math.abs(clock.millis() - sent) > FRESH.toMillis()) {
      throw new IllegalArgumentException("is older than " + FRESH.toMinutes() + " minutes (a replay?)");
    }
  }

  /** A statement's or a refund list's amount: one that cannot be read makes the answer unusable. */
  private static long amount(JsonNode yuan, String field) {
    try {
      return new BigDecimal(yuan.asText("")).movePointRight(2).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ChannelUnavailable("the insurance answered a " + field + " that is not an amount", e);
    }
  }

  private static long fen(JsonNode yuan) {
    String text = yuan.asText("");
    if (text.isEmpty()) {
      return 0;
    }
    try {
      return new BigDecimal(text).movePointRight(2).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      // an amount no order has: a notification carrying it is refused for its amount
      return -1;
    }
  }

  private static String yuan(long fen) {
    return new Fen(fen).yuan().toPlainString();
  }

  private static Optional<Instant> time(String text) {
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(LocalDateTime.parse(text, TIME).toInstant(CHINA));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
