package cn.healthcard.hub.insurance.scheme;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The hospitals the schemes know ({@code hub.insurance_provider}), as the operator registers them. */
public class Providers {

  private static final String COLUMNS = "institution, name, level, county, designated";

  private final JdbcClient jdbc;
  private final Clock clock;

  public Providers(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  public Provider put(Provider provider) {
    jdbc.sql("insert into hub.insurance_provider (" + COLUMNS + ", updated_at) values (?, ?, ?, ?, ?, ?)"
            + " on conflict (institution) do update set name = excluded.name, level = excluded.level,"
            + " county = excluded.county, designated = excluded.designated, updated_at = excluded.updated_at")
        .param(provider.institution()).param(provider.name()).param(provider.level().code()).param(provider.county())
        .param(provider.designated()).param(Timestamp.from(clock.instant())).update();
    return provider;
  }

  public Optional<Provider> find(String institution) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_provider where institution = ?").param(institution)
        .query((rs, n) -> new Provider(rs.getString(1), rs.getString(2),
            HospitalLevel.fromCode(rs.getString(3)).orElseThrow(), rs.getString(4), rs.getBoolean(5)))
        .optional();
  }

  public List<Provider> all() {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_provider order by institution")
        .query((rs, n) -> new Provider(rs.getString(1), rs.getString(2),
            HospitalLevel.fromCode(rs.getString(3)).orElseThrow(), rs.getString(4), rs.getBoolean(5)))
        .list();
  }
}
