package cn.healthcard.hub.server.bank;

import cn.healthcard.hub.routes.bank.BankStatementInbox;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The bank statement inbox in PostgreSQL ({@code hub.bank_statement_inbox}). Each statement runs
 * in its own auto-committed transaction unless a caller's is active, so {@link #record} is
 * durable when it returns.
 */
public final class JdbcBankStatementInbox implements BankStatementInbox {

  private static final int MAX_REASON = 2000;
  private final JdbcTemplate jdbc;

  public JdbcBankStatementInbox(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @Override
  public Receipt record(Received file) {
    List<Long> inserted = jdbc.queryForList(
        "insert into hub.bank_statement_inbox (source, file_name, format, digest, statements, entries, raw)"
            + " values (?, ?, ?, ?, ?, ?, ?) on conflict (digest) do nothing returning id",
        Long.class, file.source(), file.fileName(), file.format(), file.digest(), file.statements(), file.entries(),
        file.raw());
    if (!inserted.isEmpty()) {
      return new Receipt(inserted.get(0), false, Status.RECEIVED);
    }
    return jdbc.queryForObject("select id, status from hub.bank_statement_inbox where digest = ?",
        (rs, i) -> new Receipt(rs.getLong(1), true, Status.valueOf(rs.getString(2))), file.digest());
  }

  @Override
  public Optional<StoredStatement> load(long id) {
    return jdbc.query("select id, source, file_name, format, raw, status from hub.bank_statement_inbox where id = ?",
        (rs, i) -> new StoredStatement(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBytes(5),
            Status.valueOf(rs.getString(6))), id).stream().findFirst();
  }

  /** Locks the row for the caller's transaction and returns its status. */
  Optional<Status> lockStatus(long id) {
    return jdbc.query("select status from hub.bank_statement_inbox where id = ? for update",
        (rs, i) -> Status.valueOf(rs.getString(1)), id).stream().findFirst();
  }

  void markStored(long id) {
    jdbc.update("update hub.bank_statement_inbox set status = 'STORED', stored_at = now(), attempts = attempts + 1,"
        + " last_error = null where id = ?", id);
  }

  @Override
  public void markFailed(long id, String reason) {
    String r = reason == null ? "unknown" : reason;
    jdbc.update("update hub.bank_statement_inbox set status = 'FAILED', attempts = attempts + 1, last_error = ?"
        + " where id = ? and status = 'RECEIVED'", r.length() > MAX_REASON ? r.substring(0, MAX_REASON) : r, id);
  }

  @Override
  public List<Long> receivedBefore(Instant instant, int limit) {
    return jdbc.queryForList("select id from hub.bank_statement_inbox where status = 'RECEIVED' and received_at < ?"
        + " order by id limit ?", Long.class, Timestamp.from(instant), limit);
  }

  @Override
  public List<DeadLetter> deadLetters(int limit) {
    return jdbc.query("select id, source, file_name, format, received_at, attempts, last_error"
            + " from hub.bank_statement_inbox where status = 'FAILED' order by id limit ?",
        (rs, i) -> new DeadLetter(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getTimestamp(5).toInstant(), rs.getInt(6), rs.getString(7)), limit);
  }

  @Override
  public boolean requeue(long id) {
    return jdbc.update("update hub.bank_statement_inbox set status = 'RECEIVED', last_error = null"
        + " where id = ? and status = 'FAILED'", id) == 1;
  }

  /** Statements by status (operators' view). */
  public Map<Status, Long> counts() {
    Map<Status, Long> counts = new java.util.EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      counts.put(s, 0L);
    }
    jdbc.query("select status, count(*) from hub.bank_statement_inbox group by status",
        rs -> {
          counts.put(Status.valueOf(rs.getString(1)), rs.getLong(2));
        });
    return counts;
  }
}
