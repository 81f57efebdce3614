package cn.healthcard.hub.cards.registry;

import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provincial card registry ({@code hub.card}, {@code hub.card_event}). Every change goes
 * through {@link CardLifecycle}, is recorded as an event, and is done under a row lock in one
 * transaction with whatever the listeners write beside it. Uniqueness of the live card per card
 * number is the database's (a partial unique index), so concurrent channels cannot both win.
 *
 * <p>After-commit work (projections, certificate revocation) runs once the transaction's
 * connection is back in the pool, each action on its own: one that fails is logged (card id and
 * exception class) and the others still run; the committed change stands. A read made while a
 * transaction is open on the same thread uses that transaction's connection.
 */
public class CardRegistry {
  private static final Logger log = LoggerFactory.getLogger(CardRegistry.class);
  public static final String COLUMNS =
      "id, card_number, patient_id, card_type, channel, institution, division, status, held_from,"
          + " lost_from, chip_serial, diversification_code, certificate_serial, issued_on,"
          + " expires_on, replaces, batch_id, created_at, updated_at";
  private static final String ONE_LIVE_INDEX = "card_one_live_per_number";
  private static final String WAITING_CHILD_INDEX = "card_one_waiting_child_per_patient";

  private final DataSource dataSource;
  private final List<RegistryListener> listeners = new CopyOnWriteArrayList<>();
  /** The transaction open on this thread, if any: reads join it instead of taking a connection. */
  private final ThreadLocal<Tx> openTransaction = new ThreadLocal<>();

