package cn.healthcard.hub.server.security;

import cn.healthcard.hub.security.fhir.Restrictions;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Residents' restrictions in {@code hub.security_restriction}. A patient's restrictions are
 * remembered for {@link #REMEMBERED} (every returned resource of a request is checked against
 * them); adding or removing one forgets them at once on this instance, so a resident's change
 * holds everywhere within that time.
 */
public final class JdbcRestrictions implements Restrictions {
  /** How long another hub instance may still answer by a patient's previous restrictions. */
  public static final java.time.Duration REMEMBERED = java.time.Duration.ofSeconds(5);

  private final JdbcTemplate jdbc;
  private final com.github.benmanes.caffeine.cache.Cache<String, List<Restriction>> byPatient =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
          .maximumSize(100_000)
          .expireAfterWrite(REMEMBERED)
          .build();

  public JdbcRestrictions(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<Restriction> of(String patientId) {
    return byPatient.get(patientId, id -> List.copyOf(jdbc.query(
        "select kind, system, code from hub.security_restriction where patient_id = ? order by kind, system, code",
        (rs, n) -> new Restriction(rs.getString(1), rs.getString(2), rs.getString(3)), id)));
  }

  /** False when it was already in place. */
  public boolean add(String patientId, Restriction restriction, String actor) {
    boolean added = jdbc.update(
            "insert into hub.security_restriction (patient_id, kind, system, code, created_by) values (?,?,?,?,?)"
                + " on conflict do nothing",
            patientId, restriction.kind(), restriction.system(), restriction.code(), actor)
        == 1;
    // after the (auto-committed) write: a check in between would remember the old list again
    byPatient.invalidate(patientId);
    return added;
  }

  /** False when there was no such restriction. */
  public boolean remove(String patientId, Restriction restriction) {
    boolean removed = jdbc.update(
            "delete from hub.security_restriction where patient_id = ? and kind = ? and system = ? and code = ?",
            patientId, restriction.kind(), restriction.system(), restriction.code())
        == 1;
    byPatient.invalidate(patientId);
    return removed;
  }
}
