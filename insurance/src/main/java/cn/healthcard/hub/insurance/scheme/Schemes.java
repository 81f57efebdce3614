package cn.healthcard.hub.insurance.scheme;

import java.sql.Timestamp;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The schemes as loaded ({@code hub.insurance_scheme}): every load of a county and year is a new
 * version and none is ever changed, so a settled claim can always be read with the rules it was
 * adjudicated under. A version's parsed rules are kept in memory (they never change).
 */
public class Schemes {

  private final JdbcClient jdbc;
  private final Clock clock;
  private final Map<String, Scheme> parsed = new ConcurrentHashMap<>();

  public Schemes(JdbcClient jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /**
   * Loads a scheme document as the next version of its county and year.
   *
   * @throws InvalidScheme naming every problem of the document
   */
  public Scheme load(String json, String actor) {
    Scheme probe = SchemeDocument.read(json, 1);
    for (int attempt = 0; ; attempt++) {
      int version = jdbc.sql("select coalesce(max(version), 0) + 1 from hub.insurance_scheme where county = ? and year = ?")
          .param(probe.county()).param(probe.year()).query(Integer.class).single();
      Scheme scheme = SchemeDocument.read(json, version);
      try {
        jdbc.sql("insert into hub.insurance_scheme (county, year, version, product, name, contribution_fen, document,"
                + " loaded_at, loaded_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .param(scheme.county()).param(scheme.year()).param(version).param(scheme.product()).param(scheme.name())
            .param(scheme.contributionFen()).param(json).param(Timestamp.from(clock.instant())).param(actor).update();
        return scheme;
      } catch (DuplicateKeyException e) {
        // another load of the same county and year took this version at the same moment
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  /** The latest version of a county's scheme for a year. */
  public Optional<Scheme> current(String county, int year) {
    return jdbc.sql("select max(version) from hub.insurance_scheme where county = ? and year = ?")
        .param(county).param(year).query(Integer.class).optional()
        .flatMap(version -> version == null ? Optional.empty() : version(county, year, version));
  }

  public Optional<Scheme> version(String county, int year, int version) {
    String key = county + "/" + year + "/" + version;
    Scheme known = parsed.get(key);
    if (known != null) {
      return Optional.of(known);
    }
    return jdbc.sql("select document from hub.insurance_scheme where county = ? and year = ? and version = ?")
        .param(county).param(year).param(version).query(String.class).optional()
        .map(document -> parsed.computeIfAbsent(key, k -> SchemeDocument.read(document, version)));
  }

  /** The document of a version as it was loaded. */
  public Optional<String> document(String county, int year, int version) {
    return jdbc.sql("select document from hub.insurance_scheme where county = ? and year = ? and version = ?")
        .param(county).param(year).param(version).query(String.class).optional();
  }

  /** Every county and year with its latest version. */
  public List<Scheme> latest() {
    return jdbc.sql("select county, year, max(version) from hub.insurance_scheme group by county, year order by county, year")
        .query((rs, n) -> version(rs.getString(1), rs.getInt(2), rs.getInt(3)).orElseThrow()).list();
  }
}
