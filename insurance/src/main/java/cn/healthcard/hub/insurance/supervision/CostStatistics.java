package cn.healthcard.hub.insurance.supervision;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Cost statistics per principal diagnosis, level and setting ({@code hub.insurance_cost_statistic})
 * and quantity statistics per principal diagnosis, level and item ({@code hub.insurance_quantity_statistic}).
 */
public class CostStatistics {

  /** How far back settled claims count. */
  public static final Duration WINDOW = Duration.ofDays(365);

  private final JdbcClient jdbc;
  private final Clock clock;

  public CostStatistics(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Recomputes every statistic from the settled claims of the last year; answers how many there are. */
  public int refresh() {
    Timestamp now = Timestamp.from(clock.instant());
    jdbc.sql("insert into hub.insurance_cost_statistic (diagnosis, level, setting, claims, mean_fen, stddev_fen,"
            + " computed_at) select split_part(diagnoses, ' ', 1), level, setting, count(*), avg(submitted_fen),"
            + " coalesce(stddev_samp(submitted_fen), 0), ? from hub.insurance_claim where status = 'settled'"
            + " and service_from >= ? group by 1, 2, 3"
            + " on conflict (diagnosis, level, setting) do update set claims = excluded.claims,"
            + " mean_fen = excluded.mean_fen, stddev_fen = excluded.stddev_fen, computed_at = excluded.computed_at")
        .param(now).param(Timestamp.from(clock.instant().minus(WINDOW))).update();
    jdbc.sql("insert into hub.insurance_quantity_statistic (diagnosis, level, item, claims, mean_quantity,"
            + " stddev_quantity, computed_at) select split_part(c.diagnoses, ' ', 1), c.level, l.item, count(*),"
            + " avg(l.quantity), coalesce(stddev_samp(l.quantity), 0), ? from hub.insurance_claim c"
            + " join hub.insurance_claim_line l on l.claim_id = c.id where c.status = 'settled' and c.service_from >= ?"
            + " group by 1, 2, 3 on conflict (diagnosis, level, item) do update set claims = excluded.claims,"
            + " mean_quantity = excluded.mean_quantity, stddev_quantity = excluded.stddev_quantity,"
            + " computed_at = excluded.computed_at")
        .param(now).param(Timestamp.from(clock.instant().minus(WINDOW))).update();
    return jdbc.sql("select count(*) from hub.insurance_cost_statistic").query(Integer.class).single();
  }

  /** What claims of this principal diagnosis at this level usually bill of each of these items. */
  public java.util.Map<String, QuantityStatistic> quantities(String diagnosis, String level, java.util.Collection<String> items) {
    java.util.Map<String, QuantityStatistic> found = new java.util.HashMap<>();
    if (items.isEmpty()) {
      return found;
    }
    jdbc.sql("select item, claims, mean_quantity, stddev_quantity from hub.insurance_quantity_statistic"
            + " where diagnosis = ? and level = ? and item = any(?)")
        .param(diagnosis).param(level).param(items.toArray(String[]::new))
        .query((rs, n) -> found.put(rs.getString(1), new QuantityStatistic(rs.getString(1), rs.getInt(2),
            rs.getDouble(3), rs.getDouble(4))))
        .list();
    return found;
  }

  public Optional<CostStatistic> of(String diagnosis, String level, String setting) {
    return jdbc.sql("select diagnosis, level, setting, claims, mean_fen, stddev_fen from hub.insurance_cost_statistic"
            + " where diagnosis = ? and level = ? and setting = ?")
        .param(diagnosis).param(level).param(setting)
        .query((rs, n) -> new CostStatistic(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
            rs.getDouble(5), rs.getDouble(6)))
        .optional();
  }
}
