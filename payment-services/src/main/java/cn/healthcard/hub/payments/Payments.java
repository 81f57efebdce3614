package cn.healthcard.hub.payments;

import cn.healthcard.hub.payments.channel.AlreadyPaid;
import cn.healthcard.hub.payments.channel.ChannelEvent;
import cn.healthcard.hub.payments.channel.ChannelRefund;
import cn.healthcard.hub.payments.channel.ChannelState;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.InvalidNotification;
import cn.healthcard.hub.payments.channel.PaymentChannel;
import cn.healthcard.hub.payments.channel.PaymentChannel.NotificationAnswer;
import cn.healthcard.hub.payments.order.IllegalPaymentTransition;
import cn.healthcard.hub.payments.order.NewPayment;
import cn.healthcard.hub.payments.order.NewRefund;
import cn.healthcard.hub.payments.order.PaymentRefund;
import cn.healthcard.hub.payments.order.RefundStatus;
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
    if (channel.needsPayerAuthorization() && request.payerAuthorization().isEmpty()) {
      throw new cn.healthcard.hub.payments.channel.PayerAuthorizationRefused("channel " + channel.code()
          + " needs the payer's authorisation (payAuthNo)");
    }
    PaymentOrder order = orders.create(request).order();
    if (order.payload().isEmpty() && order.status() == PaymentStatus.CREATED) {
      String payload = channel.prepay(order, request.payerAuthorization());
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
    PaymentChannel channel = channel(order.channel());
    try {
      if (order.status().open()) {
        return apply(order, channel.query(order), "query", Optional.empty());
      }
      if (order.status() == PaymentStatus.REFUNDING) {
        for (PaymentRefund refund : orders.refunds(order.id())) {
          if (refund.status() == RefundStatus.REFUNDING) {
            settle(order, refund, channel);
          }
        }
        return orders.byId(order.id()).orElseThrow();
      }
    } catch (ChannelUnavailable e) {
      log.info("Payment {}: channel {} did not answer a status query", order.id(), order.channel());
    }
    return order;
  }

  /** How the medical insurance split an order the caller may see (empty for other channels). */
  public Optional<cn.healthcard.hub.payments.channel.InsuranceSettlement> settlement(Optional<String> institution, String id) {
    return orders.settlement(find(institution, id).id());
  }

  /** The refunds of an order the caller may see. */
  public java.util.List<PaymentRefund> refunds(Optional<String> institution, String id) {
    return orders.refunds(find(institution, id).id());
  }

  /**
   * Refunds (part of) a paid order. The same refund request number again is the same refund: it
   * is never sent to the channel as a second one (the channel knows it by the hub's refund id).
   *
   * @throws cn.healthcard.hub.payments.order.RefundRefused more than is left, another refund in flight
   * @throws ChannelUnavailable the channel did not answer: the refund stays refunding and is sent
   *     again (same refund id) when the hospital asks again or reads the payment's status
   */
  public PaymentRefund refund(Optional<String> institution, String id, NewRefund request) {
    PaymentOrder order = find(institution, id);
    PaymentChannel channel = channel(order.channel());
    PaymentRefund refund = orders.startRefund(order.id(), request).refund();
    if (refund.status() != RefundStatus.REFUNDING) {
      return refund;
    }
    return settle(orders.byId(order.id()).orElseThrow(), refund, channel);
  }

  /** A refund still with the channel: asked about, sent (again) when the channel never got it, applied. */
  private PaymentRefund settle(PaymentOrder order, PaymentRefund refund, PaymentChannel channel) {
    ChannelRefund known = channel.queryRefund(order, refund);
    if (known.state() == ChannelRefund.State.NOT_FOUND) {
      known = channel.refund(order, refund);
    }
    return applyRefund(refund, known, "refund", Optional.empty());
  }

  private PaymentRefund applyRefund(PaymentRefund refund, ChannelRefund state, String source, Optional<String> eventId) {
    return switch (state.state()) {
      case SUCCESS -> orders.finishRefund(refund.id(), RefundStatus.REFUNDED, state.refundId(), state.refundedAt(),
          source, eventId);
      case FAILED -> orders.finishRefund(refund.id(), RefundStatus.FAILED, state.refundId(), Optional.empty(),
          source, eventId);
      case PROCESSING, NOT_FOUND -> refund;
    };
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
    if (event.refund().isPresent()) {
      ChannelRefund refund = event.refund().get();
      Optional<PaymentRefund> known = orders.refund(refund.outRefundNo());
      if (known.isEmpty()) {
        log.warn("Refused a {} refund notification for a refund the hub does not have", channelCode);
        return channel.refused("unknown refund");
      }
      if (refund.state() == ChannelRefund.State.SUCCESS && refund.amountFen() != known.get().amount().value()) {
        log.warn("Refund {}: {} notified {} fen refunded for a refund of {} fen; not applied",
            known.get().id(), channelCode, refund.amountFen(), known.get().amount().value());
        return channel.refused("amount does not match the refund");
      }
      applyRefund(known.get(), refund, "notification", Optional.of(event.eventId()));
      return channel.accepted();
    }
    ChannelState paid = event.payment().orElseThrow();
    Optional<PaymentOrder> order = orders.byId(paid.outTradeNo());
    if (order.isEmpty() || !order.get().channel().equals(channelCode)) {
      log.warn("Refused a {} notification for an order the hub does not have", channelCode);
      return channel.refused("unknown order");
    }
    if (paid.state() == ChannelState.State.PAID && paid.amountFen() != order.get().amount().value()) {
      log.warn("Payment {}: {} notified {} fen paid for an order of {} fen; not applied",
          order.get().id(), channelCode, paid.amountFen(), order.get().amount().value());
      return channel.refused("amount does not match the order");
    }
    try {
      apply(order.get(), paid, "notification", Optional.of(event.eventId()));
    } catch (IllegalPaymentTransition e) {
      // a payment the hub had closed: the money is with the channel and must go back; taking the
      // notification stops the channel's retries, the warning is the operator's
      log.warn("Payment {}: {} says {} but the order is {}: refund it", order.get().id(), channelCode,
          paid.state(), e.from().code());
    }
    return channel.accepted();
  }

  /** What a sweep did. */
  public record Swept(int asked, int paid, int closed, int refundsSettled) {}

  /**
   * Makes up for notifications that never came, without waiting for a hospital to read the
   * status: asks the channel about every order still open after {@code quiet} (and closes, at the
   * channel and here, those still unpaid after {@code expiry}), and about every refund still with
   * the channel after {@code quiet}. A channel that does not answer is asked again next time.
   */
  public Swept sweep(java.time.Instant now, java.time.Duration quiet, java.time.Duration expiry, int limit) {
    int asked = 0;
    int paid = 0;
    int closed = 0;
    int settled = 0;
    for (PaymentOrder order : orders.openCreatedBefore(now.minus(quiet), limit)) {
      PaymentChannel channel = channels.get(order.channel());
      if (channel == null) {
        continue;
      }
      asked++;
      try {
        PaymentOrder current = apply(order, channel.query(order), "sweep", Optional.empty());
        if (current.status() == PaymentStatus.PAID) {
          paid++;
        } else if (current.status().open() && order.createdAt().isBefore(now.minus(expiry))) {
          close(Optional.empty(), order.id());
          closed++;
        }
      } catch (ChannelUnavailable e) {
        log.info("Payment {}: channel {} did not answer the sweep", order.id(), order.channel());
      } catch (IllegalPaymentTransition e) {
        // paid at the channel in the meantime: the close was refused and the order recorded paid
        paid++;
      } catch (RuntimeException e) {
        // one order the hub cannot settle must not stop the sweep of all the others
        log.warn("Payment {}: the sweep failed on it ({}); the others go on", order.id(), e.getClass().getSimpleName());
      }
    }
    for (PaymentRefund refund : orders.refundingBefore(now.minus(quiet), limit)) {
      PaymentOrder order = orders.byId(refund.paymentId()).orElseThrow();
      PaymentChannel channel = channels.get(order.channel());
      if (channel == null) {
        continue;
      }
      try {
        if (settle(order, refund, channel).status() != RefundStatus.REFUNDING) {
          settled++;
        }
      } catch (ChannelUnavailable e) {
        log.info("Refund {}: channel {} did not answer the sweep", refund.id(), order.channel());
      } catch (RuntimeException e) {
        log.warn("Refund {}: the sweep failed on it ({}); the others go on", refund.id(), e.getClass().getSimpleName());
      }
    }
    return new Swept(asked, paid, closed, settled);
  }

  /**
   * A channel's statement of a day (reconciliation).
   *
   * @throws UnknownChannel when the channel is not configured here
   */
  public cn.healthcard.hub.payments.channel.ChannelStatement statement(String channel, java.time.LocalDate day) {
    return channel(channel).statement(day);
  }

  /** The instants a channel's statement of a day covers. */
  public PaymentChannel.SettlementDay settlementDay(String channel, java.time.LocalDate day) {
    return channel(channel).settlementDay(day);
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
    return orders.apply(order.id(), new Change(next, source, eventId, state.transactionId(), state.paidAt(),
        state.settlement()));
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
