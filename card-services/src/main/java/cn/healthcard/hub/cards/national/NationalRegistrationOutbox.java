package cn.healthcard.hub.cards.national;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The outbox of requests to the national card-management system ({@code hub.national_outbox}).
 * {@link #enqueue} writes on the caller's connection, so a request exists exactly when the
 * registry change it reports commits; {@link NationalRegistrationSender} delivers it. The rest is
 * for operators and monitoring.
 */
public final class NationalRegistrationOutbox {
  private static final Pattern PROVINCE_CODE = Pattern.compile("[0-9]{2}");

  private final DataSource dataSource;
  private final String provinceCode;
  private final Clock clock;

  /**
   * @param dataSource for the operator and monitoring queries ({@link #enqueue} does not use it)
   * @param provinceCode this province's 2-digit code, written into every request
   */
  public NationalRegistrationOutbox(DataSource dataSource, String provinceCode, Clock clock) {
    if (provinceCode == null || !PROVINCE_CODE.matcher(provinceCode).matches()) {
      throw new IllegalArgumentException("the province code must be 2 digits");
    }
    this.dataSource = dataSource;
    this.provinceCode = provinceCode;
    this.clock = clock;
  }

  public NationalRegistrationOutbox(DataSource dataSource, String provinceCode) {
    this(dataSource, provinceCode, Clock.systemUTC());
  }

  public String provinceCode() {
    return provinceCode;
  }

  /**
   * Adds a request on the caller's connection and in the caller's transaction: it commits or
   * rolls back with the caller's change. Due at once.
   *
   * @return the request id, sent to the national system as the idempotency key
   * @throws IllegalArgumentException when the request breaks the protocol's rules (the message
   *     names the rule, never the card number)
   */
  public UUID enqueue(Connection connection, NationalRequest request) throws SQLException {
    UUID requestId = UUID.randomUUID();
    byte[] body = body(requestId, request);
    Instant now = clock.instant();
    try (PreparedStatement insert =
        connection.prepareStatement(
            "insert into hub.national_outbox (id, card_id, kind, payload, status, attempts,"
                + " next_attempt_at, created_at, updated_at)"
                + " values (?, ?, ?, ?::jsonb, 'pending', 0, ?, ?, ?)")) {
      insert.setObject(1, requestId);
      insert.setObject(2, request.cardId());
      insert.setString(3, request.kind().code());
      insert.setString(4, new String(body, StandardCharsets.UTF_8));
      insert.setObject(5, at(now));
      insert.setObject(6, at(now));
      insert.setObject(7, at(now));
      insert.executeUpdate();
    }
    return requestId;
  }

  private byte[] body(UUID requestId, NationalRequest request) {
    Object message;
    List<String> problems;
    if (request instanceof NationalRequest.Registration r) {
      var registration =
          new NationalMessages.RegistrationRequest(
              requestId.toString(),
              provinceCode,
              r.cardNumber(),
              r.cardType().code(),
              r.chipSerial(),
              r.issuerId(),
              r.issuedAt().toString());
      problems = registration.problems();
      message = registration;
    } else if (request instanceof NationalRequest.StatusChange s) {
      var change =
          new NationalMessages.StatusChangeRequest(
              requestId.toString(),
              provinceCode,
              s.cardNumber(),
              s.status().code(),
              s.chipSerial(),
              s.changedAt().toString());
      problems = change.problems();
      message = change;
    } else {
      throw new IllegalArgumentException("unknown national request " + request.getClass());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "national request for card " + request.cardId() + " is invalid: "
              + String.join("; ", problems));
    }
    return NationalMessages.write(message);
  }

  /** Rows by state and the age of the oldest waiting request. */
  public OutboxStatus counts() throws SQLException {
    return counts(dataSource, clock);
  }

  static OutboxStatus counts(DataSource dataSource, Clock clock) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "select count(*) filter (where status = 'pending'),"
                    + " count(*) filter (where status = 'retrying'),"
                    + " count(*) filter (where status = 'done'),"
                    + " count(*) filter (where status = 'conflict'),"
                    + " count(*) filter (where status = 'failed'),"
                    + " min(created_at) filter (where status in ('pending', 'retrying'))"
                    + " from hub.national_outbox");
        ResultSet rs = query.executeQuery()) {
      rs.next();
      OffsetDateTime oldest = rs.getObject(6, OffsetDateTime.class);
      Duration age =
          oldest == null ? Duration.ZERO : Duration.between(oldest.toInstant(), clock.instant());
      return new OutboxStatus(
          rs.getLong(1),
          rs.getLong(2),
          rs.getLong(3),
          rs.getLong(4),
          rs.getLong(5),
          age.isNegative() ? Duration.ZERO : age);
    }
  }

  public Optional<OutboxEntry> find(UUID requestId) throws SQLException {
    List<OutboxEntry> found = select("where id = ?", requestId, 1);
    return found.stream().findFirst();
  }

  /** Every request about one card, oldest first. */
  public List<OutboxEntry> forCard(UUID cardId) throws SQLException {
    return select("where card_id = ? order by seq", cardId, Integer.MAX_VALUE);
  }

  /** Requests that need an operator ({@code conflict}, {@code failed}), most recent first. */
  public List<OutboxEntry> unresolved(int limit) throws SQLException {
    if (limit < 1) {
      throw new IllegalArgumentException("the limit must be at least 1");
    }
    return select(
        "where status in ('conflict', 'failed') order by updated_at desc limit " + limit,
        null,
        limit);
  }

  /**
   * Sends a {@code failed} or {@code conflict} request again (same request id), at once and with
   * a fresh back-off. False when there is no such request in one of those states.
   */
  public boolean requeue(UUID requestId) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement update =
            connection.prepareStatement(
                "update hub.national_outbox set status = 'pending', attempts = 0,"
                    + " next_attempt_at = ?, updated_at = ?"
                    + " where id = ? and status in ('failed', 'conflict')")) {
      Instant now = clock.instant();
      update.setObject(1, at(now));
      update.setObject(2, at(now));
      update.setObject(3, requestId);
      return update.executeUpdate() == 1;
    }
  }

  /**
   * On the caller's connection and in the caller's transaction: sends the card's registrations
   * that ended in {@code conflict} again (same request ids, due at once, fresh back-off). The
   * national system does not remember a refused request, so it evaluates it again.
   *
   * @return how many requests were requeued
   */
  public int requeueConflicts(Connection connection, UUID cardId) throws SQLException {
    // The sender holds its rows locked from the national call until it records the answer, and
    // it puts the card on hold before it marks the row 'conflict'. Without waiting for that lock
    // a release in between would see the row still pending, requeue nothing, and the conflict
    // recorded a moment later would never be asked again.
    try (PreparedStatement lock =
        connection.prepareStatement(
            "select id from hub.national_outbox where card_id = ? and kind = 'register' for update")) {
      lock.setObject(1, cardId);
      lock.executeQuery().close();
    }
    try (PreparedStatement update =
        connection.prepareStatement(
            "update hub.national_outbox set status = 'pending', attempts = 0,"
                + " next_attempt_at = ?, updated_at = ?"
                + " where card_id = ? and kind = 'register' and status = 'conflict'")) {
      Instant now = clock.instant();
      update.setObject(1, at(now));
      update.setObject(2, at(now));
      update.setObject(3, cardId);
      return update.executeUpdate();
    }
  }

  /** On the caller's connection: whether a registration of the card is still waiting to be sent. */
  public boolean registrationWaiting(Connection connection, UUID cardId) throws SQLException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "select 1 from hub.national_outbox where card_id = ? and kind = 'register'"
                + " and status in ('pending', 'retrying') limit 1")) {
      query.setObject(1, cardId);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** Deletes {@code done} requests answered more than {@code olderThan} ago; how many. */
  public int purgeDone(Duration olderThan) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement delete =
            connection.prepareStatement(
                "delete from hub.national_outbox where status = 'done' and updated_at < ?")) {
      delete.setObject(1, at(clock.instant().minus(olderThan)));
      return delete.executeUpdate();
    }
  }

  private List<OutboxEntry> select(String where, UUID parameter, int limit) throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement(
                "select id, card_id, kind, status, attempts, next_attempt_at, last_error,"
                    + " national_registration_id, created_at, updated_at"
                    + " from hub.national_outbox "
                    + where)) {
      if (parameter != null) {
        query.setObject(1, parameter);
      }
      List<OutboxEntry> entries = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next() && entries.size() < limit) {
          entries.add(
              new OutboxEntry(
                  rs.getObject(1, UUID.class),
                  rs.getObject(2, UUID.class),
                  NationalRequest.Kind.of(rs.getString(3)),
                  OutboxEntry.State.of(rs.getString(4)),
                  rs.getInt(5),
                  rs.getObject(6, OffsetDateTime.class).toInstant(),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getObject(9, OffsetDateTime.class).toInstant(),
                  rs.getObject(10, OffsetDateTime.class).toInstant()));
        }
      }
      return entries;
    }
  }

  static OffsetDateTime at(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
