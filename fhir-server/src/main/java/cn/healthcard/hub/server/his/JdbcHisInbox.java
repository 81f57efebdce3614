package cn.healthcard.hub.server.his;

import cn.healthcard.hub.routes.his.HisInbox;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The HL7 v2 inbox in PostgreSQL ({@code hub.his_inbox}). Every statement runs in its own
 * auto-committed transaction unless a caller's transaction is active, so {@link #record} is
 * durable when it returns (the embedded database runs with synchronous_commit on).
 */
public final class JdbcHisInbox implements HisInbox {

  private static final int MAX_REASON = 2000;
  private final JdbcTemplate jdbc;

  public JdbcHisInbox(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @Override
  public Receipt record(InboundMessage m) {
    List<Long> inserted =
        jdbc.queryForList(
            "insert into hub.his_inbox (sending_facility, control_id, message_type, charset, raw, ack)"
                + " values (?, ?, ?, ?, ?, ?)"
                + " on conflict (sending_facility, control_id) do nothing returning id",
            Long.class,
            m.sendingFacility(),
            m.controlId(),
            m.messageType(),
            m.charset(),
            m.raw(),
            m.ack());
    if (!inserted.isEmpty()) {
      return new Receipt(inserted.get(0), false, m.ack());
    }
    return jdbc.queryForObject(
        "select id, ack from hub.his_inbox where sending_facility = ? and control_id = ?",
        (rs, i) -> new Receipt(rs.getLong("id"), true, rs.getBytes("ack")),
        m.sendingFacility(),
        m.controlId());
  }

  @Override
  public Optional<StoredMessage> load(long id) {
    return jdbc.query(
            "select id, sending_facility, control_id, message_type, charset, raw, status"
                + " from hub.his_inbox where id = ?",
            JdbcHisInbox::storedMessage,
            id)
        .stream()
        .findFirst();
  }

  /** Locks the row for the caller's transaction and returns its status. */
  Optional<Status> lockStatus(long id) {
    return jdbc.query(
            "select status from hub.his_inbox where id = ? for update",
            (rs, i) -> Status.valueOf(rs.getString(1)),
            id)
        .stream()
        .findFirst();
  }

  void markStored(long id) {
    jdbc.update(
        "update hub.his_inbox set status = 'STORED', stored_at = now(), attempts = attempts + 1,"
            + " last_error = null where id = ?",
        id);
  }

  @Override
  public void markFailed(long id, String reason) {
    String r = reason == null ? "unknown" : reason;
    jdbc.update(
        "update hub.his_inbox set status = 'FAILED', attempts = attempts + 1, last_error = ?"
            + " where id = ? and status <> 'STORED'",
        r.length() > MAX_REASON ? r.substring(0, MAX_REASON) : r,
        id);
  }

  @Override
  public List<Long> claimStalled(Duration age, int limit) {
    return jdbc.queryForList(
        "update hub.his_inbox set queued_at = now() where id in ("
            + " select id from hub.his_inbox where status = 'RECEIVED'"
            + " and queued_at < now() - make_interval(secs => ?) order by id limit ?"
            + " for update skip locked) returning id",
        Long.class,
        (double) age.toMillis() / 1000.0,
        limit);
  }

  @Override
  public List<Long> claimQueuedBefore(java.time.Instant instant, int limit) {
    return jdbc.queryForList(
        "update hub.his_inbox set queued_at = now() where id in ("
            + " select id from hub.his_inbox where status = 'RECEIVED' and queued_at < ?"
            + " order by id limit ? for update skip locked) returning id",
        Long.class,
        java.sql.Timestamp.from(instant),
        limit);
  }

  @Override
  public List<DeadLetter> deadLetters(int limit) {
    return jdbc.query(
        "select id, sending_facility, control_id, message_type, received_at, attempts, last_error"
            + " from hub.his_inbox where status = 'FAILED' order by id limit ?",
        (rs, i) ->
            new DeadLetter(
                rs.getLong("id"),
                rs.getString("sending_facility"),
                rs.getString("control_id"),
                rs.getString("message_type"),
                rs.getTimestamp("received_at").toInstant(),
                rs.getInt("attempts"),
                rs.getString("last_error")),
        limit);
  }

  @Override
  public boolean requeue(long id) {
    return jdbc.update(
            "update hub.his_inbox set status = 'RECEIVED', queued_at = now() where id = ? and status = 'FAILED'",
            id)
        == 1;
  }

  @Override
  public List<Long> requeueAll() {
    return jdbc.queryForList(
        "update hub.his_inbox set status = 'RECEIVED', queued_at = now() where status = 'FAILED' returning id",
        Long.class);
  }

  /** Counts per status, for metrics and the admin API. */
  public java.util.Map<Status, Long> counts() {
    java.util.Map<Status, Long> out = new java.util.EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      out.put(s, 0L);
    }
    jdbc.query(
        "select status, count(*) from hub.his_inbox group by status",
        rs -> {
          out.put(Status.valueOf(rs.getString(1)), rs.getLong(2));
        });
    return out;
  }

  private static StoredMessage storedMessage(ResultSet rs, int row) throws SQLException {
    return new StoredMessage(
        rs.getLong("id"),
        rs.getString("sending_facility"),
        rs.getString("control_id"),
        rs.getString("message_type"),
        rs.getString("charset"),
        rs.getBytes("raw"),
        Status.valueOf(rs.getString("status")));
  }
}
