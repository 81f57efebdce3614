package cn.healthcard.hub.cards.hsm;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;

/** {@link HsmKeyStore} in the table {@code hub.hsm_key}. */
public final class JdbcHsmKeyStore implements HsmKeyStore {
  private final DataSource dataSource;

  public JdbcHsmKeyStore(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public Optional<Entry> load(String alias) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "select alias, kind, public_part, wrapped from hub.hsm_key where alias = ?")) {
      select.setString(1, alias);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Entry(row.getString(1), row.getString(2), row.getBytes(3), row.getBytes(4)));
      }
    } catch (SQLException e) {
      throw new HsmException("cannot read HSM key " + alias, e);
    }
  }

  @Override
  public Entry insertIfAbsent(Entry entry) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "insert into hub.hsm_key (alias, kind, public_part, wrapped) values (?, ?, ?, ?)"
                    + " on conflict (alias) do nothing")) {
      insert.setString(1, entry.alias());
      insert.setString(2, entry.kind());
      insert.setBytes(3, entry.publicPart());
      insert.setBytes(4, entry.wrapped());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw new HsmException("cannot store HSM key " + entry.alias(), e);
    }
    return load(entry.alias())
        .orElseThrow(() -> new HsmException("HSM key " + entry.alias() + " vanished after insert"));
  }
}
