package cn.healthcard.hub.payments.channel;

import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentRefund;
import java.util.Map;

/**
 * One payment channel as the hub uses it, whatever its protocol: place an order, ask about it,
 * close it, and read its signed notifications. Each adapter speaks its channel's real protocol
 * and works against the real endpoint given real keys (configuration only).
 */
public interface PaymentChannel {

  /** The channel's code in the API: {@code wechatpay}, {@code alipay}, {@code unionpay}, {@code medical-insurance}. */
  String code();

  /**
   * Places the order with the channel (the same order again gives the same answer).
   *
   * @param payerAuthorization what the payer authorised in their app, for a channel that needs it
   *     (the medical insurance's {@code payAuthNo}); never stored by the hub
   * @return what the payer's app shows: a QR-code URL or app-pay parameters
   * @throws ChannelUnavailable when the channel cannot be reached or answers an error
   * @throws PayerAuthorizationRefused when the channel refuses the payer's authorisation
   */
  String prepay(PaymentOrder order, java.util.Optional<String> payerAuthorization);

  /** Whether an order needs the payer's authorisation before it is placed. */
  default boolean needsPayerAuthorization() {
    return false;
  }

  /** The order as the channel sees it now. */
  ChannelState query(PaymentOrder order);

  /**
   * Closes the order at the channel so it can no longer be paid.
   *
   * @throws AlreadyPaid when the payer paid first
   */
  void close(PaymentOrder order);

  /**
   * Asks the channel to refund (the same refund id again is the same refund at the channel).
   *
   * @param refund the hub's refund: its id is the refund number the channel knows ({@code
   *     out_refund_no}), its amount and reason go to the channel
   * @throws ChannelUnavailable when the channel cannot be reached or answers an error: the refund
   *     may or may not have reached it, so it is asked again with the same refund id
   */
  ChannelRefund refund(PaymentOrder order, PaymentRefund refund);

  /** The refund as the channel sees it now ({@code NOT_FOUND} when it never reached the channel). */
  ChannelRefund queryRefund(PaymentOrder order, PaymentRefund refund);

  /**
   * The channel's statement of a day: downloaded, checked against the hash or signature the
   * channel gives with it, read line by line. A day on which nothing was booked is an empty
   * statement.
   *
   * @throws StatementNotReady when the channel has not made that day's statement yet
   * @throws ChannelUnavailable when the channel cannot be reached, answers an error, or the file
   *     does not match its hash
   */
  ChannelStatement statement(java.time.LocalDate day);

  /**
   * The instants a statement of {@code day} covers: the China calendar day, unless the channel
   * closes its day earlier (UnionPay at 23:00 the day before).
   */
  default SettlementDay settlementDay(java.time.LocalDate day) {
    java.time.ZoneOffset china = java.time.ZoneOffset.ofHours(8);
    return new SettlementDay(day.atStartOfDay().toInstant(china), day.plusDays(1).atStartOfDay().toInstant(china));
  }

  /** From (inclusive) to (exclusive). */
  record SettlementDay(java.time.Instant from, java.time.Instant to) {}

  /**
   * Verifies (signature, certificate or key) and reads a notification as received.
   *
   * @param headers the HTTP headers, names in lower case
   * @param body the raw body, exactly as received
   * @throws InvalidNotification when it is not the channel's, or cannot be read
   */
  ChannelEvent readNotification(Map<String, String> headers, String body);

  /** What the channel expects back when the hub has taken a notification. */
  NotificationAnswer accepted();

  /** What the channel expects back when the hub refuses a notification (it will send it again). */
  NotificationAnswer refused(String reason);

  /** An HTTP answer to a channel's notification. */
  record NotificationAnswer(int status, String contentType, String body) {}
}
