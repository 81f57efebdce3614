package cn.healthcard.hub.payments.unionpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.payments.Payments;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
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
import cn.healthcard.hub.payments.order.RefundRefused;
import cn.healthcard.hub.payments.order.RefundStatus;
import cn.healthcard.hub.payments.reconcile.Match;
import cn.healthcard.hub.payments.reconcile.ReconciliationJob;
import cn.healthcard.hub.payments.MerchantEndpoint;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * The UnionPay adapter against the simulator, both on loopback, with the ledger on a real
 * PostgreSQL: app consumption, payment, notifications, query, refunds and the day's file as ACP
 * 5.1.0 has them, certificate signatures checked both ways.
 */
class UnionPayEndToEndTest {

  private static MerchantEndpoint merchant;
  private static UnionPaySandbox sandbox;
  private static PaymentOrders orders;
  private static Payments payments;

  @BeforeAll
  static void start() throws IOException {
    var dataSource = cn.healthcard.hub.payments.TestDatabaseAccess.dataSource();
    orders = new PaymentOrders(JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)), Clock.systemUTC());
    merchant = MerchantEndpoint.start("unionpay", () -> payments, 503);
    sandbox = UnionPaySandbox.start(merchant.notifyUrl(),
        List.of(Duration.ofMillis(200)), Clock.systemUTC());
    payments = new Payments(orders, List.of(new UnionPayChannel(sandbox.settings(), Clock.systemUTC())));
  }

  @AfterAll
  static void stop() {
    sandbox.close();
    merchant.close();
  }

  private static NewPayment payment(long fen) {
    return new NewPayment("HOSP-UP", "unionpay", "U" + System.nanoTime(), new Fen(fen),
        Optional.of("urn:oid:2.16.156.10011.1.19|X"), Optional.empty(), Optional.empty(), Optional.empty(), "门诊缴费");
  }

  private static PaymentOrder paid(long fen) throws InterruptedException {
    PaymentOrder created = payments.create(payment(fen));
    assertThat(sandbox.simulator().pay(created.id())).isTrue();
    PaymentOrder paid = MerchantEndpoint.await(() -> orders.byId(created.id()).orElseThrow(), o -> o.status() == PaymentStatus.PAID);
    assertThat(paid.status()).isEqualTo(PaymentStatus.PAID);
    return paid;
  }

  @Test
  void anOrderGetsItsTransactionNumberIsPaidAndNotifiedOnceWhateverTheChannelRepeats() throws Exception {
    PaymentOrder created = payments.create(payment(150_00));
    assertThat(created.payload()).get().asString().matches("\\d{21}");
    assertThat(payments.create(new NewPayment("HOSP-UP", "unionpay", created.merchantOrderNo(), new Fen(150_00),
        created.patient(), Optional.empty(), Optional.empty(), Optional.empty(), "门诊缴费")).payload())
        .isEqualTo(created.payload());
    // the app has not paid yet: UnionPay knows no such transaction, the order stays open
    assertThat(payments.status(Optional.empty(), created.id()).status()).isEqualTo(PaymentStatus.CREATED);

    int sent = sandbox.simulator().notificationsSent();
    assertThat(sandbox.simulator().pay(created.id())).isTrue();
    assertThat(sandbox.simulator().pay(created.id())).isFalse();
    PaymentOrder paid = MerchantEndpoint.await(() -> orders.byId(created.id()).orElseThrow(), o -> o.status() == PaymentStatus.PAID);
    assertThat(paid.status()).isEqualTo(PaymentStatus.PAID);
    assertThat(paid.channelTransactionId()).get().asString().hasSize(21);
    assertThat(Duration.between(paid.paidAt().orElseThrow(), Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
    assertThat(sandbox.simulator().notificationsSent()).isEqualTo(sent + 1);
    for (int i = 0; i < 4; i++) {
      assertThat(sandbox.simulator().renotify(created.id())).isEqualTo(200);
    }
    assertThat(orders.ledgerRows(created.id(), PaymentStatus.PAID)).isEqualTo(1);
  }

  @Test
  void aTamperedOrForeignNotificationIsRefusedAndChangesNothing() throws Exception {
    PaymentOrder order = payments.create(payment(10_00));
    merchant.refusing.incrementAndGet();
    try {
      assertThat(sandbox.simulator().pay(order.id())).isTrue();
      String genuine = sandbox.simulator().notification(order.id());
      String tampered = genuine.replace("txnAmt=1000", "txnAmt=1");
      assertThat(tampered).isNotEqualTo(genuine);
      assertThat(payments.notification("unionpay", Map.of(), tampered))
          .isEqualTo(new NotificationAnswer(400, "text/plain", "refused"));
      String unsigned = genuine.replaceAll("&signature=[^&]*", "");
      assertThat(payments.notification("unionpay", Map.of(), unsigned).status()).isEqualTo(400);

      // signed by a certificate of another hierarchy (right name, wrong root): not UnionPay's
      try (UnionPaySandbox impostor = UnionPaySandbox.start("http://127.0.0.1:9/none", List.of(), Clock.systemUTC())) {
        Payments fooled = new Payments(orders, List.of(new UnionPayChannel(impostor.settings(), Clock.systemUTC())));
        PaymentOrder other = fooled.create(payment(10_00));
        impostor.simulator().pay(other.id());
        String foreign = impostor.simulator().notification(other.id()).replace(other.id(), order.id());
        assertThat(payments.notification("unionpay", Map.of(), foreign).status()).isEqualTo(400);
      }
      assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREATED);

      assertThat(payments.notification("unionpay", Map.of(), genuine)).isEqualTo(new NotificationAnswer(200, "text/plain", "ok"));
      assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    } finally {
      merchant.refusing.decrementAndGet();
    }
  }

  @Test
  void aLostNotificationIsMadeUpForByTheQuery() {
    PaymentOrder order = payments.create(payment(5_00));
    merchant.refusing.incrementAndGet();
    try {
      assertThat(sandbox.simulator().pay(order.id())).isTrue();
      PaymentOrder known = payments.status(Optional.of("HOSP-UP"), order.id());
      assertThat(known.status()).isEqualTo(PaymentStatus.PAID);
      assertThat(known.channelTransactionId()).get().asString().hasSize(21);
      assertThat(orders.ledgerRows(order.id(), PaymentStatus.PAID)).isEqualTo(1);
    } finally {
      merchant.refusing.decrementAndGet();
    }
  }

  @Test
  void anUnpaidOrderIsClosedAndAPaidOneIsNot() throws Exception {
    PaymentOrder open = payments.create(payment(3_00));
    assertThat(payments.close(Optional.of("HOSP-UP"), open.id()).status()).isEqualTo(PaymentStatus.CLOSED);

    PaymentOrder order = payments.create(payment(4_00));
    merchant.refusing.incrementAndGet();
    try {
      assertThat(sandbox.simulator().pay(order.id())).isTrue();
      assertThatThrownBy(() -> payments.close(Optional.of("HOSP-UP"), order.id()))
          .isInstanceOf(IllegalPaymentTransition.class);
      assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    } finally {
      merchant.refusing.decrementAndGet();
    }
  }

  @Test
  void partialRefundsAddUpAndTheSameRequestNumberNeverRefundsTwice() throws Exception {
    PaymentOrder order = paid(20_00);
    PaymentRefund first = payments.refund(Optional.of("HOSP-UP"), order.id(), new NewRefund("URF-1", new Fen(5_00), "检查取消"));
    assertThat(first.status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(first.channelRefundId()).get().asString().hasSize(21);
    assertThat(payments.refund(Optional.of("HOSP-UP"), order.id(), new NewRefund("URF-1", new Fen(5_00), "检查取消")).id())
        .isEqualTo(first.id());
    assertThat(sandbox.simulator().refundsOf(order.id())).isEqualTo(1);
    assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);

    assertThatThrownBy(() -> payments.refund(Optional.of("HOSP-UP"), order.id(), new NewRefund("URF-2", new Fen(15_01), null)))
        .isInstanceOf(RefundRefused.class);
    PaymentRefund rest = payments.refund(Optional.of("HOSP-UP"), order.id(), new NewRefund("URF-2", new Fen(15_00), null));
    assertThat(rest.status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(sandbox.simulator().refundsOf(order.id())).isEqualTo(2);
  }

  @Test
  void aRefundWhileTheChannelIsDownIsSentOnceWhenTheStatusIsRead() throws Exception {
    PaymentOrder order = paid(7_00);
    sandbox.simulator().setDown(true);
    try {
      assertThatThrownBy(() -> payments.refund(Optional.of("HOSP-UP"), order.id(), new NewRefund("URF-D", new Fen(7_00), null)))
          .isInstanceOf(ChannelUnavailable.class)
          .hasMessage("UnionPay did not answer the refund query (respCode 02)");
    } finally {
      sandbox.simulator().setDown(false);
    }
    assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.REFUNDING);
    assertThat(sandbox.simulator().refundsOf(order.id())).isZero();
    assertThat(payments.status(Optional.of("HOSP-UP"), order.id()).status()).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(sandbox.simulator().refundsOf(order.id())).isEqualTo(1);
  }

  @Test
  void theDaysFileIsMatchedAgainstTheLedger() throws Exception {
    var dataSource = cn.healthcard.hub.payments.TestDatabaseAccess.dataSource();
    var job = new ReconciliationJob(payments, orders, JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)), Clock.systemUTC());
    PaymentOrder first = paid(12_50);
    PaymentOrder second = paid(20_00);
    PaymentRefund refund = payments.refund(Optional.of("HOSP-UP"), second.id(), new NewRefund("URF-REC", new Fen(5_00), null));
    LocalDate day = UnionPayChannel.settlementDate(first.paidAt().orElseThrow());
    Assumptions.assumeTrue(day.equals(UnionPayChannel.settlementDate(refund.refundedAt().orElseThrow())),
        "UnionPay's day ended (23:00 China) during the test");

    var report = job.reconcile("unionpay", day);

    var ours = report.lines().stream().filter(l -> l.paymentId().equals(Optional.of(first.id()))
        || l.paymentId().equals(Optional.of(second.id()))).toList();
    assertThat(ours).hasSize(3);
    assertThat(ours).allMatch(l -> l.match() == Match.MATCHED);
    var back = ours.stream().filter(l -> l.kind() == StatementLine.Kind.REFUND).findFirst().orElseThrow();
    assertThat(back.refundId()).contains(refund.id());
    assertThat(back.channelAmountFen()).hasValue(5_00);
    assertThat(back.feeFen()).isEqualTo(3);
    assertThat(report.statementDigest()).startsWith("sha1:");
    // a past day with no file (UnionPay answers 98) is an empty statement; a day whose file
    // UnionPay has not made yet is not ready (and is asked for again)
    assertThat(job.reconcile("unionpay", LocalDate.now(ZoneOffset.ofHours(8)).minusDays(200)).lines()).isEmpty();
    assertThatThrownBy(() -> job.reconcile("unionpay", LocalDate.now(ZoneOffset.ofHours(8)).plusDays(1)))
        .isInstanceOf(cn.healthcard.hub.payments.channel.StatementNotReady.class);
  }

  @Test
  void requestsSignedWithAnotherKeyAreRefusedAndAnswersFromAnotherHierarchyAreNotBelieved() throws Exception {
    UnionPaySettings real = sandbox.settings();
    try (UnionPaySandbox other = UnionPaySandbox.start("http://127.0.0.1:9/none", List.of(), Clock.systemUTC())) {
      UnionPaySettings forged = new UnionPaySettings(real.gatewayUrl(), real.fileUrl(), real.merchantId(),
          other.settings().signingKey(), real.certId(), real.middle(), real.root(), real.owner(), real.backUrl());
      Payments impostor = new Payments(orders, List.of(new UnionPayChannel(forged, Clock.systemUTC())));
      assertThatThrownBy(() -> impostor.create(payment(1_00)))
          .isInstanceOf(ChannelUnavailable.class)
          .hasMessage("UnionPay did not take the order (respCode 11)");

      UnionPaySettings wrongRoot = new UnionPaySettings(real.gatewayUrl(), real.fileUrl(), real.merchantId(),
          real.signingKey(), real.certId(), other.settings().middle(), other.settings().root(), real.owner(), real.backUrl());
      Payments fooled = new Payments(orders, List.of(new UnionPayChannel(wrongRoot, Clock.systemUTC())));
      assertThatThrownBy(() -> fooled.create(payment(1_00)))
          .isInstanceOf(ChannelUnavailable.class)
          .hasMessageStartingWith("UnionPay did not take the order (the answer is signed by a certificate that is not UnionPay's");

      UnionPaySettings wrongOwner = new UnionPaySettings(real.gatewayUrl(), real.fileUrl(), real.merchantId(),
          real.signingKey(), real.certId(), real.middle(), real.root(), "00040000:SIGN", real.backUrl());
      Payments misnamed = new Payments(orders, List.of(new UnionPayChannel(wrongOwner, Clock.systemUTC())));
      assertThatThrownBy(() -> misnamed.create(payment(1_00)))
          .isInstanceOf(ChannelUnavailable.class)
          .hasMessageContaining("is not UnionPay's signing certificate");
    }
  }
}
