package cn.healthcard.hub.server.payments;

import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentOrders;
import cn.healthcard.hub.payments.wechatpay.WechatPayChannel;
import cn.healthcard.hub.payments.wechatpay.WechatPaySandbox;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Callers;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /sandbox/payments/{channel}/{merchantOrderNo}/pay} (sandbox only): the simulated
 * payer pays the hospital's order; the simulator then sends its signed notification to the hub as
 * the channel would. The order is the calling hospital's (any institution's only without
 * security, where the number must then name one order).
 */
@RestController
public class SandboxPayer {

  private final PaymentOrders orders;
  private final Optional<WechatPaySandbox> wechatpay;

  public SandboxPayer(PaymentOrders orders, Optional<WechatPaySandbox> wechatpay) {
    this.orders = orders;
    this.wechatpay = wechatpay;
  }

  @PostMapping(path = "/sandbox/payments/{channel}/{merchantOrderNo}/pay")
  public ResponseEntity<Map<String, String>> pay(@PathVariable String channel, @PathVariable String merchantOrderNo) {
    if (!WechatPayChannel.CODE.equals(channel) || wechatpay.isEmpty()) {
      return problem(HttpStatus.NOT_FOUND, "no sandbox for channel " + channel + " on this hub");
    }
    Optional<String> institution = Callers.current().map(Caller::institution);
    List<PaymentOrder> found = institution.isPresent()
        ? orders.byMerchantOrder(institution.get(), merchantOrderNo).stream().toList()
        : orders.byMerchantOrderNo(merchantOrderNo);
    found = found.stream().filter(o -> o.channel().equals(channel)).toList();
    if (found.isEmpty()) {
      return problem(HttpStatus.NOT_FOUND, "no " + channel + " order " + merchantOrderNo);
    }
    if (found.size() > 1) {
      return problem(HttpStatus.CONFLICT, "several institutions have order " + merchantOrderNo + ": call as the hospital");
    }
    PaymentOrder order = found.get(0);
    if (!order.status().open() || !wechatpay.get().simulator().pay(order.id())) {
      return problem(HttpStatus.CONFLICT, "order " + merchantOrderNo + " is " + order.status().code() + ": it cannot be paid");
    }
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(Map.of("payment", order.id(), "paid", "the notification is on its way"));
  }

  private static ResponseEntity<Map<String, String>> problem(HttpStatus status, String message) {
    return ResponseEntity.status(status).body(Map.of("error", message));
  }
}
