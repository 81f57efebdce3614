package cn.healthcard.hub.server.payments;

import cn.healthcard.hub.payments.SandboxPayer;
import cn.healthcard.hub.payments.channel.InsuranceSettlement;
import cn.healthcard.hub.payments.medicalinsurance.MedicalInsuranceChannel;
import cn.healthcard.hub.payments.medicalinsurance.MedicalInsuranceSandbox;
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
  private final Optional<MedicalInsuranceSandbox> insurance;

  public SandboxPayerEndpoint(PaymentOrders orders, Optional<WechatPaySandbox> wechatpay,
      Optional<cn.healthcard.hub.payments.alipay.AlipaySandbox> alipay,
      Optional<cn.healthcard.hub.payments.unionpay.UnionPaySandbox> unionpay,
      Optional<MedicalInsuranceSandbox> insurance) {
    this.insurance = insurance;
    Map<String, Predicate<String>> simulators = new HashMap<>();
    wechatpay.ifPresent(s -> simulators.put(WechatPayChannel.CODE, s.simulator()::pay));
    alipay.ifPresent(s -> simulators.put(cn.healthcard.hub.payments.alipay.AlipayChannel.CODE, s.simulator()::pay));
    unionpay.ifPresent(s -> simulators.put(cn.healthcard.hub.payments.unionpay.UnionPayChannel.CODE, s.simulator()::pay));
    insurance.ifPresent(s -> simulators.put(MedicalInsuranceChannel.CODE, s.simulator()::pay));
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

  /**
   * {@code POST /sandbox/payments/medical-insurance/authorizations?mix=}: the simulated payer
   * authorises the insurance in their app; the answer's {@code payAuthNo} goes with one order's
   * {@code $create-payment}. {@code mix} decides the split: {@code CASH_AND_INSURANCE} (the
   * default), {@code INSURANCE_ONLY} or {@code CASH_ONLY}.
   */
  @PostMapping(path = "/sandbox/payments/medical-insurance/authorizations")
  public ResponseEntity<Map<String, String>> authorize(
      @org.springframework.web.bind.annotation.RequestParam(name = "mix", defaultValue = "CASH_AND_INSURANCE") String mix) {
    if (insurance.isEmpty()) {
      return problem(HttpStatus.NOT_FOUND, "no sandbox for channel medical-insurance on this hub");
    }
    InsuranceSettlement.Mix split;
    try {
      split = InsuranceSettlement.Mix.valueOf(mix);
    } catch (IllegalArgumentException e) {
      return problem(HttpStatus.BAD_REQUEST, "mix is CASH_AND_INSURANCE, INSURANCE_ONLY or CASH_ONLY");
    }
    return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("payAuthNo", insurance.get().simulator().authorize(split),
        "mixPayType", split.name()));
  }

  private static ResponseEntity<Map<String, String>> problem(HttpStatus status, String message) {
    return ResponseEntity.status(status).body(Map.of("error", message));
  }
}
