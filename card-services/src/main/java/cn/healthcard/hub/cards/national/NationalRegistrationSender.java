package cn.healthcard.hub.cards.national;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drains the national outbox: picks due requests with {@code select ... for update skip locked}
 * (so several hub instances share the work and never send one request at the same time), sends
 * each with its own request id and stored body, and records the answer, all in one transaction
 * per batch whose row locks are held while the requests are in flight.
 *
 * <ul>
 *   <li>accepted: {@code done}, with the national registration id;
 *   <li>a registration's conflict: {@link NationalConflictHandler#onConflict}, then {@code
 *       conflict};
 *   <li>refused for good (4xx other than 401): {@code failed}, with the reason;
 *   <li>anything else: {@code retrying}, next attempt after the {@link Backoff}; the batch stops
 *       there (the national system is probably down: one probe per poll, not one per request).
 * </ul>
 *
 * A request about a card number waits while an earlier one about the same number is still
 * waiting, so a status change never overtakes the registration. A crash in flight rolls the batch
 * back: the requests go again with the same request ids and the national system answers them
 * as before.
 */
public final class NationalRegistrationSender implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NationalRegistrationSender.class);

  /** Outcome of one {@link #drainOnce()}: how many requests came to what. */
  public record DrainResult(int done, int conflict, int failed, int retrying) {
    public int attempted() {
      return done + conflict + failed + retrying;
    }

    DrainResult plus(DrainResult other) {
      return new DrainResult(
          done + other.done,
          conflict + other.conflict,
          failed + other.failed,
          retrying + other.retrying);
    }
  }

  private static final String PICK =
      "select o.id, o.card_id, o.kind, o.payload::text, o.attempts"
          + " from hub.national_outbox o"
          + " where o.status in ('pending', 'retrying') and o.next_attempt_at <= ?"
          + " and not exists (select 1 from hub.national_outbox e"
          + "   where e.status in ('pending', 'retrying')"
          + "   and e.payload ->> 'cardNumber' = o.payload ->> 'cardNumber'"
          + "   and e.seq < o.seq)"
          + " order by o.next_attempt_at, o.seq"
          + " limit ?"
          + " for update of o skip locked";

  private final DataSource dataSource;
  private final NationalRegistryClient client;
  private final NationalConflictHandler conflicts;
  private final Backoff backoff;
  private final int batchSize;
  private final Clock clock;

  private ScheduledFuture<?> schedule;
  private ScheduledExecutorService ownExecutor;
  private volatile boolean stopping;

  /**
   * @param clock decides which requests are due and when they are tried again
   */
  public NationalRegistrationSender(
      DataSource dataSource,
      NationalRegistryClient client,
      NationalConflictHandler conflicts,
      Backoff backoff,
      int batchSize,
      Clock clock) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("the batch size must be at least 1");
    }
    this.dataSource = dataSource;
    this.client = client;
    this.conflicts = conflicts;
    this.backoff = backoff;
    this.batchSize = batchSize;
    this.clock = clock;
  }

  /** Standard back-off (1 s doubling to 5 min), batches of 20, the system clock. */
  public NationalRegistrationSender(
      DataSource dataSource, NationalRegistryClient client, NationalConflictHandler conflicts) {
    this(dataSource, client, conflicts, Backoff.standard(), 20, Clock.systemUTC());
  }

  /**
   * Sends every request that is due now, batch after batch, until none is left or one got no
   * usable answer. Synchronous; safe to call from several threads and instances at once.
   *
   * @throws SQLException when the database fails (the batch in hand is rolled back and its
   *     requests go again later)
   */
  public DrainResult drainOnce() throws SQLException {
    return drain(() -> true);
  }

  private DrainResult drain(BooleanSupplier keepGoing) throws SQLException {
    DrainResult total = new DrainResult(0, 0, 0, 0);
    while (true) {
      DrainResult batch = drainBatch();
      total = total.plus(batch);
      if (batch.attempted() == 0
          || batch.retrying() > 0
          || !keepGoing.getAsBoolean()
          || Thread.currentThread().isInterrupted()) {
        return total;
      }
    }
  }

  private record Row(UUID id, UUID cardId, NationalRequest.Kind kind, byte[] body, int attempts) {}

  private DrainResult drainBatch() throws SQLException {
    int done = 0;
    int conflict = 0;
    int failed = 0;
    int retrying = 0;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        List<Row> rows = pick(connection);
        for (Row row : rows) {
          NationalAnswer answer = client.send(row.kind(), row.id(), row.body());
          if (answer instanceof NationalAnswer.Accepted accepted) {
            markDone(connection, row, accepted.registrationId());
            done++;
            log.debug(
                "National {} request {} for card {} accepted ({})",
                row.kind().code(), row.id(), row.cardId(), accepted.httpStatus());
          } else if (answer instanceof NationalAnswer.Conflict c) {
            String reason = "national registry: " + c.reason();
            try {
              conflicts.onConflict(row.cardId(), reason);
            } catch (RuntimeException e) {
              retry(connection, row, "conflict handler failed (" + e.getClass().getSimpleName() + ")");
              retrying++;
              log.warn(
                  "National conflict for card {} (request {}) not handled ({}); retrying",
                  row.cardId(), row.id(), e.getClass().getSimpleName());
              continue;
            }
            finish(connection, row, "conflict", reason);
            conflict++;
            log.info(
                "National registration request {} for card {}: conflict, card is live in province {}",
                row.id(), row.cardId(), Redaction.text(c.province()));
          } else if (answer instanceof NationalAnswer.Refused r) {
            String reason = "national system answered " + r.httpStatus() + ": " + r.reason();
            finish(connection, row, "failed", reason);
            failed++;
            log.warn(
                "National {} request {} for card {} refused ({}); not retried",
                row.kind().code(), row.id(), row.cardId(), r.httpStatus());
          } else if (answer instanceof NationalAnswer.TryLater t) {
            Duration delay = retry(connection, row, t.reason());
            retrying++;
            log.warn(
                "National {} request {} (attempt {}) got no usable answer: {}; next attempt in {} ms",
                row.kind().code(), row.id(), row.attempts() + 1, t.reason(), delay.toMillis());
            // the rest of the batch stays untouched (and due); the locks go with the commit
            break;
          }
        }
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(connection);
        throw e;
      }
    }
    return new DrainResult(done, conflict, failed, retrying);
  }

  private List<Row> pick(Connection connection) throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(PICK)) {
      query.setObject(1, NationalRegistrationOutbox.at(clock.instant()));
      query.setInt(2, batchSize);
      List<Row> rows = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          rows.add(
              new Row(
                  rs.getObject(1, UUID.class),
                  rs.getObject(2, UUID.class),
                  NationalRequest.Kind.of(rs.getString(3)),
                  rs.getString(4).getBytes(StandardCharsets.UTF_8),
                  rs.getInt(5)));
        }
      }
      return rows;
    }
  }

  private void markDone(Connection connection, Row row, String registrationId)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "update hub.national_outbox set status = 'done', attempts = attempts + 1,"
                + " national_registration_id = ?, last_error = null, updated_at = ?"
                + " where id = ?")) {
      update.setString(1, registrationId);
      update.setObject(2, NationalRegistrationOutbox.at(clock.instant()));
      update.setObject(3, row.id());
      update.executeUpdate();
    }
  }

  private void finish(Connection connection, Row row, String status, String reason)
      throws SQLException {
    try (PreparedStatement update =
        connection.prepareStatement(
            "update hub.national_outbox set status = ?, attempts = attempts + 1,"
                + " last_error = ?, updated_at = ? where id = ?")) {
      update.setString(1, status);
      update.setString(2, Redaction.text(reason));
      update.setObject(3, NationalRegistrationOutbox.at(clock.instant()));
      update.setObject(4, row.id());
      update.executeUpdate();
    }
  }

  private Duration retry(Connection connection, Row row, String reason) throws SQLException {
    Instant now = clock.instant();
    Duration delay = backoff.delayAfter(row.attempts() + 1);
    try (PreparedStatement update =
        connection.prepareStatement(
            "update hub.national_outbox set status = 'retrying', attempts = attempts + 1,"
                + " next_attempt_at = ?, last_error = ?, updated_at = ? where id = ?")) {
      update.setObject(1, NationalRegistrationOutbox.at(now.plus(delay)));
      update.setString(2, Redaction.text(reason));
      update.setObject(3, NationalRegistrationOutbox.at(now));
      update.setObject(4, row.id());
      update.executeUpdate();
    }
    return delay;
  }

  private static void rollbackQuietly(Connection connection) {
    try {
      connection.rollback();
    } catch (SQLException ignored) {
      // the connection is closed next; the server rolls back then
    }
  }

  /** Rows by state and the age of the oldest waiting request. */
  public OutboxStatus counts() throws SQLException {
    return NationalRegistrationOutbox.counts(dataSource, clock);
  }

  /**
   * Drains every {@code pollInterval} on the given executor (never two drains of this sender at
   * once). A failing drain is logged and the next one runs on schedule.
   */
  public synchronized void start(ScheduledExecutorService executor, Duration pollInterval) {
    if (schedule != null) {
      throw new IllegalStateException("already started");
    }
    long millis = Math.max(1, pollInterval.toMillis());
    stopping = false;
    schedule =
        executor.scheduleWithFixedDelay(
            () -> drainLogged(pollInterval), 0, millis, TimeUnit.MILLISECONDS);
  }

  /** Drains every {@code pollInterval} on a daemon thread of its own. */
  public synchronized void start(Duration pollInterval) {
    if (schedule != null) {
      throw new IllegalStateException("already started");
    }
    ownExecutor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "national-registration-sender");
              thread.setDaemon(true);
              return thread;
            });
    start(ownExecutor, pollInterval);
  }

  /**
   * Stops polling; a drain in flight finishes its current batch first (own thread: waited for
   * up to the client's request timeout plus 5 s).
   */
  public synchronized void stop() {
    stopping = true;
    if (schedule != null) {
      schedule.cancel(false);
      schedule = null;
    }
    if (ownExecutor != null) {
      ownExecutor.shutdown();
      try {
        Duration wait = client.config().requestTimeout().plusSeconds(5);
        if (!ownExecutor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
          ownExecutor.shutdownNow();
        }
      } catch (InterruptedException e) {
        ownExecutor.shutdownNow();
        Thread.currentThread().interrupt();
      }
      ownExecutor = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void drainLogged(Duration pollInterval) {
    try {
      DrainResult result = drain(() -> !stopping);
      if (result.attempted() > 0) {
        log.debug("National outbox drained: {}", result);
      }
    } catch (SQLException e) {
      // database messages may quote written values: the state code only
      log.warn(
          "National outbox drain failed (SQL state {}); next poll in {} ms",
          e.getSQLState(), pollInterval.toMillis());
    } catch (RuntimeException e) {
      log.warn(
          "National outbox drain failed ({}); next poll in {} ms",
          e.getClass().getSimpleName(), pollInterval.toMillis());
    }
  }
}
