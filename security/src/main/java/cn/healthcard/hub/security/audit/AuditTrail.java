package cn.healthcard.hub.security.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.sql.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Records audit entries durably before the answer they audit leaves the hub: one insert into
 * {@code hub.audit_outbox}, committed on its own. {@code AuditChainWriter} turns them into
 * AuditEvents off the request path.
 */
public class AuditTrail {
  static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  private final JdbcTemplate jdbc;

  public AuditTrail(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  public void record(AuditRecord entry) {
    String json;
    try {
      json = JSON.writeValueAsString(entry);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("audit entry not serialisable", e);
    }
    jdbc.update("insert into hub.audit_outbox (recorded, entry) values (?, ?)",
        Timestamp.from(entry.recorded()), json);
  }

  public static AuditRecord read(String json) {
    try {
      return JSON.readValue(json, AuditRecord.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("audit entry unreadable", e);
    }
  }
}
