package cn.healthcard.hub.cards.keyinjection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The front end's tables: {@code hub.key_injection_request} (spent request ids and the answers
 * awaiting confirmation) and {@code hub.key_injection_log} (every message received).
 */
final class InjectionJournal {
  static final String PERSONALIZATION = "personalization";
  static final String CONFIRMATION = "confirmation";

  enum State {
    CLAIMED,
    REFUSED,
    ANSWERED,
    CONFIRMED;

    String column() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  record StoredRequest(
      String requestId,
      String producerId,
      State state,
      UUID cardId,
      String diversificationCode,
      String certificateSerial) {}

  private final DataSource dataSource;

  InjectionJournal(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Spends the request id; false if it was spent before (a replay). */
  boolean claim(String requestId, String producerId, Instant at) {
    return update(
            "insert into hub.key_injection_request (request_id, producer_id, state, received_at)"
                + " values (?, ?, 'claimed', ?) on conflict (request_id) do nothing",
            requestId,
            producerId,
            Timestamp.from(at))
        == 1;
  }

  void refused(String requestId) {
    update(
        "update hub.key_injection_request set state = 'refused' where request_id = ? and state = 'claimed'",
        requestId);
  }

  /** Gives the id back after an internal failure, so that the producer may retry with it. */
  void release(String requestId) {
    update(
        "delete from hub.key_injection_request where request_id = ? and state = 'claimed'",
        requestId);
  }

  void answered(
      String requestId, UUID cardId, String diversificationCode, String certificateSerial, Instant at) {
    int rows =
        update(
            "update hub.key_injection_request set state = 'answered', card_id = ?,"
                + " diversification_code = ?, certificate_serial = ?, answered_at = ?"
                + " where request_id = ? and state = 'claimed'",
            cardId,
            diversificationCode,
            certificateSerial,
            Timestamp.from(at),
            requestId);
    if (rows != 1) {
      throw new IllegalStateException("key-injection request " + requestId + " was not claimed");
    }
  }

  void confirmed(String requestId, Instant at) {
    update(
        "update hub.key_injection_request set state = 'confirmed', confirmed_at = ?"
            + " where request_id = ? and state = 'answered'",
        Timestamp.from(at),
        requestId);
  }

  Optional<StoredRequest> find(String requestId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "select request_id, producer_id, state, card_id, diversification_code,"
                    + " certificate_serial from hub.key_injection_request where request_id = ?")) {
      select.setString(1, requestId);
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new StoredRequest(
                row.getString(1),
                row.getString(2),
                State.valueOf(row.getString(3).toUpperCase(java.util.Locale.ROOT)),
                row.getObject(4, UUID.class),
                row.getString(5),
                row.getString(6)));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read key-injection request " + requestId, e);
    }
  }

  void log(
      String requestId,
      String producerId,
      String step,
      String outcome,
      String code,
      String reason,
      Instant at) {
    update(
        "insert into hub.key_injection_log (request_id, producer_id, step, outcome, code, reason, at)"
            + " values (?, ?, ?, ?, ?, ?, ?)",
        requestId,
        producerId,
        step,
        outcome,
        code,
        reason == null || reason.length() <= 500 ? reason : reason.substring(0, 500),
        Timestamp.from(at));
  }

  private int update(String sql, Object... parameters) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement statement = connection.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      return statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("key-injection journal failure", e);
    }
  }
}
