package cn.healthcard.hub.server.births;

import cn.healthcard.hub.mappings.birth.BirthReport;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/** {@code hub.birth_registration}: the births the hub knows, and their child-card applications. */
public class BirthRegistrations {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, String>> FACTS = new TypeReference<>() {};

  private final JdbcTemplate jdbc;

  public BirthRegistrations(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  /**
   * @param id the birth's identifier in the repository
   * @param firstFacts the facts of the first report of this birth
   * @param first whether this report is the first
   */
  public record Allocation(UUID id, Map<String, String> firstFacts, boolean first) {}

  /** One birth still to be handled by the card side. */
  public record Pending(UUID id, String motherSystem, String motherValue, boolean motherHasCard,
      boolean motherLinked, String institution, int attempts, Instant createdAt) {}

  /**
   * The birth's identifier: a new one for a birth not seen before, else the first report's
   * (committed at once, outside the caller's transaction: a birth whose report then fails to
   * store keeps its identifier for the retry, and no card is applied for until the child is
   * found stored).
   */
  public Allocation allocate(BirthReport report) {
    UUID fresh = UUID.randomUUID();
    String facts = json(report.facts());
    int inserted = jdbc.update(
        "insert into hub.birth_registration (id, mother_system, mother_value, birth_time, birth_order, facts,"
            + " stillborn, mother_has_card, institution, card_state)"
            + " values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?)"
            + " on conflict on constraint birth_registration_one_per_birth do nothing",
        fresh, report.mother().getSystem(), report.mother().getValue(), Timestamp.from(report.birthTime()),
        report.birthOrder(), facts, report.stillborn(), report.motherHasCard(), report.institution().orElse(null),
        report.stillborn() ? "not-applicable" : "pending");
    if (inserted == 1) {
      return new Allocation(fresh, report.facts(), true);
    }
    return jdbc.queryForObject(
        "select id, facts::text from hub.birth_registration where mother_system = ? and mother_value = ?"
            + " and birth_time = ? and birth_order = ?",
        (rs, n) -> new Allocation(rs.getObject(1, UUID.class), facts(rs.getString(2)), false),
        report.mother().getSystem(), report.mother().getValue(), Timestamp.from(report.birthTime()),
        report.birthOrder());
  }

  public List<Pending> due(int limit) {
    return jdbc.query(
        "select id, mother_system, mother_value, mother_has_card, mother_linked, institution, attempts, created_at"
            + " from hub.birth_registration where card_state = 'pending' and next_attempt_at <= now()"
            + " order by next_attempt_at limit ?",
        (rs, n) -> new Pending(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getBoolean(4),
            rs.getBoolean(5), rs.getString(6), rs.getInt(7), rs.getTimestamp(8).toInstant()),
        limit);
  }

  public void applied(UUID id, String childPatientId, UUID cardId, String note) {
    finish(id, "applied", childPatientId, cardId, note);
  }

  public void notApplicable(UUID id, String childPatientId, String note) {
    finish(id, "not-applicable", childPatientId, null, note);
  }

  public void abandoned(UUID id, String note) {
    finish(id, "abandoned", null, null, note);
  }

  private void finish(UUID id, String state, String childPatientId, UUID cardId, String note) {
    jdbc.update(
        "update hub.birth_registration set card_state = ?, child_patient_id = coalesce(?, child_patient_id),"
            + " card_id = ?, card_note = ?, attempts = attempts + 1, updated_at = now() where id = ?",
        state, childPatientId, cardId, note, id);
  }

  /** Not possible yet (the child not stored yet, the institution not registered...): later. */
  public void later(UUID id, String childPatientId, String note, Duration delay) {
    jdbc.update(
        "update hub.birth_registration set child_patient_id = coalesce(?, child_patient_id), card_note = ?,"
            + " attempts = attempts + 1, next_attempt_at = now() + ?::interval, updated_at = now() where id = ?",
        childPatientId, note, delay.toMillis() + " milliseconds", id);
  }

  public void motherLinked(UUID id) {
    jdbc.update("update hub.birth_registration set mother_linked = true, updated_at = now() where id = ?", id);
  }

  /** The card side of one birth: state, note, child Patient id, card id. */
  public record CardSide(String state, String note, String childPatientId, UUID cardId, boolean motherLinked) {}

  public Optional<CardSide> cardSide(UUID id) {
    return jdbc.query(
            "select card_state, card_note, child_patient_id, card_id, mother_linked from hub.birth_registration where id = ?",
            (rs, n) -> new CardSide(rs.getString(1), rs.getString(2), rs.getString(3), rs.getObject(4, UUID.class),
                rs.getBoolean(5)),
            id)
        .stream()
        .findFirst();
  }

  /** Births by card-side state, for operators. */
  public Map<String, Long> counts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    jdbc.query("select card_state, count(*) from hub.birth_registration group by card_state order by card_state",
        rs -> {
          counts.put(rs.getString(1), rs.getLong(2));
        });
    return counts;
  }

  private static String json(Map<String, String> facts) {
    try {
      return JSON.writeValueAsString(facts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> facts(String json) {
    try {
      return JSON.readValue(json, FACTS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
