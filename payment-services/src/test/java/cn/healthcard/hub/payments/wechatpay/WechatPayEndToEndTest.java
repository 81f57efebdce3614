package cn.healthcard.hub.payments.wechatpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.payments.Payments;
import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.PaymentChannel.NotificationAnswer;
import cn.healthcard.hub.payments.order.Fen;
import cn.healthcard.hub.payments.order.IllegalPaymentTransition;
import cn.healthcard.hub.payments.order.NewPayment;
import cn.healthcard.hub.payments.order.NewRefund;
import cn.healthcard.hub.payments.order.PaymentRefund;
import cn.healthcard.hub.payments.order.RefundRefused;
import cn.healthcard.hub.payments.order.RefundStatus;
import cn.healthcard.hub.payments.order.PaymentConflict;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentOrders;
import cn.healthcard.hub.payments.order.PaymentStatus;
import com.sun.net.httpserver.HttpServer;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cn.healthcard.hub.payments.channel.StatementLine.Kind;
import cn.healthcard.hub.payments.channel.StatementNotReady;
import cn.healthcard.hub.payments.fhir.ReconciliationToFhir;
import cn.healthcard.hub.payments.reconcile.Match;
import cn.healthcard.hub.payments.reconcile.ReconciledLine;
import cn.healthcard.hub.payments.reconcile.ReconciliationJob;
import cn.healthcard.hub.payments.reconcile.ReconciliationReport;
import java.io.IOException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The WeChat Pay adapter (the channel's SDK) against the simulator, both on loopback, with the
 * ledger on a real PostgreSQL: orders placed, paid, notified, queried and closed as the real
 * channel would, signatures checked both ways.
 */
class WechatPayEndToEndTest {

  private static HttpServer merchant;
  private static WechatPaySandbox sandbox;
  private static PaymentOrders orders;
  private static Payments payments;
  private static ReconciliationJob reconciliations;
  private static final AtomicInteger refuseNotifications = new AtomicInteger();
  private static final AtomicInteger received = new AtomicInteger();

  @BeforeAll
  static void start() throws IOException {
    var dataSource = cn.healthcard.hub.payments.TestDatabaseAccess.dataSource();
    orders = new PaymentOrders(JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)), Clock.systemUTC());
    merchant = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    sandbox = WechatPaySandbox.start("http://127.0.0.1:" + 0 + "/unused", List.of(Duration.ofMillis(200)), Clock.systemUTC());
    // the notify URL needs the merchant's port: start it first, then point the sandbox at it
    merchant.createContext("/notify/wechatpay", exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.incrementAndGet();
        if (refuseNotifications.get() > 0) {
          exchange.sendResponseHeaders(500, -1);
          return;
        }
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        NotificationAnswer answer = payments.notification("wechatpay", headers, body);
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
          exchange.getResponseBody().write(bytes);
        }
      }
    });
    merchant.start();
    sandbox.close();
    sandbox = WechatPaySandbox.start("http://127.0.0.1:" + merchant.getAddress().getPort() + "/notify/wechatpay",
        List.of(Duration.ofMillis(200), Duration.ofMillis(400)), Clock.systemUTC());
    payments = new Payments(orders, List.of(new WechatPayChannel(sandbox.settings(), Clock.systemUTC())));
    reconciliations = new ReconciliationJob(payments, orders, JdbcClient.create(dataSource),
        new TransactionTemplate(new DataSourceTransactionManager(dataSource)), Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    sandbox.close();
    merchant.stop(0);
  }

  private static NewPayment payment(String merchantOrderNo, long fen) {
    return new NewPayment("HOSP-1", "wechatpay", merchantOrderNo, new Fen(fen), Optional.of("urn:oid:2.16.156.10011.1.19|X"),
        Optional.empty(), Optional.empty(), Optional.empty(), "门诊缴费");
  }

  private static PaymentOrder await(Supplier<PaymentOrder> read, PaymentStatus status) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    PaymentOrder order = read.get();
    while (order.status() != status && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      order = read.get();
    }
    return order;
  }

  @Test
  void anOrderIsPlacedPaidAndNotifiedOnceWhateverTheChannelRepeats() throws Exception {
    PaymentOrder created = payments.create(payment("M-" + System.nanoTime(), 1250));
    assertThat(created.status()).isEqualTo(PaymentStatus.CREATED);
    assertThat(created.payload()).get().asString().startsWith("weixin://wxpay/bizpayurl?pr=");

    // the same merchant order number again: the same order, the same QR code, nothing charged twice
    PaymentOrder again = payments.create(payment(created.merchantOrderNo(), 1250));
    assertThat(again.id()).isEqualTo(created.id());
    assertThat(again.payload()).isEqualTo(created.payload());
    assertThatThrownBy(() -> payments.create(payment(created.merchantOrderNo(), 1300)))
        .isInstanceOf(PaymentConflict.class).hasMessageContaining("already used for 12.50 CNY");

    assertThat(sandbox.simulator().pay(created.id())).isTrue();
    PaymentOrder paid = await(() -> orders.byId(created.id()).orElseThrow(), PaymentStatus.PAID);
    assertThat(paid.status()).isEqualTo(PaymentStatus.PAID);
    assertThat(paid.channelTransactionId()).isPresent();
    assertThat(paid.paidAt()).isPresent();

    for (int i = 0; i < 5; i++) {
      assertThat(sandbox.simulator().renotify(created.id())).isEqualTo(204);
    }
    assertThat(orders.ledgerRows(created.id(), PaymentStatus.PAID)).isEqualTo(1);
    assertThatThrownBy(() -> payments.close(Optional.of("HOSP-1"), created.id()))
        .isInstanceOf(IllegalPaymentTransition.class).hasMessage("a payment that is paid cannot become closed");
  }

  /** The payer pays while the merchant refuses every delivery: the notification as it would have come. */
  private static Map.Entry<Map<String, String>, String> paidButNotDelivered(PaymentOrder order) throws InterruptedException {
    int before = received.get();
    refuseNotifications.incrementAndGet();
    try {
      sandbox.simulator().pay(order.id());
      // the channel's try and both retries (0, +200, +600 ms), all refused: none may land later
      Instant deadline = Instant.now().plusSeconds(10);
      while (received.get() < before + 3 && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
      }
    } finally {
      refuseNotifications.decrementAndGet();
    }
    return sandbox.simulator().notification(order.id());
  }

  /** Header names in lower case, as the hub's endpoint hands them to the channel. */
  private static Map<String, String> lowerCase(Map<String, String> headers) {
    Map<String, String> lower = new HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    return lower;
  }

  @Test
  void aTamperedOrForeignNotificationIsRefusedAndChangesNothing() throws Exception {
    PaymentOrder created = payments.create(payment("M-" + System.nanoTime(), 990));
    var notification = paidButNotDelivered(created);
    Map<String, String> headers = lowerCase(notification.getKey());
    String tampered = notification.getValue().replace("\"TRANSACTION.SUCCESS\"", "\"TRANSACTION.SUCCESS \"");
    NotificationAnswer refused = payments.notification("wechatpay", headers, tampered);
    assertThat(refused.status()).isEqualTo(400);
    assertThat(refused.body()).contains("\"code\":\"FAIL\"");
    Map<String, String> stale = new HashMap<>(headers);
    stale.put("wechatpay-timestamp", Long.toString(Instant.now().minusSeconds(600).getEpochSecond()));
    assertThat(payments.notification("wechatpay", stale, notification.getValue()).status()).isEqualTo(400);
    assertThat(orders.byId(created.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREATED);

    // the untouched notification is applied
    assertThat(payments.notification("wechatpay", headers, notification.getValue()).status()).isEqualTo(204);
    assertThat(orders.byId(created.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
  }

  @Test
  void aNotificationWhoseAmountIsNotTheOrdersOrForAnUnknownOrderIsRefused() throws Exception {
    PaymentOrder created = payments.create(payment("M-" + System.nanoTime(), 880));
    var notification = paidButNotDelivered(created);
    Map<String, String> headers = lowerCase(notification.getKey());
    // the ledger says another amount than the channel paid: never applied
    JdbcClient jdbc = JdbcClient.create(cn.healthcard.hub.payments.TestDatabaseAccess.dataSource());
    jdbc.sql("update hub.payment_order set amount_fen = 881 where id = ?").param(created.id()).update();
    NotificationAnswer mismatch = payments.notification("wechatpay", headers, notification.getValue());
    assertThat(mismatch.status()).isEqualTo(400);
    assertThat(mismatch.body()).contains("amount does not match the order");
    assertThat(orders.byId(created.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREATED);
    // an order the hub does not have
    jdbc.sql("update hub.payment_order set amount_fen = 880, channel = 'alipay' where id = ?").param(created.id()).update();
    NotificationAnswer unknown = payments.notification("wechatpay", headers, notification.getValue());
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body()).contains("unknown order");
    assertThat(orders.ledgerRows(created.id(), PaymentStatus.PAID)).isZero();
  }

  @Test
  void aLostNotificationIsMadeUpForByAskingTheChannel() throws Exception {
    PaymentOrder created = payments.create(payment("M-" + System.nanoTime(), 5000));
    refuseNotifications.incrementAndGet();
    try {
      sandbox.simulator().pay(created.id());
      Thread.sleep(1000); // every attempt refused
      assertThat(orders.byId(created.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREATED);
      PaymentOrder asked = payments.status(Optional.of("HOSP-1"), created.id());
      assertThat(asked.status()).isEqualTo(PaymentStatus.PAID);
      assertThat(orders.ledgerRows(created.id(), PaymentStatus.PAID)).isEqualTo(1);
    } finally {
      refuseNotifications.decrementAndGet();
    }
    // another institution does not see it
    assertThatThrownBy(() -> payments.status(Optional.of("HOSP-2"), created.id()))
        .isInstanceOf(Payments.PaymentNotFound.class);
  }

  @Test
  void anOpenOrderIsClosedAndCanNoLongerBePaid() {
    PaymentOrder created = payments.create(payment("M-" + System.nanoTime(), 100));
    PaymentOrder closed = payments.close(Optional.of("HOSP-1"), created.id());
    assertThat(closed.status()).isEqualTo(PaymentStatus.CLOSED);
    assertThat(sandbox.simulator().pay(created.id())).isFalse();
    assertThat(payments.close(Optional.of("HOSP-1"), created.id()).status()).isEqualTo(PaymentStatus.CLOSED);
  }

  @Test
  void requestsSignedWithAnotherKeyAndAnswersSignedByAnotherPlatformAreRefused() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    WechatPaySettings s = sandbox.settings();
    WechatPaySettings wrongMerchantKey = new WechatPaySettings(s.baseUrl(), s.merchantId(), s.appId(),
        rsa.generateKeyPair().getPrivate(), s.merchantSerialNumber(), s.platformPublicKey(), s.platformPublicKeyId(),
        s.apiV3Key(), s.notifyUrl());
    PaymentOrder order = orders.create(payment("M-" + System.nanoTime(), 100)).order();
    assertThatThrownBy(() -> new WechatPayChannel(wrongMerchantKey, Clock.systemUTC()).prepay(order, Optional.empty()))
        .isInstanceOf(ChannelUnavailable.class).hasMessageContaining("HTTP 401 SIGN_ERROR");
    WechatPaySettings wrongPlatformKey = new WechatPaySettings(s.baseUrl(), s.merchantId(), s.appId(),
        s.merchantPrivateKey(), s.merchantSerialNumber(), rsa.generateKeyPair().getPublic(), s.platformPublicKeyId(),
        s.apiV3Key(), s.notifyUrl());
    assertThatThrownBy(() -> new WechatPayChannel(wrongPlatformKey, Clock.systemUTC()).prepay(order, Optional.empty()))
        .isInstanceOf(ChannelUnavailable.class).hasMessageContaining("ValidationException");
  }

  private PaymentOrder paidOrder(long fen) throws InterruptedException {
    PaymentOrder created = payments.create(payment("M-" + System.nanoTime(), fen));
    sandbox.simulator().pay(created.id());
    PaymentOrder paid = await(() -> orders.byId(created.id()).orElseThrow(), PaymentStatus.PAID);
    assertThat(paid.status()).isEqualTo(PaymentStatus.PAID);
    return paid;
  }

  private static PaymentRefund awaitRefund(String refundId, RefundStatus status) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    PaymentRefund refund = orders.refund(refundId).orElseThrow();
    while (refund.status() != status && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      refund = orders.refund(refundId).orElseThrow();
    }
    return refund;
  }

  private static LocalDate chinaDay(Instant at) {
    return at.atOffset(ZoneOffset.ofHours(8)).toLocalDate();
  }

  private static ReconciledLine line(ReconciliationReport report, Kind kind, String paymentId) {
    List<ReconciledLine> found = report.lines().stream()
        .filter(l -> l.kind() == kind && l.paymentId().equals(Optional.of(paymentId))).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  @Test
  void theDaysTradeBillIsMatchedLineByLineAgainstTheLedgerAndARerunChangesNothing() throws Exception {
    PaymentOrder matched = paidOrder(1250);
    PaymentOrder refunded = paidOrder(2000);
    PaymentRefund refund = payments.refund(Optional.of("HOSP-1"), refunded.id(), new NewRefund("RF-REC", new Fen(500), null));
    assertThat(awaitRefund(refund.id(), RefundStatus.REFUNDED).status()).isEqualTo(RefundStatus.REFUNDED);
    PaymentOrder otherAmount = paidOrder(3000);
    sandbox.simulator().billAmount(otherAmount.id(), 2999);
    PaymentOrder missing = paidOrder(4000);
    sandbox.simulator().leaveOutOfBill(missing.id());
    String foreign = "FOREIGN" + System.nanoTime();
    String foreignTransaction = sandbox.simulator().foreignPayment(foreign, 300);
    LocalDate day = chinaDay(matched.paidAt().orElseThrow());
    assumeTrue(day.equals(chinaDay(Instant.now())), "the orders straddle midnight in China: reconciled on two days");

    ReconciliationReport report = reconciliations.reconcile("wechatpay", day);

    assertThat(report.runs()).isEqualTo(1);
    assertThat(report.statementDigest()).startsWith("sha1:");
    ReconciledLine paid = line(report, Kind.PAYMENT, matched.id());
    assertThat(paid.match()).isEqualTo(Match.MATCHED);
    assertThat(paid.channelAmountFen()).hasValue(1250);
    assertThat(paid.feeFen()).isEqualTo(8);
    assertThat(paid.institution()).contains("HOSP-1");
    assertThat(paid.channelTransactionId()).isEqualTo(orders.byId(matched.id()).orElseThrow().channelTransactionId());
    assertThat(line(report, Kind.PAYMENT, refunded.id()).match()).isEqualTo(Match.MATCHED);
    ReconciledLine back = line(report, Kind.REFUND, refunded.id());
    assertThat(back.match()).isEqualTo(Match.MATCHED);
    assertThat(back.refundId()).contains(refund.id());
    assertThat(back.channelAmountFen()).hasValue(500);
    assertThat(back.feeFen()).isEqualTo(3);
    ReconciledLine mismatch = line(report, Kind.PAYMENT, otherAmount.id());
    assertThat(mismatch.match()).isEqualTo(Match.AMOUNT_MISMATCH);
    assertThat(mismatch.channelAmountFen()).hasValue(2999);
    assertThat(mismatch.hubAmountFen()).hasValue(3000);
    ReconciledLine hubOnly = line(report, Kind.PAYMENT, missing.id());
    assertThat(hubOnly.match()).isEqualTo(Match.ONLY_IN_HUB);
    assertThat(hubOnly.channelAmountFen()).isEmpty();
    assertThat(hubOnly.hubAmountFen()).hasValue(4000);
    List<ReconciledLine> channelOnly = report.lines().stream()
        .filter(l -> l.channelTransactionId().equals(Optional.of(foreignTransaction))).toList();
    assertThat(channelOnly).hasSize(1);
    assertThat(channelOnly.get(0).match()).isEqualTo(Match.ONLY_IN_CHANNEL);
    assertThat(channelOnly.get(0).paymentId()).isEmpty();
    assertThat(channelOnly.get(0).channelAmountFen()).hasValue(300);

    // the same statement and the same ledger: the same report, first produced when it was
    ReconciliationReport again = reconciliations.reconcile("wechatpay", day);
    assertThat(again.lines()).isEqualTo(report.lines());
    assertThat(again.producedAt()).isEqualTo(report.producedAt());
    assertThat(again.runs()).isEqualTo(2);
    var fhir = ca.uhn.fhir.context.FhirContext.forR4Cached().newJsonParser();
    assertThat(fhir.encodeResourceToString(ReconciliationToFhir.toFhir(again)))
        .isEqualTo(fhir.encodeResourceToString(ReconciliationToFhir.toFhir(report)));

    // a payment more that day: a new report
    PaymentOrder later = paidOrder(700);
    assumeTrue(chinaDay(later.paidAt().orElseThrow()).equals(day), "midnight in China passed during the test");
    ReconciliationReport changed = reconciliations.reconcile("wechatpay", day);
    assertThat(changed.runs()).isEqualTo(1);
    assertThat(changed.lines()).hasSize(report.lines().size() + 1);
    assertThat(line(changed, Kind.PAYMENT, later.id()).match()).isEqualTo(Match.MATCHED);
  }

  @Test
  void aDayWithoutTradesIsAnEmptyStatementAndABillNotReadyOrAlteredIsRefused() {
    ReconciliationReport quiet = reconciliations.reconcile("wechatpay", LocalDate.of(2020, 1, 1));
    assertThat(quiet.lines()).isEmpty();
    assertThat(quiet.statementDigest()).isEqualTo("none");

    sandbox.simulator().setStatementsCreating(true);
    try {
      assertThatThrownBy(() -> reconciliations.reconcile("wechatpay", LocalDate.of(2020, 1, 2)))
          .isInstanceOf(StatementNotReady.class)
          .hasMessage("WeChat Pay is still making the bill of 2020-01-02 (it is ready after 10:00 the next day)");
    } finally {
      sandbox.simulator().setStatementsCreating(false);
    }
  }

  @Test
  void aBillThatDoesNotMatchItsHashIsNotUsed() throws Exception {
    PaymentOrder paid = paidOrder(900);
    LocalDate day = chinaDay(paid.paidAt().orElseThrow());
    sandbox.simulator().setCorruptDownloads(true);
    try {
      assertThatThrownBy(() -> reconciliations.reconcile("wechatpay", day))
          .isInstanceOf(ChannelUnavailable.class)
          .hasMessage("WeChat Pay's bill of " + day + " does not match its SHA1: not used");
    } finally {
      sandbox.simulator().setCorruptDownloads(false);
    }
  }

  @Test
  void theSweepRecordsAPaymentWhoseNotificationsWereAllLostAndClosesOrdersPastTheirExpiry() throws Exception {
    PaymentOrder lost = payments.create(payment("M-" + System.nanoTime(), 640));
    PaymentOrder abandoned = payments.create(payment("M-" + System.nanoTime(), 880));
    int before = received.get();
    refuseNotifications.incrementAndGet();
    try {
      assertThat(sandbox.simulator().pay(lost.id())).isTrue();
      // the channel's one try and its two retries, all refused
      Instant deadline = Instant.now().plusSeconds(10);
      while (received.get() < before + 3 && Instant.now().isBefore(deadline)) {
        Thread.sleep(20);
      }
      assertThat(received.get()).isEqualTo(before + 3);
    } finally {
      refuseNotifications.decrementAndGet();
    }
    assertThat(orders.byId(lost.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CREATED);

    // three hours on: everything open is past the two-hour expiry
    Payments.Swept swept = payments.sweep(Instant.now().plus(Duration.ofHours(3)), Duration.ofSeconds(30),
        Duration.ofHours(2), 10_000);

    assertThat(orders.byId(lost.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    assertThat(orders.ledgerRows(lost.id(), PaymentStatus.PAID)).isEqualTo(1);
    assertThat(orders.byId(abandoned.id()).orElseThrow().status()).isEqualTo(PaymentStatus.CLOSED);
    assertThat(swept.paid()).isGreaterThanOrEqualTo(1);
    assertThat(swept.closed()).isGreaterThanOrEqualTo(1);
    // closed at the channel too: the QR code can no longer be paid
    assertThat(sandbox.simulator().pay(abandoned.id())).isFalse();
  }

  @Test
  void partialRefundsAddUpToAFullOneAndTheSameRequestNumberNeverRefundsTwice() throws Exception {
    PaymentOrder paid = paidOrder(1000);
    PaymentRefund first = payments.refund(Optional.of("HOSP-1"), paid.id(), new NewRefund("RF-1", new Fen(300), "退一项检查"));
    assertThat(first.status()).isEqualTo(RefundStatus.REFUNDING);
    PaymentRefund done = awaitRefund(first.id(), RefundStatus.REFUNDED);
    assertThat(done.status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(done.channelRefundId()).isPresent();
    assertThat(orders.byId(paid.id()).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);

    // the hospital's retry of the same refund: the same refund, nothing sent as a second one
    PaymentRefund again = payments.refund(Optional.of("HOSP-1"), paid.id(), new NewRefund("RF-1", new Fen(300), "退一项检查"));
    assertThat(again.id()).isEqualTo(first.id());
    for (int i = 0; i < 5; i++) {
      assertThat(sandbox.simulator().renotifyRefund(first.id())).isEqualTo(204);
    }
    assertThat(payments.refunds(Optional.of("HOSP-1"), paid.id())).hasSize(1);

    assertThatThrownBy(() -> payments.refund(Optional.of("HOSP-1"), paid.id(), new NewRefund("RF-2", new Fen(800), null)))
        .isInstanceOf(RefundRefused.class).hasMessage("only 7.00 CNY of 10.00 CNY is left to refund");
    PaymentRefund rest = payments.refund(Optional.of("HOSP-1"), paid.id(), new NewRefund("RF-2", new Fen(700), null));
    assertThat(awaitRefund(rest.id(), RefundStatus.REFUNDED).status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(await(() -> orders.byId(paid.id()).orElseThrow(), PaymentStatus.REFUNDED).status())
        .isEqualTo(PaymentStatus.REFUNDED);
    assertThat(orders.ledgerRows(paid.id(), PaymentStatus.REFUNDED)).isEqualTo(1);
    assertThat(orders.ledgerRows(paid.id(), PaymentStatus.REFUNDING)).isEqualTo(2);
  }

  @Test
  void aRefundWhileTheChannelIsDownIsSentAgainWhenTheStatusIsRead() throws Exception {
    PaymentOrder paid = paidOrder(2000);
    sandbox.simulator().setDown(true);
    try {
      assertThatThrownBy(() -> payments.refund(Optional.of("HOSP-1"), paid.id(), new NewRefund("RF-D", new Fen(2000), "取消")))
          .isInstanceOf(ChannelUnavailable.class).hasMessageContaining("HTTP 500 SYSTEM_ERROR");
      assertThat(orders.byId(paid.id()).orElseThrow().status()).isEqualTo(PaymentStatus.REFUNDING);
      // another refund waits for this one
      assertThatThrownBy(() -> payments.refund(Optional.of("HOSP-1"), paid.id(), new NewRefund("RF-E", new Fen(1), null)))
          .isInstanceOf(RefundRefused.class);
    } finally {
      sandbox.simulator().setDown(false);
    }
    payments.status(Optional.of("HOSP-1"), paid.id());
    PaymentRefund refund = payments.refunds(Optional.of("HOSP-1"), paid.id()).get(0);
    assertThat(awaitRefund(refund.id(), RefundStatus.REFUNDED).status()).isEqualTo(RefundStatus.REFUNDED);
    assertThat(await(() -> orders.byId(paid.id()).orElseThrow(), PaymentStatus.REFUNDED).status())
        .isEqualTo(PaymentStatus.REFUNDED);
  }

  @Test
  void aRefundTheChannelCannotMakeFailsAndThePaymentStaysPaid() throws Exception {
    PaymentOrder paid = paidOrder(500);
    sandbox.simulator().setRefundsFail(true);
    try {
      PaymentRefund refund = payments.refund(Optional.of("HOSP-1"), paid.id(), new NewRefund("RF-F", new Fen(500), null));
      assertThat(awaitRefund(refund.id(), RefundStatus.FAILED).status()).isEqualTo(RefundStatus.FAILED);
    } finally {
      sandbox.simulator().setRefundsFail(false);
    }
    assertThat(await(() -> orders.byId(paid.id()).orElseThrow(), PaymentStatus.PAID).status()).isEqualTo(PaymentStatus.PAID);
    // the amount is free again
    PaymentRefund retry = payments.refund(Optional.of("HOSP-1"), paid.id(), new NewRefund("RF-G", new Fen(500), null));
    assertThat(awaitRefund(retry.id(), RefundStatus.REFUNDED).status()).isEqualTo(RefundStatus.REFUNDED);
  }

  @Test
  void anUnpaidOrderIsNotRefunded() {
    PaymentOrder open = payments.create(payment("M-" + System.nanoTime(), 100));
    assertThatThrownBy(() -> payments.refund(Optional.of("HOSP-1"), open.id(), new NewRefund("RF-X", new Fen(100), null)))
        .isInstanceOf(IllegalPaymentTransition.class).hasMessage("a payment that is created cannot become refunding");
  }

  @Test
  void anUnconfiguredOrUnknownChannelIsNamed() {
    assertThatThrownBy(() -> payments.create(new NewPayment("HOSP-1", "alipay", "M-x", new Fen(1), Optional.empty(),
        Optional.of("Encounter/1"), Optional.empty(), Optional.empty(), "x")))
        .isInstanceOf(Payments.UnknownChannel.class).hasMessage("channel alipay is not configured on this hub (configured: wechatpay)");
    assertThatThrownBy(() -> payments.create(new NewPayment("HOSP-1", "paypal", "M-x", new Fen(1), Optional.empty(),
        Optional.of("Encounter/1"), Optional.empty(), Optional.empty(), "x")))
        .isInstanceOf(Payments.UnknownChannel.class).hasMessageStartingWith("unknown channel paypal");
  }
}
