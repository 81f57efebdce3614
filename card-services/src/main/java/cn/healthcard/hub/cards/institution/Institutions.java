package cn.healthcard.hub.cards.institution;

import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;

/**
 * The institutions table ({@code hub.card_institution}), with the institutions found cached in
 * memory for a short time ({@link #DEFAULT_TTL}): a change made through another hub instance
 * (an institution disabled, a key rotated) takes effect here within that time. Unknown ids are
 * never cached (an institution registered elsewhere is found at once); the cache is bounded.
 */
public class Institutions {
  public static final Set<String> KINDS =
      Set.of("bank-branch", "kiosk", "service-point", "card-factory", "household-registration", "hospital");
  /** How long an institution read from the table is trusted without reading it again. */
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(30);
  /** At most this many institutions are cached; the least recently used go first. */
  public static final int DEFAULT_MAX_ENTRIES = 10_000;

  private record Cached(Institution institution, Instant loadedAt) {}

  private final DataSource dataSource;
  private final Duration ttl;
  private final Clock clock;
  private final Map<String, Cached> cache;

  public Institutions(DataSource dataSource) {
    this(dataSource, DEFAULT_TTL, DEFAULT_MAX_ENTRIES, Clock.systemUTC());
  }

  public Institutions(DataSource dataSource, Duration ttl, int maxEntries, Clock clock) {
    if (maxEntries < 1 || ttl.isNegative()) {
      throw new IllegalArgumentException("the cache needs a size of at least 1 and a ttl >= 0");
    }
    this.dataSource = dataSource;
    this.ttl = ttl;
    this.clock = clock;
    this.cache =
        Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
              @Override
              protected boolean removeEldestEntry(Map.Entry<String, Cached> eldest) {
                return size() > maxEntries;
              }
            });
  }

  public Optional<Institution> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    Cached cached = cache.get(id);
    if (cached != null && now.isBefore(cached.loadedAt().plus(ttl))) {
      return Optional.of(cached.institution());
    }
    Optional<Institution> loaded = load(id);
    if (loaded.isPresent()) {
      cache.put(id, new Cached(loaded.get(), now));
    } else {
      cache.remove(id);
    }
    return loaded;
  }

  /** How many institutions are cached (for tests and monitoring). */
  public int cachedCount() {
    return cache.size();
  }

  /** The enabled institution's key, for signature checks. */
  public Optional<PublicKey> publicKey(String id) {
    return find(id)
        .filter(Institution::enabled)
        .filter(i -> i.publicKey() != null)
        .map(i -> Sm2.decodePublicKey(i.publicKey()));
  }

  public Institution save(Institution institution) {
    if (!KINDS.contains(institution.kind())) {
      throw new InvalidCardRequest("kind", "must be one of " + KINDS);
    }
    if (institution.id() == null || !institution.id().matches("[A-Za-z0-9._-]{1,64}")) {
      throw new InvalidCardRequest("id", "1-64 letters, digits, '.', '_' or '-'");
    }
    if (institution.publicKey() != null) {
      Sm2.decodePublicKey(institution.publicKey());
    }
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "insert into hub.card_institution (id, kind, name, division, public_key, enabled)"
                    + " values (?, ?, ?, ?, ?, ?) on conflict (id) do update set kind = excluded.kind,"
                    + " name = excluded.name, division = excluded.division,"
                    + " public_key = excluded.public_key, enabled = excluded.enabled")) {
      statement.setString(1, institution.id());
      statement.setString(2, institution.kind());
      statement.setString(3, institution.name());
      statement.setString(4, institution.division());
      statement.setString(5, institution.publicKey());
      statement.setBoolean(6, institution.enabled());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("institutions: " + e.getSQLState(), e);
    }
    cache.remove(institution.id());
    return institution;
  }

  public List<Institution> all() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "select id, kind, name, division, public_key, enabled from hub.card_institution order by id");
        ResultSet rs = statement.executeQuery()) {
      List<Institution> all = new ArrayList<>();
      while (rs.next()) {
        all.add(map(rs));
      }
      return all;
    } catch (SQLException e) {
      throw new IllegalStateException("institutions: " + e.getSQLState(), e);
    }
  }

  private Optional<Institution> load(String id) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement =
            connection.prepareStatement(
                "select id, kind, name, division, public_key, enabled from hub.card_institution where id = ?")) {
      statement.setString(1, id);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? Optional.of(map(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("institutions: " + e.getSQLState(), e);
    }
  }

  private static Institution map(ResultSet rs) throws SQLException {
    return new Institution(
        rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getBoolean(6));
  }
}
