package cn.healthcard.hub.insurance.supervision;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Cost statistics per principal diagnosis, level and setting ({@code hub.insurance_cost_statistic}). */
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
    return jdbc.sql("select count(*) from hub.insurance_cost_statistic").query(Integer.class).single();
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
