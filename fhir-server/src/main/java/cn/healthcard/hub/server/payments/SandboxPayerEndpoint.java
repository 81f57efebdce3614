package cn.healthcard.hub.server.payments;

import cn.healthcard.hub.payments.SandboxPayer;
import cn.healthcard.hub.payments.order.PaymentOrders;
import cn.healthcard.hub.payments.wechatpay.WechatPayChannel;
import cn.healthcard.hub.payments.wechatpay.WechatPaySandbox;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Callers;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /sandbox/payments/{channel}/{merchantOrderNo}/pay} (sandbox only): the simulated
 * payer ({@link SandboxPayer}) pays the calling hospital's order; the simulator then sends its
 * signed notification to the hub as the channel would. 202, 404 or 409.
 */
@RestController
public class SandboxPayerEndpoint {

  private final SandboxPayer payer;

  public SandboxPayerEndpoint(PaymentOrders orders, Optional<WechatPaySandbox> wechatpay,
      Optional<cn.healthcard.hub.payments.alipay.AlipaySandbox> alipay,
      Optional<cn.healthcard.hub.payments.unionpay.UnionPaySandbox> unionpay) {
    Map<String, Predicate<String>> simulators = new HashMap<>();
    wechatpay.ifPresent(s -> simulators.put(WechatPayChannel.CODE, s.simulator()::pay));
    alipay.ifPresent(s -> simulators.put(cn.healthcard.hub.payments.alipay.AlipayChannel.CODE, s.simulator()::pay));
    unionpay.ifPresent(s -> simulators.put(cn.healthcard.hub.payments.unionpay.UnionPayChannel.CODE, s.simulator()::pay));
    this.payer = new SandboxPayer(orders, simulators);
  }

  @PostMapping(path = "/sandbox/payments/{channel}/{merchantOrderNo}/pay")
  public ResponseEntity<Map<String, String>> pay(@PathVariable String channel, @PathVariable String merchantOrderNo) {
    SandboxPayer.Outcome outcome = payer.pay(Callers.current().map(Caller::institution), channel, merchantOrderNo);
    if (outcome instanceof SandboxPayer.Outcome.Paid paid) {
      return ResponseEntity.status(HttpStatus.ACCEPTED)
          .body(Map.of("payment", paid.paymentId(), "paid", "the notification is on its way"));
    }
    if (outcome instanceof SandboxPayer.Outcome.NotFound notFound) {
      return problem(HttpStatus.NOT_FOUND, notFound.message());
    }
    return problem(HttpStatus.CONFLICT, ((SandboxPayer.Outcome.Refused) outcome).message());
  }

  private static ResponseEntity<Map<String, String>> problem(HttpStatus status, String message) {
    return ResponseEntity.status(status).body(Map.of("error", message));
  }
}
