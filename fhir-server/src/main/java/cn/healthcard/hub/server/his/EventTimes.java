package cn.healthcard.hub.server.his;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The newest source event time applied to each resource the HL7 v2 flow updates
 * ({@code hub.resource_event_time}). Runs in the caller's transaction.
 */
final class EventTimes {

  private final JdbcTemplate jdbc;

  EventTimes(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  Optional<Instant> get(String type, String id) {
    return jdbc.query(
            "select event_time from hub.resource_event_time where resource_type = ? and resource_id = ?",
            (rs, i) -> rs.getTimestamp(1).toInstant(),
            type,
            id)
        .stream()
        .findFirst();
  }

  /** Moves the resource's event time forward (never back). */
  void advance(String type, String id, Instant time) {
    jdbc.update(
        "insert into hub.resource_event_time (resource_type, resource_id, event_time) values (?, ?, ?)"
            + " on conflict (resource_type, resource_id) do update set event_time = excluded.event_time"
            + " where hub.resource_event_time.event_time < excluded.event_time",
        type,
        id,
        Timestamp.from(time));
  }
}
