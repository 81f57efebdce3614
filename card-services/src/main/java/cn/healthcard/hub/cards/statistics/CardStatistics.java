package cn.healthcard.hub.cards.statistics;

import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.terminology.division.Divisions;
import java.sql.Connection;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Counts for the card platform's dashboards: cards by status, channel, type, division (province,
 * city, county: the drill-down the monitoring pages use) and day; verifications by day and
 * outcome. Days are days in the province (Asia/Shanghai).
 */
public class CardStatistics {
  public enum Dimension {
    STATUS("status", "status"),
    CHANNEL("channel", "channel"),
    TYPE("type", "card_type"),
    PROVINCE("province", "substr(division, 1, 2) || '0000'"),
    CITY("city", "substr(division, 1, 4) || '00'"),
    COUNTY("county", "division"),
    DAY("day", "to_char(created_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')");

    private final String code;
    private final String expression;

    Dimension(String code, String expression) {
      this.code = code;
      this.expression = expression;
    }

    public String code() {
      return code;
    }

    public static Optional<Dimension> fromCode(String code) {
      return Arrays.stream(values()).filter(d -> d.code.equals(code)).findFirst();
    }
  }

  /**
   * @param division a province (2 digits or NN0000), city (4 digits or NNNN00) or county code;
   *     counts cards of residents of that division only
   * @param from first day counted (by the day the card entered the registry), inclusive
   * @param to last day, inclusive
   */
  public record Filter(String division, LocalDate from, LocalDate to, String status, String channel) {}

  public record Group(String key, long count) {}

  private final DataSource dataSource;

  public CardStatistics(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  public List<Group> cards(Dimension by, Filter filter) {
    List<Object> args = new ArrayList<>();
    String where = where(filter, args, "created_at");
    String sql =
        "select "
            + by.expression
            + " as k, count(*) from hub.card"
            + where
            + (by == Dimension.PROVINCE || by == Dimension.CITY || by == Dimension.COUNTY
                ? (where.isEmpty() ? " where" : " and") + " division is not null"
                : "")
            + " group by k order by k";
    return query(sql, args);
  }

  /** Verifications by {@code day} or {@code outcome}. */
  public List<Group> verifications(String by, LocalDate from, LocalDate to) {
    String expression =
        switch (by) {
          case "day" -> "to_char(at at time zone 'Asia/Shanghai', 'YYYY-MM-DD')";
          case "outcome" -> "outcome";
          default -> throw new InvalidCardRequest("Parameters.parameter[by]", "day or outcome for verifications");
        };
    List<Object> args = new ArrayList<>();
    StringBuilder where = new StringBuilder();
    dateRange(where, args, "at", from, to);
    return query("select " + expression + " as k, count(*) from hub.card_usage" + where + " group by k order by k", args);
  }

  private static String where(Filter filter, List<Object> args, String timeColumn) {
    StringBuilder where = new StringBuilder();
    if (filter.division() != null && !filter.division().isBlank()) {
      String prefix = divisionPrefix(filter.division().trim());
      where.append(" where division like ?");
      args.add(prefix + "%");
    }
    if (filter.status() != null && !filter.status().isBlank()) {
      where.append(where.length() == 0 ? " where" : " and").append(" status = ?");
      args.add(filter.status());
    }
    if (filter.channel() != null && !filter.channel().isBlank()) {
      where.append(where.length() == 0 ? " where" : " and").append(" channel = ?");
      args.add(filter.channel());
    }
    dateRange(where, args, timeColumn, filter.from(), filter.to());
    return where.toString();
  }

  private static void dateRange(
      StringBuilder where, List<Object> args, String column, LocalDate from, LocalDate to) {
    if (from != null) {
      where.append(where.length() == 0 ? " where" : " and")
          .append(" (").append(column).append(" at time zone 'Asia/Shanghai')::date >= ?");
      args.add(Date.valueOf(from));
    }
    if (to != null) {
      where.append(where.length() == 0 ? " where" : " and")
          .append(" (").append(column).append(" at time zone 'Asia/Shanghai')::date <= ?");
      args.add(Date.valueOf(to));
    }
  }

  static String divisionPrefix(String code) {
    return Divisions.prefix(code)
        .orElseThrow(
            () ->
                new InvalidCardRequest(
                    "Parameters.parameter[division]", "a GB/T 2260 code: 2, 4 or 6 digits"));
  }

  private List<Group> query(String sql, List<Object> args) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        statement.setObject(i + 1, args.get(i));
      }
      List<Group> groups = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          groups.add(new Group(rs.getString(1), rs.getLong(2)));
        }
      }
      return groups;
    } catch (SQLException e) {
      throw new IllegalStateException("card statistics: " + e.getSQLState(), e);
    }
  }
}
