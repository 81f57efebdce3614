package cn.healthcard.hub.cards.signing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;

/** Nonces of signed requests in {@code hub.signed_request_nonce}: shared by every hub instance. */
public class JdbcNonceLog implements RequestVerifier.NonceLog {
  private final DataSource dataSource;

  public JdbcNonceLog(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public boolean firstUse(String keyId, String nonce, Instant timestamp) {
    if (nonce.length() > 64 || keyId.length() > 64) {
      return false;
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "insert into hub.signed_request_nonce (key_id, nonce) values (?, ?)"
                    + " on conflict do nothing")) {
      statement.setString(1, keyId);
      statement.setString(2, nonce);
      return statement.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new IllegalStateException("nonce log: " + e.getSQLState(), e);
    }
  }

  /** Forgets nonces older than {@code age} (twice the allowed skew is enough). */
  public int purgeOlderThan(Duration age) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement("delete from hub.signed_request_nonce where seen_at < ?")) {
      statement.setTimestamp(1, Timestamp.from(Instant.now().minus(age)));
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("nonce log: " + e.getSQLState(), e);
    }
  }
}
