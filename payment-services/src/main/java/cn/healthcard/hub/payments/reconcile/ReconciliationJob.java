package cn.healthcard.hub.payments.reconcile;

import cn.healthcard.hub.payments.Payments;
import cn.healthcard.hub.payments.channel.ChannelStatement;
import cn.healthcard.hub.payments.channel.StatementLine;
import cn.healthcard.hub.payments.channel.StatementLine.Kind;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentOrders;
import cn.healthcard.hub.payments.order.PaymentRefund;
import cn.healthcard.hub.payments.order.PaymentStatus;
import cn.healthcard.hub.payments.order.RefundStatus;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Daily reconciliation of one channel: the channel's statement of the day, every line matched
 * against the ledger (order or refund, amount, status), and the hub's payments and refunds of
 * that day the statement lacks. The job changes no order: it reports. Each run is kept as a
 * summary in {@code hub.payment_reconciliation}; a run that finds the same lines as the last one
 * is the same report (same first-produced time), so a re-run of a day changes nothing.
 */
public class ReconciliationJob {

  private static final Logger log = LoggerFactory.getLogger(ReconciliationJob.class);
  private static final int PROGRESS_EVERY = 10_000;

  private final Payments payments;
  private final PaymentOrders orders;
  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final Clock clock;

  public ReconciliationJob(Payments payments, PaymentOrders orders, JdbcClient jdbc, TransactionTemplate transactions,
      Clock clock) {
    this.payments = payments;
    this.orders = orders;
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.clock = clock;
  }

  /**
   * Reconciles a channel's day (the day in China's time).
   *
   * @throws cn.healthcard.hub.payments.channel.StatementNotReady the channel has no statement yet
   * @throws cn.healthcard.hub.payments.channel.ChannelUnavailable the statement could not be had
   *     or does not match its hash
   * @throws Payments.UnknownChannel the channel is not configured here
   */
  public ReconciliationReport reconcile(String channel, LocalDate day) {
    ChannelStatement statement = payments.statement(channel, day);
    var settlementDay = payments.settlementDay(channel, day);
    Instant from = settlementDay.from();
    Instant to = settlementDay.to();
    List<ReconciledLine> lines = new ArrayList<>();
    Set<String> paymentsSeen = new HashSet<>();
    Set<String> refundsSeen = new HashSet<>();
    int done = 0;
    for (StatementLine line : statement.lines()) {
      lines.add(line.kind() == Kind.PAYMENT ? payment(channel, line) : refund(channel, line));
      (line.kind() == Kind.PAYMENT ? paymentsSeen : refundsSeen)
          .add(line.kind() == Kind.PAYMENT ? line.outTradeNo() : line.outRefundNo().orElseThrow());
      if (++done % PROGRESS_EVERY == 0) {
        log.info("Reconciling {} {}: {} of {} statement lines matched", channel, day, done, statement.lines().size());
      }
    }
    for (PaymentOrder order : orders.paidBetween(channel, from, to)) {
      if (!paymentsSeen.contains(order.id())) {
        lines.add(new ReconciledLine(Match.ONLY_IN_HUB, Kind.PAYMENT, order.paidAt().orElseThrow(), Optional.of(order.id()),
            Optional.empty(), Optional.of(order.institution()), order.channelTransactionId(), Optional.empty(),
            OptionalLong.empty(), OptionalLong.of(order.amount().value()), 0));
      }
    }
    for (Map.Entry<PaymentRefund, PaymentOrder> refund : orders.refundedBetween(channel, from, to).entrySet()) {
      PaymentRefund r = refund.getKey();
      if (!refundsSeen.contains(r.id())) {
        lines.add(new ReconciledLine(Match.ONLY_IN_HUB, Kind.REFUND, r.refundedAt().orElseThrow(),
            Optional.of(r.paymentId()), Optional.of(r.id()), Optional.of(refund.getValue().institution()),
            refund.getValue().channelTransactionId(), r.channelRefundId(), OptionalLong.empty(),
            OptionalLong.of(r.amount().value()), 0));
      }
    }
    lines.sort(Comparator.comparing(ReconciledLine::at).thenComparing(l -> l.kind().name())
        .thenComparing(l -> l.paymentId().orElse("")).thenComparing(l -> l.refundId().orElse(""))
        .thenComparing(l -> l.channelTransactionId().orElse("")).thenComparing(l -> l.channelRefundId().orElse("")));
    ReconciliationReport report = keep(channel, day, statement.digest(), lines);
    log.info("Reconciled {} {}: {} lines, {}", channel, day, lines.size(), report.counts());
    return report;
  }

