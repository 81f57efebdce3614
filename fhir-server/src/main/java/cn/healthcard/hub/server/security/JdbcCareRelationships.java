package cn.healthcard.hub.server.security;

import cn.healthcard.hub.security.fhir.CareRelationships;
import java.sql.Timestamp;
import java.time.Instant;
import org.springframework.jdbc.core.JdbcTemplate;

/** Treatment relationships in {@code hub.security_care_relationship}, one row per patient and institution. */
public final class JdbcCareRelationships implements CareRelationships {
  private final JdbcTemplate jdbc;

  public JdbcCareRelationships(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public boolean treats(String institution, String patientId, Instant since) {
    Integer found = jdbc.query(
        "select 1 from hub.security_care_relationship where patient_id = ? and institution = ?"
            + " and last_seen >= ?",
        rs -> rs.next() ? 1 : null, patientId, institution, Timestamp.from(since));
    return found != null;
  }

  @Override
  public void record(String institution, String patientId, Instant at) {
    jdbc.update(
        "insert into hub.security_care_relationship (patient_id, institution, last_seen) values (?,?,?)"
            + " on conflict (patient_id, institution) do update set last_seen ="
            + " greatest(hub.security_care_relationship.last_seen, excluded.last_seen)",
        patientId, institution, Timestamp.from(at));
  }
}
