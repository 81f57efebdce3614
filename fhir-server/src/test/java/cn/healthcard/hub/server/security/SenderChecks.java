package cn.healthcard.hub.server.security;

import cn.healthcard.hub.server.his.HisMessages;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the sender tests send (a minimal ADT^A04 from a facility) and what they look for (its inbox rows). */
final class SenderChecks {
  private SenderChecks() {}

  /** An A04 without a card number from the facility; the control id also makes its MRN and visit. */
  static String adt(String facility, String controlId) {
    return HisMessages.adt("A04", facility, controlId, null, "MRN-" + controlId, "V-" + controlId,
        "王", "五", "19800101", "M");
  }

  static long inboxRows(DataSource dataSource, String facility) {
    Long rows = new JdbcTemplate(dataSource).queryForObject(
        "select count(*) from hub.his_inbox where sending_facility = ?", Long.class, facility);
    return rows == null ? -1 : rows;
  }
}