  private ReconciledLine payment(String channel, StatementLine line) {
    Optional<PaymentOrder> found = orders.byId(line.outTradeNo()).filter(o -> o.channel().equals(channel));
    if (found.isEmpty()) {
      return new ReconciledLine(Match.ONLY_IN_CHANNEL, Kind.PAYMENT, line.bookedAt(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.of(line.channelTransactionId()), Optional.empty(), OptionalLong.of(line.amountFen()),
          OptionalLong.empty(), line.feeFen());
    }
    PaymentOrder order = found.get();
    Match match;
    if (order.amount().value() != line.amountFen()) {
      match = Match.AMOUNT_MISMATCH;
    } else if (order.status() == PaymentStatus.PAID || order.status() == PaymentStatus.REFUNDING
        || order.status() == PaymentStatus.REFUNDED) {
      match = Match.MATCHED;
    } else {
      match = Match.STATUS_MISMATCH;
    }
    return new ReconciledLine(match, Kind.PAYMENT, line.bookedAt(), Optional.of(order.id()), Optional.empty(),
        Optional.of(order.institution()), Optional.of(line.channelTransactionId()), Optional.empty(),
        OptionalLong.of(line.amountFen()), OptionalLong.of(order.amount().value()), line.feeFen());
  }

  private ReconciledLine refund(String channel, StatementLine line) {
    Optional<PaymentRefund> found = line.outRefundNo().flatMap(orders::refund);
    Optional<PaymentOrder> order = found.flatMap(r -> orders.byId(r.paymentId())).filter(o -> o.channel().equals(channel));
    if (found.isEmpty() || order.isEmpty()) {
      return new ReconciledLine(Match.ONLY_IN_CHANNEL, Kind.REFUND, line.bookedAt(), Optional.empty(), Optional.empty(),
          Optional.empty(), Optional.of(line.channelTransactionId()), line.channelRefundId(),
          OptionalLong.of(line.amountFen()), OptionalLong.empty(), line.feeFen());
    }
    PaymentRefund refund = found.get();
    Match match = refund.amount().value() != line.amountFen() ? Match.AMOUNT_MISMATCH
        : refund.status() == RefundStatus.REFUNDED ? Match.MATCHED : Match.STATUS_MISMATCH;
    return new ReconciledLine(match, Kind.REFUND, line.bookedAt(), Optional.of(refund.paymentId()), Optional.of(refund.id()),
        Optional.of(order.get().institution()), Optional.of(line.channelTransactionId()), line.channelRefundId(),
        OptionalLong.of(line.amountFen()), OptionalLong.of(refund.amount().value()), line.feeFen());
  }

  /** Records the run: the same lines as last time keep their first-produced time. */
  private ReconciliationReport keep(String channel, LocalDate day, String statementDigest, List<ReconciledLine> lines) {
    String digest = ReconciliationReport.digest(lines);
    // the database keeps microseconds; the report states seconds
    Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    return transactions.execute(status -> {
      Map<Match, Integer> counts = new ReconciliationReport(channel, day, statementDigest, lines, now, 1).counts();
      jdbc.sql("insert into hub.payment_reconciliation (channel, day, statement_digest, report_digest, lines, matched,"
              + " produced_at, last_run_at, runs) values (?, ?, ?, ?, ?, ?, ?, ?, 0)"
              + " on conflict (channel, day) do nothing")
          .param(channel).param(day).param(statementDigest).param(digest).param(lines.size())
          .param(counts.get(Match.MATCHED)).param(Timestamp.from(now)).param(Timestamp.from(now)).update();
      record Kept(String reportDigest, Timestamp producedAt, int runs) {}
      Kept kept = jdbc.sql("select report_digest, produced_at, runs from hub.payment_reconciliation"
              + " where channel = ? and day = ? for update").param(channel).param(day)
          .query((rs, n) -> new Kept(rs.getString(1), rs.getTimestamp(2), rs.getInt(3))).single();
      boolean same = kept.reportDigest().equals(digest) && kept.runs() > 0;
      Instant producedAt = same ? kept.producedAt().toInstant() : now;
      int runs = same ? kept.runs() + 1 : 1;
      jdbc.sql("update hub.payment_reconciliation set statement_digest = ?, report_digest = ?, lines = ?, matched = ?,"
              + " produced_at = ?, last_run_at = ?, runs = ? where channel = ? and day = ?")
          .param(statementDigest).param(digest).param(lines.size()).param(counts.get(Match.MATCHED))
          .param(Timestamp.from(producedAt)).param(Timestamp.from(now)).param(runs).param(channel).param(day).update();
      return new ReconciliationReport(channel, day, statementDigest, lines, producedAt, runs);
    });
  }
}
