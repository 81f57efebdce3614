package cn.healthcard.hub.server.security;

import cn.healthcard.hub.security.fhir.Restrictions;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** Residents' restrictions in {@code hub.security_restriction}. */
public final class JdbcRestrictions implements Restrictions {
  private final JdbcTemplate jdbc;

  public JdbcRestrictions(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public List<Restriction> of(String patientId) {
    return jdbc.query(
        "select kind, system, code from hub.security_restriction where patient_id = ? order by kind, system, code",
        (rs, n) -> new Restriction(rs.getString(1), rs.getString(2), rs.getString(3)), patientId);
  }

  /** False when it was already in place. */
  public boolean add(String patientId, Restriction restriction, String actor) {
    return jdbc.update(
            "insert into hub.security_restriction (patient_id, kind, system, code, created_by) values (?,?,?,?,?)"
                + " on conflict do nothing",
            patientId, restriction.kind(), restriction.system(), restriction.code(), actor)
        == 1;
  }

  /** False when there was no such restriction. */
  public boolean remove(String patientId, Restriction restriction) {
    return jdbc.update(
            "delete from hub.security_restriction where patient_id = ? and kind = ? and system = ? and code = ?",
            patientId, restriction.kind(), restriction.system(), restriction.code())
        == 1;
  }
}
