package cn.healthcard.hub.server.security;

import cn.healthcard.hub.security.fhir.CareRelationships;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Treatment relationships in {@code hub.security_care_relationship}, one row per patient and
 * institution. A relationship found is remembered (when it was last seen) for a few minutes:
 * relationships only grow (a write moves {@code last_seen} forward; nothing removes one), so a
 * remembered one is still true until its window ends, which the check compares each time. One
 * not found is asked again every time: a write on another hub instance may have just made it.
 */
public final class JdbcCareRelationships implements CareRelationships {
  private final JdbcTemplate jdbc;
  private final Cache<String, Instant> lastSeen = Caffeine.newBuilder()
      .maximumSize(200_000)
      .expireAfterWrite(Duration.ofMinutes(5))
      .build();

  public JdbcCareRelationships(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public boolean treats(String institution, String patientId, Instant since) {
    String key = institution + "|" + patientId;
    Instant known = lastSeen.getIfPresent(key);
    if (known != null && !known.isBefore(since)) {
      return true;
    }
    Timestamp found = jdbc.query(
        "select last_seen from hub.security_care_relationship where patient_id = ? and institution = ?",
        rs -> rs.next() ? rs.getTimestamp(1) : null, patientId, institution);
    if (found == null) {
      return false;
    }
    Instant seen = found.toInstant();
    lastSeen.put(key, seen);
    return !seen.isBefore(since);
  }

  @Override
  public void record(String institution, String patientId, Instant at) {
    jdbc.update(
        "insert into hub.security_care_relationship (patient_id, institution, last_seen) values (?,?,?)"
            + " on conflict (patient_id, institution) do update set last_seen ="
            + " greatest(hub.security_care_relationship.last_seen, excluded.last_seen)",
        patientId, institution, Timestamp.from(at));
    // not remembered here: the write may still roll back with the transaction it belongs to
  }
}