  public CardRegistry(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public void addListener(RegistryListener listener) {
    listeners.add(listener);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  // ---------------------------------------------------------------- reading

  public Optional<Card> byId(UUID id) {
    return read(tx -> tx.one("select " + COLUMNS + " from hub.card where id = ?", id));
  }

  /** The card currently occupying the number, if any. */
  public Optional<Card> live(String cardNumber) {
    return read(
        tx ->
            tx.one(
                "select "
                    + COLUMNS
                    + " from hub.card where card_number = ?"
                    + " and status not in ('replaced', 'cancelled', 'rejected')",
                cardNumber));
  }

  /** The live card, else the most recent one ever issued for the number. */
  public Optional<Card> current(String cardNumber) {
    return read(tx -> current(tx, cardNumber));
  }

  /**
   * The number's current card, read on a connection the caller holds in a transaction of its
   * own (a FHIR write that shows the card): a second connection from the pool per write could
   * exhaust it under load.
   */
  public Optional<Card> current(Connection connection, String cardNumber) {
    try {
      return current(new Tx(connection), cardNumber);
    } catch (SQLException e) {
      throw new IllegalStateException("card registry: " + e.getSQLState(), e);
    }
  }

  private static Optional<Card> current(Tx tx, String cardNumber) throws SQLException {
    return tx.one(
        "select "
            + COLUMNS
            + " from hub.card where card_number = ?"
            + " order by (status not in ('replaced', 'cancelled', 'rejected')) desc,"
            + " created_at desc limit 1",
        cardNumber);
  }

  public Optional<Card> byChipSerial(String chipSerial) {
    return read(tx -> tx.one("select " + COLUMNS + " from hub.card where chip_serial = ?", chipSerial));
  }

  /** Every card ever issued for the number, oldest first. */
  public List<Card> cards(String cardNumber) {
    return read(
        tx ->
            tx.list(
                "select " + COLUMNS + " from hub.card where card_number = ? order by created_at, id",
                cardNumber));
  }

  /** The events of every card of the number, in the order they happened. */
  public List<CardHistoryEntry> history(String cardNumber) {
    return read(
        tx -> {
          try (PreparedStatement statement =
              tx.connection()
                  .prepareStatement(
                      "select e.card_id, e.event, e.from_status, e.to_status, e.actor, e.reason, e.at"
                          + " from hub.card_event e join hub.card c on c.id = e.card_id"
                          + " where c.card_number = ? order by e.id")) {
            statement.setString(1, cardNumber);
            List<CardHistoryEntry> entries = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
              while (rs.next()) {
                String from = rs.getString(3);
                entries.add(
                    new CardHistoryEntry(
                        rs.getObject(1, UUID.class),
                        rs.getString(2),
                        from == null ? null : CardStatus.of(from),
                        CardStatus.of(rs.getString(4)),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getTimestamp(7).toInstant()));
              }
            }
            return entries;
          }
        });
  }

  // ---------------------------------------------------------------- writing

  /**
   * Enters a new card.
   *
   * @throws CardAlreadyLive when the number already has a live card (also when another channel
   *     issued it a moment ago)
   */
  public Card issue(NewCard card) {
    return issue(card, (tx, issued) -> {});
  }

  /** Work done in the issuing transaction once the card row exists (an application, an outbox). */
  @FunctionalInterface
  public interface IssueHook {
    void run(Tx tx, Card issued) throws SQLException;
  }

  /** {@link #issue(NewCard)}, with {@code hook} run in the same transaction. */
  public Card issue(NewCard card, IssueHook hook) {
    try {
      return inTransaction(
          tx -> {
            Card issued = tx.insert(card, null, null, CardEvent.ISSUE);
            hook.run(tx, issued);
            return issued;
          });
    } catch (UniqueViolation e) {
      if (ONE_LIVE_INDEX.equals(e.constraint)) {
        Card existing =
            live(card.cardNumber())
                .orElseThrow(() -> new CardRegistryException("the card number was taken concurrently; retry"));
        throw new CardAlreadyLive(existing.status(), existing.channel().code());
      }
      if (WAITING_CHILD_INDEX.equals(e.constraint)) {
        throw new ChildCardAlreadyWaiting();
      }
      throw new CardRegistryException("the chip serial already belongs to another card");
    }
  }

  /**
   * Applies an event to the live card of a number (or, for {@code cancel} of an already final
   * card, reports the illegal transition on the latest card).
   *
   * @param newChipSerial for {@code replace}: the chip of the new card when it is issued on the
   *     spot; null queues the replacement (approved, no review) for the next production batch
   */
  public Card apply(
      String cardNumber, CardEvent event, String actor, String reason, String newChipSerial) {
    try {
      return inTransaction(
          tx -> {
            Card card =
                tx.one(
                        "select "
                            + COLUMNS
                            + " from hub.card where card_number = ?"
                            + " and status not in ('replaced', 'cancelled', 'rejected') for update",
                        cardNumber)
                    .orElse(null);
            if (card == null) {
              Card latest =
                  tx.one(
                          "select "
                              + COLUMNS
                              + " from hub.card where card_number = ? order by created_at desc limit 1",
                          cardNumber)
                      .orElseThrow(() -> new CardNotFound("no card is registered for this card number"));
              throw new IllegalCardTransition(
                  latest.status(), event, CardLifecycle.allowedEvents(latest.status()));
            }
            Card after = tx.transition(card, event, actor, reason);
            if (event == CardEvent.REPLACE) {
              boolean onTheSpot = newChipSerial != null && !newChipSerial.isBlank();
              NewCard replacement =
                  new NewCard(
                      card.cardNumber(),
                      card.patientId(),
                      card.type(),
                      card.channel(),
                      card.institution(),
                      card.division(),
                      onTheSpot ? CardStatus.ACTIVE : CardStatus.APPROVED,
                      onTheSpot ? newChipSerial : null,
                      java.time.LocalDate.now(),
                      card.expiresOn(),
                      actor,
                      reason);
              return tx.insert(replacement, card.id(), null, CardEvent.REPLACE);
            }
            return after;
          });
    } catch (UniqueViolation e) {
      throw new CardRegistryException("the chip serial already belongs to another card");
    }
  }

  /** Applies an event to one card by id (platform events: review, production, national hold). */
  public Card apply(UUID cardId, CardEvent event, String actor, String reason) {
    return inTransaction(
        tx -> {
          Card card =
              tx.one("select " + COLUMNS + " from hub.card where id = ? for update", cardId)
                  .orElseThrow(() -> new CardNotFound("no card " + cardId));
          return tx.transition(card, event, actor, reason);
        });
  }

  /**
   * Gives a child card applied for without an ID number the number household registration has
   * now supplied. The live-card index still holds: a number that already has a live card is
   * refused (a duplicate card for the same child).
   *
   * @throws CardNotFound when the Patient has no child card waiting for its number
   * @throws CardAlreadyLive when the number already has a live card
   */
  public Card completeChildCard(String patientId, String cardNumber, String actor) {
    try {
      return inTransaction(
          tx -> {
            Card card =
                tx.one(
                        "select "
                            + COLUMNS
                            + " from hub.card where patient_id = ? and card_number is null"
                            + " and status not in ('replaced', 'cancelled', 'rejected')"
                            + " order by created_at limit 1 for update",
                        patientId)
                    .orElseThrow(
                        () -> new CardNotFound("this Patient has no child card waiting for its ID number"));
            try (PreparedStatement statement =
                tx.connection()
                    .prepareStatement(
                        "update hub.card set card_number = ?, updated_at = now() where id = ?")) {
              statement.setString(1, cardNumber);
              statement.setObject(2, card.id());
              statement.executeUpdate();
            }
            tx.recordEvent(card.id(), CardEvent.NUMBER_ASSIGNED.code(), card.status(), card.status(), actor,
                "ID number supplied by household registration");
            Card after = tx.one("select " + COLUMNS + " from hub.card where id = ?", card.id()).orElseThrow();
            tx.notifyListeners(card, after, CardEvent.NUMBER_ASSIGNED, "ID number assigned");
            return after;
          });
    } catch (UniqueViolation e) {
      Card existing =
          live(cardNumber).orElseThrow(() -> new CardRegistryException("the card number was taken concurrently; retry"));
      throw new CardAlreadyLive(existing.status(), existing.channel().code());
    }
  }

  /**
   * Runs {@code work} in one transaction. Once it has committed and its connection is closed,
   * the after-commit actions run, each on its own (see the class comment).
   */
  public <T> T inTransaction(TxWork<T> work) {
    Tx outer = openTransaction.get();
    Tx tx;
    T result;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      tx = new Tx(connection);
      openTransaction.set(tx);
      try {
        result = work.run(tx);
        connection.commit();
      } catch (SQLException e) {
        connection.rollback();
        if ("23505".equals(e.getSQLState())) {
          throw new UniqueViolation(constraintOf(e));
        }
        throw new IllegalStateException("card registry: " + e.getSQLState(), e);
      } catch (RuntimeException | Error e) {
        connection.rollback();
        throw e;
      } finally {
        if (outer == null) {
          openTransaction.remove();
        } else {
          openTransaction.set(outer);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("card registry unavailable: " + e.getSQLState(), e);
    }
    runAfterCommit(tx.afterCommit);
    return result;
  }

  private static void runAfterCommit(List<AfterCommit> actions) {
    for (AfterCommit action : actions) {
      try {
        action.work().run();
      } catch (RuntimeException e) {
        // the change is committed and stays; the card id and the exception class only (the
        // message may quote a card number)
        log.error(
            "After-commit work '{}' for card {} failed ({}); the committed change stands",
            action.what(), action.cardId(), e.getClass().getName());
      }
    }
  }

  private <T> T read(TxWork<T> work) {
    Tx open = openTransaction.get();
    if (open == null) {
      return inTransaction(work);
    }
    try {
      return work.run(open);
    } catch (SQLException e) {
      throw new IllegalStateException("card registry: " + e.getSQLState(), e);
    }
  }

  private static String constraintOf(SQLException e) {
    // PostgreSQL names the violated index in its server error detail; avoid the message (it
    // quotes the conflicting value, a card number)
    if (e instanceof org.postgresql.util.PSQLException psql && psql.getServerErrorMessage() != null) {
      return psql.getServerErrorMessage().getConstraint();
    }
    return null;
  }

  @FunctionalInterface
  public interface TxWork<T> {
    T run(Tx tx) throws SQLException;
  }

  /** A unique index refused a row; {@code constraint} names it. */
  static final class UniqueViolation extends RuntimeException {
    final String constraint;

    UniqueViolation(String constraint) {
      super("unique violation on " + constraint);
      this.constraint = constraint;
    }
  }

  /** Work to do once a transaction has committed; {@code cardId} and {@code what} are logged if it fails. */
  private record AfterCommit(UUID cardId, String what, Runnable work) {}

  /** One registry transaction: the building blocks the platform's workflows are made of. */
  public final class Tx {
    private final Connection connection;
    private final List<AfterCommit> afterCommit = new ArrayList<>();

    Tx(Connection connection) {
      this.connection = connection;
    }

    public Connection connection() {
      return connection;
    }

    /** Runs {@code runnable} once the transaction has committed (never if it rolls back). */
    public void afterCommit(Runnable runnable) {
      afterCommit(null, "after-commit work", runnable);
    }

    /**
     * Runs {@code runnable} once the transaction has committed; a failure is logged with
     * {@code cardId} and {@code what} and does not stop the other after-commit work.
     */
    public void afterCommit(UUID cardId, String what, Runnable runnable) {
      afterCommit.add(new AfterCommit(cardId, what, runnable));
    }

    public Optional<Card> one(String sql, Object... args) throws SQLException {
      List<Card> cards = list(sql, args);
      return cards.isEmpty() ? Optional.empty() : Optional.of(cards.get(0));
    }

    public List<Card> list(String sql, Object... args) throws SQLException {
      try (PreparedStatement statement = connection.prepareStatement(sql)) {
        for (int i = 0; i < args.length; i++) {
          statement.setObject(i + 1, args[i]);
        }
        List<Card> cards = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery()) {
          while (rs.next()) {
            cards.add(map(rs));
          }
        }
        return cards;
      }
    }

    /** Moves the (locked) card on by {@code event}, records it, tells the listeners. */
    public Card transition(Card card, CardEvent event, String actor, String reason)
        throws SQLException {
      CardStatus to = CardLifecycle.next(card.status(), event, card.heldFrom(), card.lostFrom());
      CardStatus heldFrom = event == CardEvent.NATIONAL_CONFLICT ? card.status() : null;
      CardStatus lostFrom =
          event == CardEvent.REPORT_LOST
              ? card.status()
              : event == CardEvent.FOUND ? null : card.lostFrom();
      // a chip that failed production is not the card's: the card goes to the next batch free of
      // it (its certificate is revoked after the commit, see CertificateRevocation)
      boolean failed = event == CardEvent.PRODUCTION_FAILED;
      try (PreparedStatement statement =
          connection.prepareStatement(
              "update hub.card set status = ?, held_from = ?, lost_from = ?, updated_at = now(),"
                  + " batch_id = case when ? then null else batch_id end,"
                  + " chip_serial = case when ? then null else chip_serial end,"
                  + " diversification_code = case when ? then null else diversification_code end,"
                  + " certificate_serial = case when ? then null else certificate_serial end"
                  + " where id = ?")) {
        statement.setString(1, to.code());
        statement.setString(2, heldFrom == null ? null : heldFrom.code());
        statement.setString(3, lostFrom == null ? null : lostFrom.code());
        statement.setBoolean(4, failed);
        statement.setBoolean(5, failed);
        statement.setBoolean(6, failed);
        statement.setBoolean(7, failed);
        statement.setObject(8, card.id());
        statement.executeUpdate();
      }
      recordEvent(card.id(), event.code(), card.status(), to, actor, reason);
      Card after = one("select " + COLUMNS + " from hub.card where id = ?", card.id()).orElseThrow();
      notifyListeners(card, after, event, reason);
      return after;
    }

    /** Records an event that does not change the status (a review step, a key injection). */
    public void recordEvent(
        UUID cardId, String event, CardStatus from, CardStatus to, String actor, String reason)
        throws SQLException {
      try (PreparedStatement statement =
          connection.prepareStatement(
              "insert into hub.card_event (card_id, event, from_status, to_status, actor, reason)"
                  + " values (?, ?, ?, ?, ?, ?)")) {
        statement.setObject(1, cardId);
        statement.setString(2, event);
        statement.setString(3, from == null ? null : from.code());
        statement.setString(4, to.code());
        statement.setString(5, actor);
        statement.setString(6, reason);
        statement.executeUpdate();
      }
    }

    Card insert(NewCard card, UUID replaces, UUID batchId, CardEvent event) throws SQLException {
      UUID id = UUID.randomUUID();
      try (PreparedStatement statement =
          connection.prepareStatement(
              "insert into hub.card (id, card_number, patient_id, card_type, channel, institution,"
                  + " division, status, chip_serial, issued_on, expires_on, replaces, batch_id)"
                  + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        statement.setObject(1, id);
        statement.setString(2, card.cardNumber());
        statement.setString(3, card.patientId());
        statement.setString(4, card.type().code());
        statement.setString(5, card.channel().code());
        statement.setString(6, card.institution());
        statement.setString(7, card.division());
        statement.setString(8, card.initialStatus().code());
        statement.setString(9, card.chipSerial());
        statement.setObject(10, card.issuedOn() == null ? null : Date.valueOf(card.issuedOn()));
        statement.setObject(11, card.expiresOn() == null ? null : Date.valueOf(card.expiresOn()));
        statement.setObject(12, replaces);
        statement.setObject(13, batchId);
        statement.executeUpdate();
      }
      recordEvent(id, event.code(), null, card.initialStatus(), card.actor(), card.reason());
      Card after = one("select " + COLUMNS + " from hub.card where id = ?", id).orElseThrow();
      notifyListeners(null, after, event, card.reason());
      return after;
    }

    void notifyListeners(Card before, Card after, CardEvent event, String reason) {
      for (RegistryListener listener : listeners) {
        listener.inTransaction(connection, before, after, event);
        afterCommit(
            after.id(),
            listener.getClass().getName() + " after '" + event.code() + "'",
            () -> listener.afterCommit(before, after, event, reason));
      }
    }
  }

  /** Maps a row selected with {@link #COLUMNS}. */
  public static Card map(ResultSet rs) throws SQLException {
    String heldFrom = rs.getString("held_from");
    String lostFrom = rs.getString("lost_from");
    Date issued = rs.getDate("issued_on");
    Date expires = rs.getDate("expires_on");
    Timestamp created = rs.getTimestamp("created_at");
    Timestamp updated = rs.getTimestamp("updated_at");
    return new Card(
        rs.getObject("id", UUID.class),
        rs.getString("card_number"),
        rs.getString("patient_id"),
        CardType.of(rs.getString("card_type")),
        Channel.of(rs.getString("channel")),
        rs.getString("institution"),
        rs.getString("division"),
        CardStatus.of(rs.getString("status")),
        heldFrom == null ? null : CardStatus.of(heldFrom),
        lostFrom == null ? null : CardStatus.of(lostFrom),
        rs.getString("chip_serial"),
        rs.getString("diversification_code"),
        rs.getString("certificate_serial"),
        issued == null ? null : issued.toLocalDate(),
        expires == null ? null : expires.toLocalDate(),
        rs.getObject("replaces", UUID.class),
        rs.getObject("batch_id", UUID.class),
        created.toInstant(),
        updated.toInstant());
  }
}
