package cn.healthcard.hub.server.security;

import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** What the sender tests send (a minimal ADT^A04 from a facility) and what they look for (its inbox rows). */
final class SenderChecks {
  private SenderChecks() {}

  static String adt(String facility, String controlId) {
    return "MSH|^~\\&|HIS|" + facility + "|HUB|PROVINCE|20261126093000+0800||ADT^A04^ADT_A01|" + controlId
        + "|P|2.4|||||||UNICODE UTF-8\rEVN|A04|20261126093000+0800\rPID|1||MRN-" + controlId + "^^^" + facility
        + "^MR||王^五||19800101|M\rPV1|1|O\r";
  }

  static long inboxRows(DataSource dataSource, String facility) {
    Long rows = new JdbcTemplate(dataSource).queryForObject(
        "select count(*) from hub.his_inbox where sending_facility = ?", Long.class, facility);
    return rows == null ? -1 : rows;
  }
}
