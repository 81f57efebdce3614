package cn.healthcard.hub.payments;

import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentOrders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The sandbox's simulated payer: finds the hospital's order by its merchant order number and has
 * the channel's simulator pay it (the simulator then notifies the hub as the channel would).
 */
public final class SandboxPayer {

  /** What the payer did. */
  public sealed interface Outcome {
    /** The simulator paid the order; its notification is on its way. */
    record Paid(String paymentId) implements Outcome {}

    /** No such channel sandbox or order. */
    record NotFound(String message) implements Outcome {}

    /** The number names orders of several institutions, or an order that can no longer be paid. */
    record Refused(String message) implements Outcome {}
  }

  private final PaymentOrders orders;
  private final Map<String, Predicate<String>> simulators;

  /** @param simulators per channel code, the simulator's "pay this out_trade_no" (false: it cannot) */
  public SandboxPayer(PaymentOrders orders, Map<String, Predicate<String>> simulators) {
    this.orders = orders;
    this.simulators = Map.copyOf(simulators);
  }

  /**
   * @param institution the calling hospital's; empty without security (the number must then name
   *     one order among all institutions)
   */
  public Outcome pay(Optional<String> institution, String channel, String merchantOrderNo) {
    Predicate<String> simulator = simulators.get(channel);
    if (simulator == null) {
      return new Outcome.NotFound("no sandbox for channel " + channel + " on this hub");
    }
    List<PaymentOrder> found = (institution.isPresent()
        ? orders.byMerchantOrder(institution.get(), merchantOrderNo).stream().toList()
        : orders.byMerchantOrderNo(merchantOrderNo))
        .stream().filter(o -> o.channel().equals(channel)).toList();
    if (found.isEmpty()) {
      return new Outcome.NotFound("no " + channel + " order " + merchantOrderNo);
    }
    if (found.size() > 1) {
      return new Outcome.Refused("several institutions have order " + merchantOrderNo + ": call as the hospital");
    }
    PaymentOrder order = found.get(0);
    if (!order.status().open() || !simulator.test(order.id())) {
      return new Outcome.Refused("order " + merchantOrderNo + " is " + order.status().code() + ": it cannot be paid");
    }
    return new Outcome.Paid(order.id());
  }
}
