package cn.healthcard.hub.payments.order;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The payment ledger ({@code hub.payment_order}, one row per order; {@code hub.payment_ledger}, one
 * row per change of state; {@code hub.payment_refund}, one row per refund asked for). Every change goes through {@link PaymentStatus} under a row lock in one
 * transaction with its ledger row; a change reported twice by a channel (the same event id) is
 * recorded once. A merchant order number is unique per institution in the database, so two
 * concurrent creates of one order make one order.
 */
public class PaymentOrders {

  private static final String COLUMNS = "id, institution, merchant_order_no, channel, amount_fen, description,"
      + " patient, encounter, charge_item, invoice, status, payload, channel_transaction_id, paid_at, created_at";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final PaymentRecords records;

  public PaymentOrders(JdbcClient jdbc, TransactionTemplate transactions, Clock clock) {
    this(jdbc, transactions, clock, PaymentRecords.NONE);
  }

  /** @param records told of each payment and refund inside the ledger's transaction */
  public PaymentOrders(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, PaymentRecords records) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.clock = clock;
    this.records = records;
  }

  /** What a create found: the order, and whether this call made it. */
  public record Created(PaymentOrder order, boolean isNew) {}

  public Optional<PaymentOrder> byId(String id) {
    return jdbc.sql("select " + COLUMNS + " from hub.payment_order where id = ?").param(id)
        .query(PaymentOrders::row).optional();
  }

  public Optional<PaymentOrder> byMerchantOrder(String institution, String merchantOrderNo) {
    return jdbc.sql("select " + COLUMNS + " from hub.payment_order where institution = ? and merchant_order_no = ?")
        .param(institution).param(merchantOrderNo).query(PaymentOrders::row).optional();
  }

  /** Orders of every institution with this merchant order number (the sandbox's payer knows only it). */
  public List<PaymentOrder> byMerchantOrderNo(String merchantOrderNo) {
    return jdbc.sql("select " + COLUMNS + " from hub.payment_order where merchant_order_no = ?")
        .param(merchantOrderNo).query(PaymentOrders::row).list();
  }

  /** Open orders (created, paying) created before {@code before}, oldest first. */
  public List<PaymentOrder> openCreatedBefore(Instant before, int limit) {
    return jdbc.sql("select " + COLUMNS + " from hub.payment_order where status in ('created', 'paying')"
            + " and created_at < ? order by created_at limit ?")
        .param(Timestamp.from(before)).param(limit).query(PaymentOrders::row).list();
  }

  /** Refunds still with the channel, asked for before {@code before}. */
  public List<PaymentRefund> refundingBefore(Instant before, int limit) {
    return jdbc.sql("select " + REFUND_COLUMNS + " from hub.payment_refund where status = 'refunding'"
            + " and created_at < ? order by created_at limit ?")
        .param(Timestamp.from(before)).param(limit).query(PaymentOrders::refundRow).list();
  }

  /** Orders of a channel paid in [from, to) that the hub counts as paid (paid, refunding or refunded). */
  public List<PaymentOrder> paidBetween(String channel, Instant from, Instant to) {
    return jdbc.sql("select " + COLUMNS + " from hub.payment_order where channel = ? and paid_at >= ? and paid_at < ?"
            + " and status in ('paid', 'refunding', 'refunded') order by paid_at, id")
        .param(channel).param(Timestamp.from(from)).param(Timestamp.from(to)).query(PaymentOrders::row).list();
  }

  /** Refunds of a channel's orders refunded in [from, to), each with its order. */
  public java.util.Map<PaymentRefund, PaymentOrder> refundedBetween(String channel, Instant from, Instant to) {
    List<PaymentRefund> refunds = jdbc.sql("select " + REFUND_COLUMNS.replaceAll("(\\w+)", "r.$1")
            + " from hub.payment_refund r join hub.payment_order o on o.id = r.payment_id where o.channel = ?"
            + " and r.status = 'refunded' and r.refunded_at >= ? and r.refunded_at < ? order by r.refunded_at, r.id")
        .param(channel).param(Timestamp.from(from)).param(Timestamp.from(to)).query(PaymentOrders::refundRow).list();
    java.util.Map<PaymentRefund, PaymentOrder> found = new java.util.LinkedHashMap<>();
    refunds.forEach(r -> found.put(r, byId(r.paymentId()).orElseThrow()));
    return found;
  }

  /**
   * The order for (institution, merchant order number): made now, or the one made before when it
   * asks for the same amount on the same channel.
   *
   * @throws PaymentConflict when the number was used for a different amount or channel
   */
  public Created create(NewPayment p) {
    return transactions.execute(status -> {
      String id = "P" + HexFormat.of().formatHex(randomBytes(12));
      Instant now = clock.instant();
      int inserted = jdbc.sql("insert into hub.payment_order (id, institution, merchant_order_no, channel, amount_fen,"
              + " description, patient, encounter, charge_item, invoice, status, created_at, updated_at)"
              + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'created', ?, ?)"
              + " on conflict (institution, merchant_order_no) do nothing")
          .param(id).param(p.institution()).param(p.merchantOrderNo()).param(p.channel()).param(p.amount().value())
          .param(p.description()).param(p.patient().orElse(null)).param(p.encounter().orElse(null))
          .param(p.chargeItem().orElse(null)).param(p.invoice().orElse(null))
          .param(Timestamp.from(now)).param(Timestamp.from(now))
          .update();
      if (inserted == 1) {
        ledger(id, null, PaymentStatus.CREATED, p.amount().value(), "create", null);
        return new Created(byId(id).orElseThrow(), true);
      }
      PaymentOrder existing = byMerchantOrder(p.institution(), p.merchantOrderNo()).orElseThrow();
      if (existing.amount().value() != p.amount().value() || !existing.channel().equals(p.channel())) {
        throw new PaymentConflict("merchantOrderNo " + p.merchantOrderNo() + " was already used for "
            + existing.amount().yuan() + " CNY by " + existing.channel() + ": a new payment needs a new number");
      }
      return new Created(existing, false);
    });
  }

  /** Keeps what the channel gave the payer (a QR-code URL) once the channel has the order. */
  public void recordPayload(String id, String payload) {
    jdbc.sql("update hub.payment_order set payload = ?, updated_at = ? where id = ? and payload is null")
        .param(payload).param(Timestamp.from(clock.instant())).param(id).update();
  }

  /** A change reported by the channel or asked by the hospital. */
  public record Change(PaymentStatus to, String source, Optional<String> eventId,
      Optional<String> channelTransactionId, Optional<Instant> paidAt,
      Optional<cn.healthcard.hub.payments.channel.InsuranceSettlement> settlement) {

    public static Change to(PaymentStatus to, String source) {
      return new Change(to, source, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }
  }

  /** How the medical insurance settled a paid order (empty for every other channel). */
  public Optional<cn.healthcard.hub.payments.channel.InsuranceSettlement> settlement(String paymentId) {
    return jdbc.sql("select settlement_id, fund_fen, account_fen, cash_fen from hub.payment_insurance_settlement"
            + " where payment_id = ?").param(paymentId)
        .query((rs, n) -> new cn.healthcard.hub.payments.channel.InsuranceSettlement(rs.getString(1), rs.getLong(2),
            rs.getLong(3), rs.getLong(4))).optional();
  }

  /**
   * Applies a change once: under the order's row lock, checked by the state machine, with its
   * ledger row. A change to the state the order is already in is not a change (a repeated
   * notification, a query after the notification): the order is answered as it is.
   *
   * @throws IllegalPaymentTransition when the state machine does not allow it
   */
  public PaymentOrder apply(String id, Change change) {
    return transactions.execute(status -> {
      PaymentOrder current = lock(id);
      if (current.status() == change.to()) {
        return current;
      }
      current.status().check(change.to());
      if (seen(id, change.eventId())) {
        return current;
      }
      ledger(id, current.status(), change.to(), current.amount().value(), change.source(), change.eventId().orElse(null));
      jdbc.sql("update hub.payment_order set status = ?, channel_transaction_id = coalesce(?, channel_transaction_id),"
              + " paid_at = coalesce(?, paid_at), updated_at = ? where id = ?")
          .param(change.to().code()).param(change.channelTransactionId().orElse(null))
          .param(change.paidAt().map(Timestamp::from).orElse(null)).param(Timestamp.from(clock.instant())).param(id)
          .update();
      if (change.to() == PaymentStatus.PAID && change.settlement().isPresent()) {
        var split = change.settlement().get();
        if (split.totalFen() != current.amount().value()) {
          // the money is taken: the payment stands; a split that does not add up (another fund's
          // share the hub does not know, a field missing) is not kept, and the operator is told
          org.slf4j.LoggerFactory.getLogger(PaymentOrders.class).warn(
              "Payment {}: the insurance's settlement shares do not add up to the order; the split is not recorded", id);
        } else {
          jdbc.sql("insert into hub.payment_insurance_settlement (payment_id, settlement_id, fund_fen, account_fen, cash_fen,"
                + " recorded_at) values (?, ?, ?, ?, ?, ?) on conflict (payment_id) do nothing")
            .param(id).param(split.settlementId()).param(split.fundFen()).param(split.accountFen()).param(split.cashFen())
            .param(Timestamp.from(clock.instant())).update();
        }
      }
      PaymentOrder changed = byId(id).orElseThrow();
      if (change.to() == PaymentStatus.PAID) {
        records.paid(changed);
      }
      return changed;
    });
  }

  // ---------------------------------------------------------------- refunds

  private static final String REFUND_COLUMNS = "id, payment_id, refund_request_no, amount_fen, reason, status,"
      + " channel_refund_id, refunded_at, created_at";

  /** What a refund request found: the refund, and whether this call made it. */
  public record RefundStarted(PaymentRefund refund, boolean isNew) {}

  public List<PaymentRefund> refunds(String paymentId) {
    return jdbc.sql("select " + REFUND_COLUMNS + " from hub.payment_refund where payment_id = ? order by created_at, id")
        .param(paymentId).query(PaymentOrders::refundRow).list();
  }

  public Optional<PaymentRefund> refund(String refundId) {
    return jdbc.sql("select " + REFUND_COLUMNS + " from hub.payment_refund where id = ?").param(refundId)
        .query(PaymentOrders::refundRow).optional();
  }

  /**
   * Starts a refund of a paid order, or answers the one started before with the same request
   * number: under the order's row lock, never more than is left to refund, one refund with the
   * channel at a time; the order becomes refunding.
   *
   * @throws RefundRefused naming the parameter (amount, refundRequestNo, payment)
   * @throws IllegalPaymentTransition when the order is not paid
   */
  public RefundStarted startRefund(String paymentId, NewRefund request) {
    return transactions.execute(status -> {
      PaymentOrder order = lock(paymentId);
      Optional<PaymentRefund> existing = jdbc.sql("select " + REFUND_COLUMNS
              + " from hub.payment_refund where payment_id = ? and refund_request_no = ?")
          .param(paymentId).param(request.refundRequestNo()).query(PaymentOrders::refundRow).optional();
      if (existing.isPresent()) {
        if (existing.get().amount().value() != request.amount().value()) {
          throw new RefundRefused("refundRequestNo", "refundRequestNo " + request.refundRequestNo()
              + " was already used for " + existing.get().amount().yuan() + " CNY: a new refund needs a new number");
        }
        return new RefundStarted(existing.get(), false);
      }
      if (order.status() == PaymentStatus.REFUNDING) {
        throw new RefundRefused("payment", "a refund of this payment is with the channel: ask again once it is done");
      }
      order.status().check(PaymentStatus.REFUNDING);
      long taken = jdbc.sql("select coalesce(sum(amount_fen), 0) from hub.payment_refund where payment_id = ?"
              + " and status in ('refunding', 'refunded')").param(paymentId).query(Long.class).single();
      long left = order.amount().value() - taken;
      if (request.amount().value() > left) {
        throw new RefundRefused("amount", "only " + new Fen(left).yuan() + " CNY of " + order.amount().yuan()
            + " CNY is left to refund");
      }
      String id = "R" + HexFormat.of().formatHex(randomBytes(12));
      Instant now = clock.instant();
      jdbc.sql("insert into hub.payment_refund (id, payment_id, refund_request_no, amount_fen, reason, status,"
              + " created_at, updated_at) values (?, ?, ?, ?, ?, 'refunding', ?, ?)")
          .param(id).param(paymentId).param(request.refundRequestNo()).param(request.amount().value())
          .param(request.reason()).param(Timestamp.from(now)).param(Timestamp.from(now)).update();
      ledger(paymentId, order.status(), PaymentStatus.REFUNDING, request.amount().value(), "refund", null);
      setStatus(paymentId, PaymentStatus.REFUNDING);
      return new RefundStarted(refund(id).orElseThrow(), true);
    });
  }

  /**
   * Records the channel's outcome of a refund, once: refunded (the order is refunded when nothing
   * is left, else paid again) or failed (the order is paid again). A refund already final stays as
   * it is; the same channel event again changes nothing.
   */
  public PaymentRefund finishRefund(String refundId, RefundStatus outcome, Optional<String> channelRefundId,
      Optional<Instant> refundedAt, String source, Optional<String> eventId) {
    return transactions.execute(status -> {
      PaymentRefund refund = jdbc.sql("select " + REFUND_COLUMNS + " from hub.payment_refund where id = ? for update")
          .param(refundId).query(PaymentOrders::refundRow).optional()
          .orElseThrow(() -> new IllegalArgumentException("no refund " + refundId));
      PaymentOrder order = lock(refund.paymentId());
      if (!refund.status().canBecome(outcome)) {
        return refund;
      }
      if (seen(order.id(), eventId)) {
        return refund;
      }
      jdbc.sql("update hub.payment_refund set status = ?, channel_refund_id = coalesce(?, channel_refund_id),"
              + " refunded_at = coalesce(?, refunded_at), updated_at = ? where id = ?")
          .param(outcome.code()).param(channelRefundId.orElse(null))
          .param(refundedAt.map(Timestamp::from).orElse(null)).param(Timestamp.from(clock.instant())).param(refundId)
          .update();
      long refunded = jdbc.sql("select coalesce(sum(amount_fen), 0) from hub.payment_refund where payment_id = ?"
              + " and status = 'refunded'").param(order.id()).query(Long.class).single();
      PaymentStatus next = refunded >= order.amount().value() ? PaymentStatus.REFUNDED : PaymentStatus.PAID;
      order.status().check(next);
      ledger(order.id(), order.status(), next, refund.amount().value(), source, eventId.orElse(null));
      setStatus(order.id(), next);
      PaymentRefund finished = refund(refundId).orElseThrow();
      if (outcome == RefundStatus.REFUNDED) {
        records.refunded(byId(order.id()).orElseThrow(), finished);
      }
      return finished;
    });
  }

  /** Whether the channel event is already in the order's ledger (a notification sent again). */
  private boolean seen(String paymentId, Optional<String> eventId) {
    return eventId.isPresent() && jdbc.sql("select count(*) from hub.payment_ledger where payment_id = ?"
        + " and channel_event_id = ?").param(paymentId).param(eventId.get()).query(Integer.class).single() > 0;
  }

  private PaymentOrder lock(String paymentId) {
    return jdbc.sql("select " + COLUMNS + " from hub.payment_order where id = ? for update")
        .param(paymentId).query(PaymentOrders::row).optional()
        .orElseThrow(() -> new IllegalArgumentException("no payment " + paymentId));
  }

  private void setStatus(String paymentId, PaymentStatus to) {
    jdbc.sql("update hub.payment_order set status = ?, updated_at = ? where id = ?")
        .param(to.code()).param(Timestamp.from(clock.instant())).param(paymentId).update();
  }

  private static PaymentRefund refundRow(ResultSet rs, int n) throws SQLException {
    Timestamp refunded = rs.getTimestamp("refunded_at");
    return new PaymentRefund(rs.getString("id"), rs.getString("payment_id"), rs.getString("refund_request_no"),
        new Fen(rs.getLong("amount_fen")), rs.getString("reason"), RefundStatus.fromCode(rs.getString("status")),
        Optional.ofNullable(rs.getString("channel_refund_id")), Optional.ofNullable(refunded).map(Timestamp::toInstant),
        rs.getTimestamp("created_at").toInstant());
  }

  /** How many ledger rows an order has in a state (tests, reconciliation). */
  public int ledgerRows(String id, PaymentStatus to) {
    return jdbc.sql("select count(*) from hub.payment_ledger where payment_id = ? and to_status = ?")
        .param(id).param(to.code()).query(Integer.class).single();
  }

  private void ledger(String id, PaymentStatus from, PaymentStatus to, long amount, String source, String eventId) {
    jdbc.sql("insert into hub.payment_ledger (payment_id, from_status, to_status, amount_fen, source, channel_event_id,"
            + " recorded_at) values (?, ?, ?, ?, ?, ?, ?)")
        .param(id).param(from == null ? null : from.code()).param(to.code()).param(amount).param(source)
        .param(eventId).param(Timestamp.from(clock.instant()))
        .update();
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static PaymentOrder row(ResultSet rs, int n) throws SQLException {
    Timestamp paid = rs.getTimestamp("paid_at");
    return new PaymentOrder(
        rs.getString("id"), rs.getString("institution"), rs.getString("merchant_order_no"), rs.getString("channel"),
        new Fen(rs.getLong("amount_fen")), rs.getString("description"),
        Optional.ofNullable(rs.getString("patient")), Optional.ofNullable(rs.getString("encounter")),
        Optional.ofNullable(rs.getString("charge_item")), Optional.ofNullable(rs.getString("invoice")),
        PaymentStatus.fromCode(rs.getString("status")), Optional.ofNullable(rs.getString("payload")),
        Optional.ofNullable(rs.getString("channel_transaction_id")),
        Optional.ofNullable(paid).map(Timestamp::toInstant),
        Objects.requireNonNull(rs.getTimestamp("created_at")).toInstant());
  }
}
