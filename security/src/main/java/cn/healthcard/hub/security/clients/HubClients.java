package cn.healthcard.hub.security.clients;

import cn.healthcard.hub.security.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The client registry ({@code hub.security_client}). Lookups made on every request go through a
 * short cache: a client disabled or deleted on any hub instance stops being accepted within
 * {@link #STATUS_CACHE} (the bound is 60 s).
 */
public class HubClients {
  public static final Duration STATUS_CACHE = Duration.ofSeconds(20);

  private final JdbcTemplate jdbc;
  private final Clock clock;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(Optional<HubClient> client, Instant readAt) {}

  public HubClients(JdbcTemplate jdbc, Clock clock) {
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Registers a new client; false when the id is taken. */
  public boolean create(HubClient client) {
    try {
      jdbc.update(
          "insert into hub.security_client (client_id, roles, institution, division, practitioner,"
              + " patient, secret_hash, jwks, jwks_url, scopes, enabled, created_at, updated_at)"
              + " values (?,?,?,?,?,?,?,?,?,?,?,?,?)",
          client.clientId(), encodeRoles(client.roles()), client.institution(), client.division(),
          client.practitioner(), client.patient(), client.secretHash(), client.jwks(),
          client.jwksUrl(), String.join(" ", client.scopes()), client.enabled(),
          Timestamp.from(client.createdAt()), Timestamp.from(client.createdAt()));
    } catch (DuplicateKeyException e) {
      return false;
    }
    cache.remove(client.clientId());
    return true;
  }

  public boolean setEnabled(String clientId, boolean enabled) {
    int rows = jdbc.update(
        "update hub.security_client set enabled = ?, updated_at = now() where client_id = ?",
        enabled, clientId);
    cache.remove(clientId);
    return rows == 1;
  }

  public boolean delete(String clientId) {
    int rows = jdbc.update("delete from hub.security_client where client_id = ?", clientId);
    cache.remove(clientId);
    return rows == 1;
  }

  /** Read from the database, uncached (registration, token issuance). */
  public Optional<HubClient> find(String clientId) {
    List<HubClient> rows =
        jdbc.query("select * from hub.security_client where client_id = ?", HubClients::row, clientId);
    return rows.stream().findFirst();
  }

  /** As of at most {@link #STATUS_CACHE} ago (every authenticated request). */
  public Optional<HubClient> current(String clientId) {
    Instant now = clock.instant();
    Cached cached = cache.get(clientId);
    if (cached != null && cached.readAt().plus(STATUS_CACHE).isAfter(now)) {
      return cached.client();
    }
    Optional<HubClient> client = find(clientId);
    cache.put(clientId, new Cached(client, now));
    return client;
  }

  public List<HubClient> all() {
    return jdbc.query("select * from hub.security_client order by client_id", HubClients::row);
  }

  public boolean any(Role role) {
    return all().stream().anyMatch(c -> c.roles().contains(role));
  }

  private static HubClient row(ResultSet rs, int n) throws SQLException {
    return new HubClient(
        rs.getString("client_id"),
        decodeRoles(rs.getString("roles")),
        rs.getString("institution"),
        rs.getString("division"),
        rs.getString("practitioner"),
        rs.getString("patient"),
        rs.getString("secret_hash"),
        rs.getString("jwks"),
        rs.getString("jwks_url"),
        Arrays.stream(rs.getString("scopes").split(" ")).filter(s -> !s.isBlank())
            .collect(Collectors.toCollection(LinkedHashSet::new)),
        rs.getBoolean("enabled"),
        rs.getTimestamp("created_at").toInstant());
  }

  static String encodeRoles(Set<Role> roles) {
    return roles.stream().map(Role::code).sorted().collect(Collectors.joining(","));
  }

  static Set<Role> decodeRoles(String text) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String code : text.split(",")) {
      Role.fromCode(code.strip()).ifPresent(roles::add);
    }
    return roles;
  }
}
