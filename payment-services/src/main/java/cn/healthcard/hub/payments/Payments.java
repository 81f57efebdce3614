package cn.healthcard.hub.payments;

import cn.healthcard.hub.payments.channel.AlreadyPaid;
import cn.healthcard.hub.payments.channel.ChannelEvent;
import cn.healthcard.hub.payments.channel.ChannelState;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.InvalidNotification;
import cn.healthcard.hub.payments.channel.PaymentChannel;
import cn.healthcard.hub.payments.channel.PaymentChannel.NotificationAnswer;
import cn.healthcard.hub.payments.order.IllegalPaymentTransition;
import cn.healthcard.hub.payments.order.NewPayment;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentOrders;
import cn.healthcard.hub.payments.order.PaymentOrders.Change;
import cn.healthcard.hub.payments.order.PaymentStatus;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The unified payment platform: a hospital places one kind of order whatever the channel, and the
 * channel's answers (notifications, queries) move it through {@link PaymentStatus} exactly once.
 * A notification that arrives before the create's answer is applied all the same (the order is
 * in the ledger before the channel sees it); a notification that never arrives is made up for by
 * asking the channel when the order's status is read.
 */
public class Payments {

  private static final Logger log = LoggerFactory.getLogger(Payments.class);

  /** The channels of the contract; one not configured on this hub is refused as such. */
  public static final Set<String> CHANNELS = Set.of("unionpay", "alipay", "wechatpay", "medical-insurance");

  private final PaymentOrders orders;
  private final Map<String, PaymentChannel> channels;

  public Payments(PaymentOrders orders, List<PaymentChannel> channels) {
    this.orders = orders;
    this.channels = channels.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(PaymentChannel::code, c -> c));
  }

  /** A channel the hub cannot use: unknown, or not configured here. */
  public static final class UnknownChannel extends RuntimeException {
    public UnknownChannel(String message) {
      super(message);
    }
  }

  /** No such payment for this caller (another institution's is not found either). */
  public static final class PaymentNotFound extends RuntimeException {
    public PaymentNotFound(String id) {
      super("no payment " + id);
    }
  }

  public Set<String> configuredChannels() {
    return channels.keySet();
  }

  /**
   * Places the order, or answers the one placed before with the same merchant order number (the
   * channel is asked again only when it never answered the first time).
   */
  public PaymentOrder create(NewPayment request) {
    PaymentChannel channel = channel(request.channel());
    PaymentOrder order = orders.create(request).order();
    if (order.payload().isEmpty() && order.status() == PaymentStatus.CREATED) {
      String payload = channel.prepay(order);
      orders.recordPayload(order.id(), payload);
      order = orders.byId(order.id()).orElseThrow();
    }
    return order;
  }

  /**
   * The order as the hub knows it; an order still open is first checked with the channel (a
   * notification may be late or lost). A channel that cannot be reached leaves the hub's answer.
   *
   * @param institution the caller's institution, empty for an operator (any institution)
   */
  public PaymentOrder status(Optional<String> institution, String id) {
    PaymentOrder order = find(institution, id);
    if (!order.status().open()) {
      return order;
    }
    try {
      return apply(order, channel(order.channel()).query(order), "query", Optional.empty());
    } catch (ChannelUnavailable e) {
      log.info("Payment {}: channel {} did not answer a status query", order.id(), order.channel());
      return order;
    }
  }

  /**
   * Closes an order before it is paid. If the payer paid first, the order is recorded paid and the
   * close is refused.
   *
   * @throws IllegalPaymentTransition when the order is paid, refunded or otherwise no longer open
   */
  public PaymentOrder close(Optional<String> institution, String id) {
    PaymentOrder order = find(institution, id);
    if (order.status() == PaymentStatus.CLOSED) {
      return order;
    }
    order.status().check(PaymentStatus.CLOSED);
    PaymentChannel channel = channel(order.channel());
    try {
      channel.close(order);
    } catch (AlreadyPaid e) {
      PaymentOrder paid = apply(order, channel.query(order), "query", Optional.empty());
      throw new IllegalPaymentTransition(paid.status(), PaymentStatus.CLOSED);
    }
    return orders.apply(order.id(), Change.to(PaymentStatus.CLOSED, "close"));
  }

  /**
   * A notification as received from a channel: verified by the channel's adapter, applied once,
   * answered in the channel's format.
   */
  public NotificationAnswer notification(String channelCode, Map<String, String> headers, String body) {
    PaymentChannel channel = channels.get(channelCode);
    if (channel == null) {
      throw new UnknownChannel("no channel " + channelCode + " on this hub");
    }
    ChannelEvent event;
    try {
      event = channel.readNotification(headers, body);
    } catch (InvalidNotification e) {
      log.warn("Refused a {} notification: {}", channelCode, e.getMessage());
      return channel.refused(e.getMessage());
    }
    Optional<PaymentOrder> order = orders.byId(event.state().outTradeNo());
    if (order.isEmpty() || !order.get().channel().equals(channelCode)) {
      log.warn("Refused a {} notification for an order the hub does not have", channelCode);
      return channel.refused("unknown order");
    }
    if (event.state().state() == ChannelState.State.PAID && event.state().amountFen() != order.get().amount().value()) {
      log.warn("Payment {}: {} notified {} fen paid for an order of {} fen; not applied",
          order.get().id(), channelCode, event.state().amountFen(), order.get().amount().value());
      return channel.refused("amount does not match the order");
    }
    try {
      apply(order.get(), event.state(), "notification", Optional.of(event.eventId()));
    } catch (IllegalPaymentTransition e) {
      // a payment the hub had closed: the money is with the channel and must go back; taking the
      // notification stops the channel's retries, the warning is the operator's
      log.warn("Payment {}: {} says {} but the order is {}: refund it", order.get().id(), channelCode,
          event.state().state(), e.from().code());
    }
    return channel.accepted();
  }

  private PaymentOrder apply(PaymentOrder order, ChannelState state, String source, Optional<String> eventId) {
    PaymentStatus next = switch (state.state()) {
      case PAID -> PaymentStatus.PAID;
      case PAYING -> PaymentStatus.PAYING;
      case CLOSED -> PaymentStatus.CLOSED;
      case FAILED -> PaymentStatus.FAILED;
      case NOT_PAID, REFUNDED -> null;
    };
    if (next == null || next == order.status()) {
      return order;
    }
    if (next != PaymentStatus.PAID && !order.status().canBecome(next)) {
      return order;
    }
    return orders.apply(order.id(), new Change(next, source, eventId, state.transactionId(), state.paidAt()));
  }

  private PaymentOrder find(Optional<String> institution, String id) {
    Optional<PaymentOrder> order = orders.byId(id);
    if (order.isEmpty() || institution.isPresent() && !institution.get().equals(order.get().institution())) {
      throw new PaymentNotFound(id);
    }
    return order.get();
  }

  private PaymentChannel channel(String code) {
    PaymentChannel channel = channels.get(code);
    if (channel != null) {
      return channel;
    }
    throw new UnknownChannel(CHANNELS.contains(code)
        ? "channel " + code + " is not configured on this hub (configured: " + String.join(", ", new java.util.TreeSet<>(channels.keySet())) + ")"
        : "unknown channel " + code + " (one of " + String.join(", ", new java.util.TreeSet<>(CHANNELS)) + ")");
  }
}
