package cn.healthcard.hub.security.oauth;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Client-assertion ids already used (SMART Backend Services: the server rejects a {@code jti}
 * used before by the same client while the assertion could still be valid). Kept in the
 * database so that a replay to another hub instance is caught too.
 */
public final class AssertionJtiLog {
  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final java.util.concurrent.atomic.AtomicLong uses = new java.util.concurrent.atomic.AtomicLong();
  static final int PURGE_EVERY = 200;

  public AssertionJtiLog(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Records the id; false when it was seen before. */
  public boolean firstUse(String clientId, String jti, Instant expiresAt) {
    // ids of expired assertions are forgotten now and then, by whoever is asking anyway
    if (uses.incrementAndGet() % PURGE_EVERY == 0) {
      purge();
    }
    return jdbc.update(
            "insert into hub.security_assertion_jti (client_id, jti, expires_at) values (?,?,?)"
                + " on conflict do nothing",
            clientId, jti, Timestamp.from(expiresAt))
        == 1;
  }

  /** Ids of assertions that have expired can no longer be replayed: forget them. */
  public int purge() {
    return jdbc.update(
        "delete from hub.security_assertion_jti where expires_at < ?",
        Timestamp.from(clock.instant().minusSeconds(600)));
  }
}
