package cn.healthcard.hub.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Spent nonces of signed requests are purged on a schedule, once older than twice the skew. */
class CardNoncePurgeIT extends CardsIntegrationTest {
  @Autowired NoncePurge purge;
  @Autowired DataSource dataSource;
  @Autowired cn.healthcard.hub.server.HubProperties hub;

  private void nonce(String keyId, String nonce, Instant seenAt) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "insert into hub.signed_request_nonce (key_id, nonce, seen_at) values (?, ?, ?)")) {
      insert.setString(1, keyId);
      insert.setString(2, nonce);
      insert.setTimestamp(3, java.sql.Timestamp.from(seenAt));
      insert.executeUpdate();
    }
  }

  private boolean stored(String keyId) throws Exception {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement query =
            connection.prepareStatement("select 1 from hub.signed_request_nonce where key_id = ?")) {
      query.setString(1, keyId);
      try (ResultSet rs = query.executeQuery()) {
        return rs.next();
      }
    }
  }

  @Test
  void noncesOlderThanTwiceTheSkewArePurgedOnAScheduleAndRecentOnesKept() throws Exception {
    Duration twiceTheSkew = hub.cards().signatureSkew().multipliedBy(2);
    assertThat(purge.age()).isEqualTo(twiceTheSkew);
    assertThat(purge.interval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(purge.isRunning()).isTrue();
    // the schedule's first run is at start
    Instant deadline = Instant.now().plusSeconds(20);
    while (purge.runs() < 1) {
      assertThat(Instant.now()).as("the purge never ran").isBefore(deadline);
      Thread.sleep(100);
    }
    String old = "old-" + UUID.randomUUID().toString().substring(0, 8);
    String recent = "recent-" + UUID.randomUUID().toString().substring(0, 8);
    nonce(old, "n-1", Instant.now().minus(twiceTheSkew).minusSeconds(60));
    nonce(recent, "n-1", Instant.now().minus(twiceTheSkew).plusSeconds(60));

    assertThat(purge.purgeOnce()).isGreaterThanOrEqualTo(1);

    assertThat(stored(old)).isFalse();
    assertThat(stored(recent)).isTrue();
  }
}
