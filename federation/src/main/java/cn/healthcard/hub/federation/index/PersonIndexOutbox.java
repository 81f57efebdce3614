package cn.healthcard.hub.federation.index;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The Patient writes the person index has not taken yet ({@code hub.person_index_outbox}). A row is
 * written in the Patient's own transaction ({@link #add}), so a committed write always has one; the
 * indexer deletes it once the index holds that Patient's current state. Rows carry ids and versions
 * only, never a name or number.
 */
public final class PersonIndexOutbox {

  /** One Patient write: created or updated, or deleted (then {@code version} is the deletion's). */
  public record Change(long seq, String patientId, long version, boolean deleted) {}

  /** What is waiting: how many writes and how long the oldest has waited. */
  public record Backlog(long pending, Duration oldest) {}

  private final DataSource dataSource;

  public PersonIndexOutbox(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Records a write on the caller's connection, in the caller's transaction. */
  public static void add(Connection connection, String patientId, long version, boolean deleted) throws SQLException {
    try (PreparedStatement insert = connection.prepareStatement(
        "insert into hub.person_index_outbox (patient_id, version, deleted) values (?, ?, ?)")) {
      insert.setString(1, patientId);
      insert.setLong(2, version);
      insert.setBoolean(3, deleted);
      insert.executeUpdate();
    }
  }

  /**
   * Locks the oldest waiting writes no other indexer holds, on the caller's connection (its
   * transaction keeps them until {@link #remove} and commit, or a rollback hands them back).
   */
  static List<Change> claim(Connection connection, int limit) throws SQLException {
    List<Change> changes = new ArrayList<>();
    try (PreparedStatement select = connection.prepareStatement(
        "select seq, patient_id, version, deleted from hub.person_index_outbox order by seq limit ?"
            + " for update skip locked")) {
      select.setInt(1, limit);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          changes.add(new Change(rows.getLong(1), rows.getString(2), rows.getLong(3), rows.getBoolean(4)));
        }
      }
    }
    return changes;
  }

  static void remove(Connection connection, List<Change> changes) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(
        "delete from hub.person_index_outbox where seq = any (?)")) {
      delete.setArray(1, connection.createArrayOf("bigint", changes.stream().map(Change::seq).toArray()));
      delete.executeUpdate();
    }
  }

  public Backlog backlog() throws SQLException {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement(
            "select count(*), min(created_at), now() from hub.person_index_outbox");
        ResultSet row = select.executeQuery()) {
      row.next();
      OffsetDateTime oldest = row.getObject(2, OffsetDateTime.class);
      OffsetDateTime now = row.getObject(3, OffsetDateTime.class);
      return new Backlog(row.getLong(1), oldest == null ? Duration.ZERO : Duration.between(oldest, now));
    }
  }
}
