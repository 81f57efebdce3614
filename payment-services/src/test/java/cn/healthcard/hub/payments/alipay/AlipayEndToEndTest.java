package cn.healthcard.hub.payments.alipay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.payments.Payments;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.PaymentChannel.NotificationAnswer;
import cn.healthcard.hub.payments.order.Fen;
import cn.healthcard.hub.payments.order.NewPayment;
import cn.healthcard.hub.payments.order.NewRefund;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentOrders;
import cn.healthcard.hub.payments.order.PaymentRefund;
import cn.healthcard.hub.payments.order.PaymentStatus;
import cn.healthcard.hub.payments.order.RefundRefused;
import cn.healthcard.hub.payments.order.RefundStatus;
import cn.healthcard.hub.payments.MerchantEndpoint;
import java.io.IOException;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The Alipay adapter (the channel's SDK) against the simulator, both on loopback, with the ledger
 * on a real PostgreSQL: pre-create, scan and pay, notifications, query, close and refunds as the
 * real gateway would, RSA2 signatures checked both ways.
 */
class AlipayEndToEndTest {

  private static MerchantEndpoint merchant;
  private static AlipaySandbox sandbox;
  private static PaymentOrders orders;
  private static Payments payments;

  @BeforeAll
  static void start() throws IOException {
    var dataSource = cn.healthcard.hub.payments.TestDatabaseAccess.dataSource();
    orders = new PaymentOrders(JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)), Clock.systemUTC());
    merchant = MerchantEndpoint.start("alipay", () -> payments, 500);
    sandbox = AlipaySandbox.start(merchant.notifyUrl(),
        List.of(Duration.ofMillis(200)), Clock.systemUTC());
    payments = new Payments(orders, List.of(new AlipayChannel(sandbox.settings())));
  }

  @AfterAll
  static void stop() {
    sandbox.close();
    merchant.close();
  }

  private static NewPayment payment(long fen) {
    return new NewPayment("HOSP-ALI", "alipay", "A-" + System.nanoTime(), new Fen(fen),
        Optional.of("urn:oid:2.16.156.10011.1.19|X"), Optional.empty(), Optional.empty(), Optional.empty(), "住院预交金");
  }

  private static PaymentOrder paid(long fen) throws InterruptedException {
    PaymentOrder created = payments.create(payment(fen));
    assertThat(sandbox.simulator().pay(created.id())).isTrue();
    PaymentOrder paid = MerchantEndpoint.await(() -> orders.byId(created.id()).orElseThrow(), o -> o.status() == PaymentStatus.PAID);
    assertThat(paid.status()).isEqualTo(PaymentStatus.PAID);
    return paid;
  }

  @Test
  void anOrderIsPreCreatedPaidAndNotifiedOnceWhateverTheChannelRepeats() throws Exception {
    PaymentOrder created = payments.create(payment(88_00));
    assertThat(created.payload()).get().asString().startsWith("https://qr.alipay.com/");
    assertThat(payments.create(new NewPayment("HOSP-ALI", "alipay", created.merchantOrderNo(), new Fen(88_00),
        created.patient(), Optional.empty(), Optional.empty(), Optional.empty(), "住院预交金")).id()).isEqualTo(created.id());
    // not scanned yet: Alipay has no trade, the order is still open
    assertThat(payments.status(Optional.empty(), created.id()).status()).isEqualTo(PaymentStatus.CREATED);

    assertThat(sandbox.simulator().pay(created.id())).isTrue();
    PaymentOrder paid = MerchantEndpoint.await(() -> orders.byId(created.id()).orElseThrow(), o -> o.status() == PaymentStatus.PAID);
    assertThat(paid.status()).isEqualTo(PaymentStatus.PAID);
    assertThat(paid.channelTransactionId()).get().asString().startsWith("2026");
    assertThat(paid.paidAt()).isPresent();
    assertThat(Duration.between(paid.paidAt().get(), Instant.now()).abs()).isLessThan(Duration.ofMinutes(1));
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
      sandbox.simulator().pay(order.id());
      String genuine = sandbox.simulator().notification(order.id());
      String tampered = genuine.replace("total_amount=10.00", "total_amount=0.01");
      assertThat(tampered).isNotEqualTo(genuine);
      assertThat(payments.notification("alipay", Map.of(), tampered)).isEqualTo(new NotificationAnswer(400, "text/plain", "failure"));
      String unsigned = genuine.replaceAll("&sign=[^&]*", "");
      assertThat(payments.notification("alipay", Map.of(), unsigned).body()).isEqualTo("failure");
      assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREATED);

      assertThat(payments.notification("alipay", Map.of(), genuine)).isEqualTo(new NotificationAnswer(200, "text/plain", "success"));
      assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    } finally {
      merchant.refusing.decrementAndGet();
    }
  }

  @Test
  void aLostNotificationIsMadeUpForByAskingTheChannel() {
    PaymentOrder order = payments.create(payment(5_00));
    merchant.refusing.incrementAndGet();
    try {
      sandbox.simulator().pay(order.id());
      assertThat(payments.status(Optional.of("HOSP-ALI"), order.id()).status()).isEqualTo(PaymentStatus.PAID);
      assertThat(orders.ledgerRows(order.id(), PaymentStatus.PAID)).isEqualTo(1);
    } finally {
      merchant.refusing.decrementAndGet();
    }
  }

  @Test
  void anOrderNotYetScannedIsClosed() {
    PaymentOrder order = payments.create(payment(3_00));
    assertThat(payments.close(Optional.of("HOSP-ALI"), order.id()).status()).isEqualTo(PaymentStatus.CLOSED);
  }

  @Test
  void partialRefundsAddUpAndTheSameRequestNumberNeverRefundsTwice() throws Exception {
    PaymentOrder order = paid(20_00);
    PaymentRefund first = payments.refund(Optional.of("HOSP-ALI"), order.id(), new NewRefund("ARF-1", new Fen(5_00), "检查取消"));
    assertThat(first.status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(first.refundedAt()).isPresent();
    assertThat(payments.refund(Optional.of("HOSP-ALI"), order.id(), new NewRefund("ARF-1", new Fen(5_00), "检查取消")).id())
        .isEqualTo(first.id());
    assertThat(sandbox.simulator().refundsOf(order.id())).isEqualTo(1);
    assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);

    assertThatThrownBy(() -> payments.refund(Optional.of("HOSP-ALI"), order.id(), new NewRefund("ARF-2", new Fen(15_01), null)))
        .isInstanceOf(RefundRefused.class);
    PaymentRefund rest = payments.refund(Optional.of("HOSP-ALI"), order.id(), new NewRefund("ARF-2", new Fen(15_00), null));
    assertThat(rest.status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(sandbox.simulator().refundsOf(order.id())).isEqualTo(2);
  }

  @Test
  void aRefundWhileTheChannelIsDownIsSentOnceWhenTheStatusIsRead() throws Exception {
    PaymentOrder order = paid(7_00);
    sandbox.simulator().setDown(true);
    try {
      assertThatThrownBy(() -> payments.refund(Optional.of("HOSP-ALI"), order.id(), new NewRefund("ARF-D", new Fen(7_00), null)))
          .isInstanceOf(ChannelUnavailable.class)
          .hasMessage("Alipay did not answer the refund query (20000 isp.unknow-error)");
    } finally {
      sandbox.simulator().setDown(false);
    }
    assertThat(orders.byId(order.id()).orElseThrow().status()).isEqualTo(PaymentStatus.REFUNDING);
    assertThat(payments.status(Optional.of("HOSP-ALI"), order.id()).status()).isEqualTo(PaymentStatus.REFUNDED);
    assertThat(sandbox.simulator().refundsOf(order.id())).isEqualTo(1);
  }

  @Test
  void theDaysTradeBillIsMatchedAgainstTheLedger() throws Exception {
    var dataSource = cn.healthcard.hub.payments.TestDatabaseAccess.dataSource();
    var job = new cn.healthcard.hub.payments.reconcile.ReconciliationJob(payments, orders, JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)), Clock.systemUTC());
    PaymentOrder first = paid(12_50);
    PaymentOrder second = paid(20_00);
    PaymentRefund refund = payments.refund(Optional.of("HOSP-ALI"), second.id(), new NewRefund("ARF-REC", new Fen(5_00), null));
    java.time.LocalDate day = first.paidAt().orElseThrow().atOffset(java.time.ZoneOffset.ofHours(8)).toLocalDate();
    org.junit.jupiter.api.Assumptions.assumeTrue(day.equals(refund.refundedAt().orElseThrow()
        .atOffset(java.time.ZoneOffset.ofHours(8)).toLocalDate()), "midnight in China passed during the test");

    var report = job.reconcile("alipay", day);

    var ours = report.lines().stream().filter(l -> l.paymentId().equals(Optional.of(first.id()))
        || l.paymentId().equals(Optional.of(second.id()))).toList();
    assertThat(ours).hasSize(3);
    assertThat(ours).allMatch(l -> l.match() == cn.healthcard.hub.payments.reconcile.Match.MATCHED);
    var back = ours.stream().filter(l -> l.kind() == cn.healthcard.hub.payments.channel.StatementLine.Kind.REFUND)
        .findFirst().orElseThrow();
    assertThat(back.refundId()).contains(refund.id());
    assertThat(back.channelAmountFen()).hasValue(5_00);
    assertThat(back.feeFen()).isEqualTo(3);
    assertThat(report.statementDigest()).startsWith("sha1:");
    assertThat(job.reconcile("alipay", java.time.LocalDate.of(2020, 1, 1)).lines()).isEmpty();
  }

  @Test
  void requestsSignedWithAnotherKeyAreRefused() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    AlipaySettings forged = new AlipaySettings(sandbox.settings().gatewayUrl(), sandbox.settings().appId(),
        rsa.generateKeyPair().getPrivate(), sandbox.settings().alipayPublicKey(), sandbox.settings().notifyUrl());
    Payments impostor = new Payments(orders, List.of(new AlipayChannel(forged)));
    assertThatThrownBy(() -> impostor.create(payment(1_00)))
        .isInstanceOf(ChannelUnavailable.class)
        .hasMessage("Alipay did not take the order (40002 isv.invalid-signature)");

    // answers signed by another "Alipay" do not verify
    AlipaySettings wrongPlatform = new AlipaySettings(sandbox.settings().gatewayUrl(), sandbox.settings().appId(),
        sandbox.settings().appPrivateKey(), rsa.generateKeyPair().getPublic(), sandbox.settings().notifyUrl());
    Payments fooled = new Payments(orders, List.of(new AlipayChannel(wrongPlatform)));
    assertThatThrownBy(() -> fooled.create(payment(1_00))).isInstanceOf(ChannelUnavailable.class);
  }
}
