package cn.healthcard.hub.payments.medicalinsurance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.crypto.sm.Sm2;
import cn.healthcard.hub.crypto.sm.Sm4;
import cn.healthcard.hub.payments.Payments;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.InsuranceSettlement;
import cn.healthcard.hub.payments.channel.InsuranceSettlement.Mix;
import cn.healthcard.hub.payments.channel.PayerAuthorizationRefused;
import cn.healthcard.hub.payments.channel.PaymentChannel.NotificationAnswer;
import cn.healthcard.hub.payments.channel.StatementLine;
import cn.healthcard.hub.payments.order.Fen;
import cn.healthcard.hub.payments.order.IllegalPaymentTransition;
import cn.healthcard.hub.payments.order.NewPayment;
import cn.healthcard.hub.payments.order.NewRefund;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentOrders;
import cn.healthcard.hub.payments.order.PaymentRefund;
import cn.healthcard.hub.payments.order.PaymentStatus;
import cn.healthcard.hub.payments.order.RefundStatus;
import cn.healthcard.hub.payments.reconcile.Match;
import cn.healthcard.hub.payments.reconcile.ReconciliationJob;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import cn.healthcard.hub.payments.MerchantEndpoint;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The medical-insurance adapter against the platform's simulator, both on loopback, with the
 * ledger on a real PostgreSQL: the payer's authorisation, fees and payment with the insurance's
 * split, the settlement notification, query, cancellation, refunds (whole, or cash only) and the
 * day's settlements, every message SM4-encrypted and SM2-signed both ways.
 */
class MedicalInsuranceEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static MerchantEndpoint merchant;
  private static MedicalInsuranceSandbox sandbox;
  private static PaymentOrders orders;
  private static Payments payments;

  @BeforeAll
  static void start() throws IOException {
    var dataSource = cn.healthcard.hub.payments.TestDatabaseAccess.dataSource();
    orders = new PaymentOrders(JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)), Clock.systemUTC());
    merchant = MerchantEndpoint.start("medical-insurance", () -> payments, 503);
    sandbox = MedicalInsuranceSandbox.start(merchant.notifyUrl(), List.of(Duration.ofMillis(200)), Clock.systemUTC());
    payments = new Payments(orders, List.of(new MedicalInsuranceChannel(sandbox.settings(), Clock.systemUTC())));
  }

  @AfterAll
  static void stop() {
    sandbox.close();
    merchant.close();
  }

  private static NewPayment payment(long fen, Mix mix) {
    return new NewPayment("HOSP-MI", "medical-insurance", "MI" + System.nanoTime(), new Fen(fen),
        Optional.of("urn:oid:2.16.156.10011.1.19|X"), Optional.empty(), Optional.empty(), Optional.empty(), "门诊统筹",
        Optional.of(sandbox.simulator().authorize(mix)));
  }

  private static PaymentOrder paid(long fen, Mix mix) throws InterruptedException {
    PaymentOrder created = payments.create(payment(fen, mix));
    assertThat(sandbox.simulator().pay(created.id())).isTrue();
    PaymentOrder paid = MerchantEndpoint.await(() -> orders.byId(created.id()).orElseThrow(), o -> o.status() == PaymentStatus.PAID);
    assertThat(paid.status()).isEqualTo(PaymentStatus.PAID);
    return paid;
  }

  @Test
  void aMixedOrderIsSplitPaidAndItsSettlementRecordedOnce() throws Exception {
    NewPayment request = payment(1_000_00, Mix.CASH_AND_INSURANCE);
    PaymentOrder created = payments.create(request);
    JsonNode payload = JSON.readTree(created.payload().orElseThrow());
    assertThat(payload.path("mixPayType").asText()).isEqualTo("CASH_AND_INSURANCE");
    assertThat(payload.path("fundPay").asText()).isEqualTo("600.00");
    assertThat(payload.path("psnAcctPay").asText()).isEqualTo("100.00");
    assertThat(payload.path("ownPayAmt").asText()).isEqualTo("300.00");
    assertThat(payments.create(request).id()).isEqualTo(created.id());
    assertThat(payments.status(Optional.empty(), created.id()).status()).isEqualTo(PaymentStatus.CREATED);

    assertThat(sandbox.simulator().pay(created.id())).isTrue();
    PaymentOrder paid = MerchantEndpoint.await(() -> orders.byId(created.id()).orElseThrow(), o -> o.status() == PaymentStatus.PAID);
    assertThat(paid.status()).isEqualTo(PaymentStatus.PAID);
    assertThat(paid.channelTransactionId()).get().asString().startsWith("SETL");
    InsuranceSettlement settlement = orders.settlement(created.id()).orElseThrow();
    assertThat(settlement).isEqualTo(new InsuranceSettlement(paid.channelTransactionId().get(), 600_00, 100_00, 300_00));
    assertThat(settlement.mix()).isEqualTo(Mix.CASH_AND_INSURANCE);
    for (int i = 0; i < 4; i++) {
      assertThat(sandbox.simulator().renotify(created.id())).isEqualTo(200);
    }
    assertThat(orders.ledgerRows(created.id(), PaymentStatus.PAID)).isEqualTo(1);
  }

  @Test
  void insuranceOnlyAndCashOnlyOrdersSplitAsTheAuthorisationSays() throws Exception {
    PaymentOrder insured = paid(88_88, Mix.INSURANCE_ONLY);
    assertThat(orders.settlement(insured.id()).orElseThrow().mix()).isEqualTo(Mix.INSURANCE_ONLY);
    assertThat(orders.settlement(insured.id()).orElseThrow().cashFen()).isZero();
    PaymentOrder cash = paid(12_00, Mix.CASH_ONLY);
    assertThat(orders.settlement(cash.id()).orElseThrow()).isEqualTo(
        new InsuranceSettlement(cash.channelTransactionId().orElseThrow(), 0, 0, 12_00));
  }

  @Test
  void anOrderWithoutTheAuthorisationOrWithAUsedOneIsRefused() {
    NewPayment without = new NewPayment("HOSP-MI", "medical-insurance", "MI" + System.nanoTime(), new Fen(10_00),
        Optional.of("urn:oid:2.16.156.10011.1.19|X"), Optional.empty(), Optional.empty(), Optional.empty(), "门诊统筹");
    assertThatThrownBy(() -> payments.create(without))
        .isInstanceOf(PayerAuthorizationRefused.class)
        .hasMessage("channel medical-insurance needs the payer's authorisation (payAuthNo)");
    NewPayment first = payment(10_00, Mix.INSURANCE_ONLY);
    payments.create(first);
    NewPayment reused = new NewPayment("HOSP-MI", "medical-insurance", "MI" + System.nanoTime(), new Fen(10_00),
        first.patient(), Optional.empty(), Optional.empty(), Optional.empty(), "门诊统筹", first.payerAuthorization());
    assertThatThrownBy(() -> payments.create(reused))
        .isInstanceOf(PayerAuthorizationRefused.class)
        .hasMessageStartingWith("the insurance refused the payer's authorisation (payAuthNo)");
  }

  @Test
  void aTamperedOrForeignNotificationIsRefusedAndChangesNothing() throws Exception {
    PaymentOrder order = payments.create(payment(50_00, Mix.INSURANCE_ONLY));
    merchant.refusing.incrementAndGet();
    try {
      assertThat(sandbox.simulator().pay(order.id())).isTrue();
      String genuine = sandbox.simulator().notification(order.id());
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(genuine);
      tree.put("msgid", "H-forged");
      assertThat(payments.notification("medical-insurance", Map.of(), tree.toString()).status()).isEqualTo(400);
      // sealed with another key: signature and body both foreign
      var foreign = InsuranceEnvelope.seal(Map.of("appId", sandbox.settings().appId(), "infno", "notify", "msgid", "Hx"),
          JSON.createObjectNode().put("medOrgOrd", order.id()).put("ordStat", "6").put("medfee_sumamt", "50.00"),
          Sm4.randomKey(), Sm2.generateKeyPair().getPrivate());
      assertThat(payments.notification("medical-insurance", Map.of(), foreign))
          .isEqualTo(new NotificationAnswer(400, "application/json", "{\"code\":1,\"message\":\"refused\"}"));
      assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREATED);
      assertThat(payments.notification("medical-insurance", Map.of(), genuine).status()).isEqualTo(200);
      assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
      assertThat(orders.settlement(order.id())).isPresent();
    } finally {
      merchant.refusing.decrementAndGet();
    }
  }

  @Test
  void aLostNotificationIsMadeUpForByTheQueryWithItsSettlement() {
    PaymentOrder order = payments.create(payment(30_00, Mix.CASH_AND_INSURANCE));
    merchant.refusing.incrementAndGet();
    try {
      assertThat(sandbox.simulator().pay(order.id())).isTrue();
      assertThat(payments.status(Optional.of("HOSP-MI"), order.id()).status()).isEqualTo(PaymentStatus.PAID);
      assertThat(orders.settlement(order.id()).orElseThrow().totalFen()).isEqualTo(30_00);
    } finally {
      merchant.refusing.decrementAndGet();
    }
  }

  @Test
  void anUnpaidOrderIsCancelledAndAPaidOneIsNot() throws Exception {
    PaymentOrder open = payments.create(payment(3_00, Mix.INSURANCE_ONLY));
    assertThat(payments.close(Optional.of("HOSP-MI"), open.id()).status()).isEqualTo(PaymentStatus.CLOSED);
    assertThat(sandbox.simulator().pay(open.id())).isFalse();

    PaymentOrder order = payments.create(payment(4_00, Mix.INSURANCE_ONLY));
    merchant.refusing.incrementAndGet();
    try {
      assertThat(sandbox.simulator().pay(order.id())).isTrue();
      assertThatThrownBy(() -> payments.close(Optional.of("HOSP-MI"), order.id()))
          .isInstanceOf(IllegalPaymentTransition.class);
      assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    } finally {
      merchant.refusing.decrementAndGet();
    }
  }

  @Test
  void aPartRefundIsCashOnlyAndTheWholeReversesTheInsuranceShares() throws Exception {
    PaymentOrder order = paid(200_00, Mix.CASH_AND_INSURANCE);
    // cash paid: 200.00 - 120.00 fund - 20.00 account = 60.00
    PaymentRefund part = payments.refund(Optional.of("HOSP-MI"), order.id(), new NewRefund("MRF-1", new Fen(20_00), "取消检查"));
    assertThat(part.status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(part.channelRefundId()).get().asString().startsWith("REFD");
    PaymentRefund tooMuch = payments.refund(Optional.of("HOSP-MI"), order.id(), new NewRefund("MRF-2", new Fen(50_00), null));
    assertThat(tooMuch.status()).isEqualTo(RefundStatus.FAILED);
    assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    assertThat(sandbox.simulator().refundsOf(order.id())).isEqualTo(1);
    // what is left, 180.00, is the whole of it: the insurance shares go back with the rest of the cash
    PaymentRefund rest = payments.refund(Optional.of("HOSP-MI"), order.id(), new NewRefund("MRF-4", new Fen(180_00), null));
    assertThat(rest.status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(sandbox.simulator().refundsOf(order.id())).isEqualTo(2);

    PaymentOrder whole = paid(80_00, Mix.INSURANCE_ONLY);
    PaymentRefund all = payments.refund(Optional.of("HOSP-MI"), whole.id(), new NewRefund("MRF-3", new Fen(80_00), null));
    assertThat(all.status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(orders.byId(whole.id()).orElseThrow().status()).isEqualTo(PaymentStatus.REFUNDED);
  }

  @Test
  void aRefundWhileThePlatformIsDownIsSentOnceWhenTheStatusIsRead() throws Exception {
    PaymentOrder order = paid(7_00, Mix.INSURANCE_ONLY);
    sandbox.simulator().setDown(true);
    try {
      assertThatThrownBy(() -> payments.refund(Optional.of("HOSP-MI"), order.id(), new NewRefund("MRF-D", new Fen(7_00), null)))
          .isInstanceOf(ChannelUnavailable.class)
          .hasMessage("the insurance did not answer the refund query (code -1)");
    } finally {
      sandbox.simulator().setDown(false);
    }
    assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.REFUNDING);
    assertThat(payments.status(Optional.of("HOSP-MI"), order.id()).status()).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(sandbox.simulator().refundsOf(order.id())).isEqualTo(1);
  }

  @Test
  void theDaysSettlementsAreMatchedAgainstTheLedger() throws Exception {
    var dataSource = cn.healthcard.hub.payments.TestDatabaseAccess.dataSource();
    var job = new ReconciliationJob(payments, orders, JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)), Clock.systemUTC());
    PaymentOrder first = paid(12_50, Mix.INSURANCE_ONLY);
    PaymentOrder second = paid(20_00, Mix.CASH_AND_INSURANCE);
    PaymentRefund refund = payments.refund(Optional.of("HOSP-MI"), second.id(), new NewRefund("MRF-REC", new Fen(5_00), null));
    LocalDate day = first.paidAt().orElseThrow().atOffset(ZoneOffset.ofHours(8)).toLocalDate();
    Assumptions.assumeTrue(day.equals(refund.refundedAt().orElseThrow().atOffset(ZoneOffset.ofHours(8)).toLocalDate()),
        "midnight in China passed during the test");

    var report = job.reconcile("medical-insurance", day);

    var ours = report.lines().stream().filter(l -> l.paymentId().equals(Optional.of(first.id()))
        || l.paymentId().equals(Optional.of(second.id()))).toList();
    assertThat(ours).hasSize(3);
    assertThat(ours).allMatch(l -> l.match() == Match.MATCHED);
    var back = ours.stream().filter(l -> l.kind() == StatementLine.Kind.REFUND).findFirst().orElseThrow();
    assertThat(back.refundId()).contains(refund.id());
    assertThat(back.channelAmountFen()).hasValue(5_00);
    assertThat(back.feeFen()).isZero();
    assertThat(job.reconcile("medical-insurance", LocalDate.of(2020, 1, 1)).lines()).isEmpty();
  }

  @Test
  void requestsSealedWithAnotherKeyAreRefusedAndAnswersFromAnotherPlatformAreNotBelieved() throws Exception {
    MedicalInsuranceSettings real = sandbox.settings();
    MedicalInsuranceSettings forged = new MedicalInsuranceSettings(real.gatewayUrl(), real.appId(), real.institutionCode(),
        real.area(), Sm2.generateKeyPair().getPrivate(), real.platformKey(), real.sm4Key(), real.notifyUrl());
    Payments impostor = new Payments(orders, List.of(new MedicalInsuranceChannel(forged, Clock.systemUTC())));
    assertThatThrownBy(() -> impostor.create(payment(1_00, Mix.INSURANCE_ONLY)))
        .isInstanceOf(ChannelUnavailable.class)
        .hasMessage("the insurance did not take the fees (code 1001)");

    MedicalInsuranceSettings wrongPlatform = new MedicalInsuranceSettings(real.gatewayUrl(), real.appId(),
        real.institutionCode(), real.area(), real.hubKey(), Sm2.generateKeyPair().getPublic(), real.sm4Key(), real.notifyUrl());
    Payments fooled = new Payments(orders, List.of(new MedicalInsuranceChannel(wrongPlatform, Clock.systemUTC())));
    assertThatThrownBy(() -> fooled.create(payment(1_00, Mix.INSURANCE_ONLY)))
        .isInstanceOf(ChannelUnavailable.class)
        .hasMessage("the insurance did not take the fees (the answer has a signature that does not verify)");
  }
}
