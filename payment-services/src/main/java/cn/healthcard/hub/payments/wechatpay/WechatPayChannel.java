package cn.healthcard.hub.payments.wechatpay;

import cn.healthcard.hub.payments.channel.AlreadyPaid;
import cn.healthcard.hub.payments.channel.ChannelEvent;
import cn.healthcard.hub.payments.channel.ChannelRefund;
import cn.healthcard.hub.payments.channel.ChannelState;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.InvalidNotification;
import cn.healthcard.hub.payments.channel.PaymentChannel;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentRefund;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.wechat.pay.java.core.RSAPublicKeyConfig;
import com.wechat.pay.java.core.exception.HttpException;
import com.wechat.pay.java.core.exception.MalformedMessageException;
import com.wechat.pay.java.core.exception.ServiceException;
import com.wechat.pay.java.core.exception.ValidationException;
import com.wechat.pay.java.core.http.DefaultHttpClientBuilder;
import com.wechat.pay.java.core.http.HttpClient;
import com.wechat.pay.java.core.notification.NotificationParser;
import com.wechat.pay.java.core.notification.RequestParam;
import com.wechat.pay.java.service.payments.model.Transaction;
import com.wechat.pay.java.service.payments.nativepay.NativePayService;
import com.wechat.pay.java.service.payments.nativepay.model.Amount;
import com.wechat.pay.java.service.payments.nativepay.model.CloseOrderRequest;
import com.wechat.pay.java.service.payments.nativepay.model.PrepayRequest;
import com.wechat.pay.java.service.payments.nativepay.model.QueryOrderByOutTradeNoRequest;
import com.wechat.pay.java.service.refund.RefundService;
import com.wechat.pay.java.service.refund.model.AmountReq;
import com.wechat.pay.java.service.refund.model.CreateRequest;
import com.wechat.pay.java.service.refund.model.QueryByOutRefundNoRequest;
import com.wechat.pay.java.service.refund.model.Refund;
import com.wechat.pay.java.service.refund.model.RefundNotification;
import com.wechat.pay.java.service.refund.model.Status;
import cn.healthcard.hub.payments.channel.ChannelStatement;
import cn.healthcard.hub.payments.channel.StatementNotReady;
import com.wechat.pay.java.service.billdownload.BillDownloadServiceExtension;
import com.wechat.pay.java.service.billdownload.DigestBillEntity;
import com.wechat.pay.java.service.billdownload.model.BillType;
import com.wechat.pay.java.service.billdownload.model.GetTradeBillRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * WeChat Pay API v3, Native payment (a QR code the payer scans), through the channel's official
 * SDK: requests signed {@code WECHATPAY2-SHA256-RSA2048} with the merchant's key, answers and
 * notifications verified with WeChat Pay's public key, notification resources decrypted with
 * AEAD_AES_256_GCM and the APIv3 key. Pointed at another base URL (the sandbox's simulator), the
 * same signed requests go there: only the host changes, the signed path does not.
 */
public final class WechatPayChannel implements PaymentChannel {

  public static final String CODE = "wechatpay";
  private static final Duration NOTIFICATION_WINDOW = Duration.ofMinutes(5);
  private static final String SIGN_TYPE = "WECHATPAY2-SHA256-RSA2048";

  private final WechatPaySettings settings;
  private final java.util.function.Supplier<String> notifyUrl;
  private final NativePayService nativePay;
  private final RefundService refunds;
  private final BillDownloadServiceExtension bills;
  private final NotificationParser notifications;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public WechatPayChannel(WechatPaySettings settings, Clock clock) {
    this(settings, settings::notifyUrl, clock);
  }

  /**
   * @param notifyUrl where notifications go, read at each order (the sandbox knows its port only
   *     once the web server is up)
   */
  public WechatPayChannel(WechatPaySettings settings, java.util.function.Supplier<String> notifyUrl, Clock clock) {
    this.settings = settings;
    this.notifyUrl = notifyUrl;
    this.clock = clock;
    RSAPublicKeyConfig config = new RSAPublicKeyConfig.Builder()
        .merchantId(settings.merchantId())
        .privateKey(settings.merchantPrivateKey())
        .merchantSerialNumber(settings.merchantSerialNumber())
        .publicKey(settings.platformPublicKey())
        .publicKeyId(settings.platformPublicKeyId())
        .apiV3Key(settings.apiV3Key())
        .build();
    OkHttpClient.Builder http = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(10));
    HttpUrl base = HttpUrl.get(settings.baseUrl());
    if (!settings.baseUrl().equals(WechatPaySettings.PRODUCTION_URL)) {
      // the SDK writes the production host into every URL; another base URL replaces only the host
      http.addInterceptor(chain -> chain.proceed(chain.request().newBuilder()
          .url(chain.request().url().newBuilder().scheme(base.scheme()).host(base.host()).port(base.port()).build())
          .build()));
    }
    HttpClient client = new DefaultHttpClientBuilder().config(config).okHttpClient(http.build()).build();
    this.nativePay = new NativePayService.Builder().httpClient(client).build();
    this.refunds = new RefundService.Builder().httpClient(client).build();
    this.bills = new BillDownloadServiceExtension.Builder().httpClient(client).decryptor(config.createDecryptor()).build();
    this.notifications = new NotificationParser(config);
  }

  @Override
  public String code() {
    return CODE;
  }

  @Override
  public String prepay(PaymentOrder order, Optional<String> payerAuthorization) {
    PrepayRequest request = new PrepayRequest();
    request.setAppid(settings.appId());
    request.setMchid(settings.merchantId());
    request.setDescription(order.description());
    request.setOutTradeNo(order.id());
    request.setNotifyUrl(notifyUrl.get());
    Amount amount = new Amount();
    amount.setTotal(Math.toIntExact(order.amount().value()));
    amount.setCurrency("CNY");
    request.setAmount(amount);
    return call("take the order", () -> nativePay.prepay(request).getCodeUrl());
  }

  @Override
  public ChannelState query(PaymentOrder order) {
    QueryOrderByOutTradeNoRequest request = new QueryOrderByOutTradeNoRequest();
    request.setMchid(settings.merchantId());
    request.setOutTradeNo(order.id());
    return call("answer the query", () -> state(nativePay.queryOrderByOutTradeNo(request)));
  }

  @Override
  public void close(PaymentOrder order) {
    CloseOrderRequest request = new CloseOrderRequest();
    request.setMchid(settings.merchantId());
    request.setOutTradeNo(order.id());
    call("close the order", () -> {
      try {
        nativePay.closeOrder(request);
      } catch (ServiceException e) {
        if ("ORDERPAID".equals(e.getErrorCode())) {
          throw new AlreadyPaid(order.id());
        }
        throw e;
      }
      return null;
    });
  }

  @Override
  public ChannelRefund refund(PaymentOrder order, PaymentRefund refund) {
    String refundId = refund.id();
    long amountFen = refund.amount().value();
    String reason = refund.reason();
    CreateRequest request = new CreateRequest();
    request.setOutTradeNo(order.id());
    request.setOutRefundNo(refundId);
    if (reason != null && !reason.isBlank()) {
      request.setReason(reason.length() > 80 ? reason.substring(0, 80) : reason);
    }
    request.setNotifyUrl(notifyUrl.get());
    AmountReq amount = new AmountReq();
    amount.setRefund(amountFen);
    amount.setTotal(order.amount().value());
    amount.setCurrency("CNY");
    request.setAmount(amount);
    return call("take the refund", () -> refundState(refunds.create(request)));
  }

  @Override
  public ChannelRefund queryRefund(PaymentOrder order, PaymentRefund refund) {
    String refundId = refund.id();
    QueryByOutRefundNoRequest request = new QueryByOutRefundNoRequest();
    request.setOutRefundNo(refundId);
    return call("answer the refund query", () -> {
      try {
        return refundState(refunds.queryByOutRefundNo(request));
      } catch (ServiceException e) {
        if (e.getHttpStatusCode() == 404 || "RESOURCE_NOT_EXISTS".equals(e.getErrorCode())) {
          return new ChannelRefund(refundId, ChannelRefund.State.NOT_FOUND, Optional.empty(), Optional.empty(), 0);
        }
        throw e;
      }
    });
  }

  @Override
  public ChannelStatement statement(LocalDate day) {
    GetTradeBillRequest request = new GetTradeBillRequest();
    request.setBillDate(day.toString());
    request.setBillType(BillType.ALL);
    return call("give the trade bill", () -> {
      DigestBillEntity bill;
      try {
        bill = bills.getTradeBill(request);
      } catch (ServiceException e) {
        if ("NO_STATEMENT_EXIST".equals(e.getErrorCode())) {
          // no payment and no refund that day: nothing to reconcile but the hub's side
          return new ChannelStatement(CODE, day, List.of(), "none");
        }
        if ("STATEMENT_CREATING".equals(e.getErrorCode())) {
          throw new StatementNotReady("WeChat Pay is still making the bill of " + day + " (it is ready after 10:00 the next day)");
        }
        throw e;
      }
      byte[] bytes;
      try (InputStream in = bill.getInputStream()) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new ChannelUnavailable("WeChat Pay's bill of " + day + " could not be downloaded", e);
      }
      if (!bill.verifyHash()) {
        throw new ChannelUnavailable("WeChat Pay's bill of " + day + " does not match its SHA1: not used", null);
      }
      try {
        return new ChannelStatement(CODE, day, WechatPayTradeBill.parse(new String(bytes, StandardCharsets.UTF_8)),
            ChannelStatement.digestOf(bytes));
      } catch (IllegalArgumentException e) {
        throw new ChannelUnavailable("WeChat Pay's bill of " + day + " cannot be read: " + e.getMessage(), e);
      }
    });
  }


  @Override
  public ChannelEvent readNotification(Map<String, String> headers, String body) {
    String timestamp = headers.get("wechatpay-timestamp");
    try {
      Instant sent = Instant.ofEpochSecond(Long.parseLong(timestamp));
      if (Duration.between(sent, clock.instant()).abs().compareTo(NOTIFICATION_WINDOW) > 0) {
        throw new InvalidNotification("the notification's Wechatpay-Timestamp is more than 5 minutes off");
      }
    } catch (NumberFormatException e) {
      throw new InvalidNotification("the notification has no valid Wechatpay-Timestamp");
    }
    RequestParam param = new RequestParam.Builder()
        .serialNumber(headers.get("wechatpay-serial"))
        .nonce(headers.get("wechatpay-nonce"))
        .signature(headers.get("wechatpay-signature"))
        .signType(headers.getOrDefault("wechatpay-signature-type", SIGN_TYPE))
        .timestamp(timestamp)
        .body(body)
        .build();
    String eventType;
    String eventId;
    try {
      JsonNode envelope = json.readTree(body);
      eventId = envelope.path("id").asText("");
      eventType = envelope.path("event_type").asText("");
    } catch (IOException e) {
      throw new InvalidNotification("the notification is not JSON");
    }
    if (eventId.isEmpty()) {
      throw new InvalidNotification("the notification has no id");
    }
    try {
      if (eventType.startsWith("REFUND.")) {
        // the resource is encrypted with this merchant's APIv3 key: it is this merchant's
        RefundNotification refund = notifications.parse(param, RefundNotification.class);
        return ChannelEvent.refund(eventId, refundState(refund.getOutRefundNo(), refund.getRefundStatus(),
            refund.getRefundId(), refund.getSuccessTime(), refund.getAmount() == null ? null : refund.getAmount().getRefund()));
      }
      Transaction transaction = notifications.parse(param, Transaction.class);
      if (!settings.merchantId().equals(transaction.getMchid())) {
        throw new InvalidNotification("the notification is for another merchant");
      }
      return ChannelEvent.payment(eventId, state(transaction));
    } catch (ValidationException e) {
      throw new InvalidNotification("the notification's signature does not verify with WeChat Pay's key");
    } catch (MalformedMessageException | IllegalArgumentException e) {
      throw new InvalidNotification("the notification cannot be read or decrypted");
    }
  }

  @Override
  public NotificationAnswer accepted() {
    return new NotificationAnswer(204, null, "");
  }

  @Override
  public NotificationAnswer refused(String reason) {
    // WeChat Pay sends again on anything but 2xx; its documented failure body
    String message = reason.replace("\\", "\\\\").replace("\"", "\\\"");
    return new NotificationAnswer(400, "application/json", "{\"code\":\"FAIL\",\"message\":\"" + message + "\"}");
  }

  private static ChannelRefund refundState(Refund r) {
    return refundState(r.getOutRefundNo(), r.getStatus(), r.getRefundId(), r.getSuccessTime(),
        r.getAmount() == null ? null : r.getAmount().getRefund());
  }

  private static ChannelRefund refundState(String outRefundNo, Status status, String refundId, String successTime,
      Long amount) {
    ChannelRefund.State state = status == null ? ChannelRefund.State.PROCESSING : switch (status) {
      case SUCCESS -> ChannelRefund.State.SUCCESS;
      case CLOSED, ABNORMAL -> ChannelRefund.State.FAILED;
      case PROCESSING -> ChannelRefund.State.PROCESSING;
    };
    Optional<Instant> at = Optional.ofNullable(successTime).filter(t -> !t.isEmpty()).map(t -> OffsetDateTime.parse(t).toInstant());
    return new ChannelRefund(outRefundNo, state, Optional.ofNullable(refundId), at, amount == null ? 0 : amount);
  }

  private static ChannelState state(Transaction t) {
    ChannelState.State state = switch (t.getTradeState()) {
      case SUCCESS -> ChannelState.State.PAID;
      case USERPAYING, ACCEPT -> ChannelState.State.PAYING;
      case NOTPAY -> ChannelState.State.NOT_PAID;
      case CLOSED, REVOKED -> ChannelState.State.CLOSED;
      case PAYERROR -> ChannelState.State.FAILED;
      case REFUND -> ChannelState.State.REFUNDED;
    };
    Optional<Instant> paidAt = Optional.ofNullable(t.getSuccessTime()).filter(s -> !s.isEmpty())
        .map(s -> OffsetDateTime.parse(s).toInstant());
    long amount = t.getAmount() == null || t.getAmount().getTotal() == null ? 0 : t.getAmount().getTotal();
    return new ChannelState(t.getOutTradeNo(), state, Optional.ofNullable(t.getTransactionId()), paidAt, amount);
  }

  /**
   * One call to the channel: whatever the SDK throws (unreachable, an error answer, an answer
   * that does not verify) becomes {@link ChannelUnavailable} saying what was not done.
   */
  private static <T> T call(String what, java.util.function.Supplier<T> work) {
    try {
      return work.get();
    } catch (HttpException | ServiceException | MalformedMessageException | ValidationException | IllegalArgumentException e) {
      throw new ChannelUnavailable("WeChat Pay did not " + what + " (" + describe(e) + ")", e);
    }
  }

  /** What went wrong, without the channel's message (it may echo the request). */
  private static String describe(RuntimeException e) {
    if (e instanceof ServiceException s) {
      return "HTTP " + s.getHttpStatusCode() + " " + s.getErrorCode();
    }
    return e.getClass().getSimpleName();
  }
}
