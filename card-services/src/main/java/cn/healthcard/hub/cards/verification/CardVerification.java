package cn.healthcard.hub.cards.verification;

import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Card verification for terminals: the terminal sends the card number, the chip serial and the
 * MAC the card computed over the terminal's challenge; the answer says whether the card is
 * genuine (its MAC verifies under its diversified key, for the chip the registry knows) and live,
 * and whose it is. Every verification is recorded as card usage; a challenge answered once for a
 * card is refused the second time (a replayed exchange proves nothing about the card).
 */
public class CardVerification {
  /** Checks a card's MAC over a challenge (the HSM does this with the card's derived key). */
  @FunctionalInterface
  public interface MacCheck {
    boolean verify(String cardNumber, String chipSerial, byte[] challenge, byte[] mac);
  }

  /**
   * @param outcome {@code genuine}, {@code unknown-card}, {@code bad-mac} or
   *     {@code replayed-challenge}
   */
  public record Result(
      boolean genuine, boolean live, CardStatus status, String patientId, String outcome) {}

  private final DataSource dataSource;
  private final MacCheck macs;

  public CardVerification(DataSource dataSource, MacCheck macs) {
    this.dataSource = dataSource;
    this.macs = macs;
  }

  public Result verify(
      String cardNumber, String chipSerial, byte[] challenge, byte[] mac, String terminal) {
    if (cardNumber == null || cardNumber.isBlank()) {
      throw new InvalidCardRequest("Parameters.parameter[cardNumber]", "required");
    }
    if (chipSerial == null || chipSerial.isBlank()) {
      throw new InvalidCardRequest("Parameters.parameter[chipSerial]", "required");
    }
    if (challenge == null || challenge.length < 8 || challenge.length > 64) {
      throw new InvalidCardRequest("Parameters.parameter[challenge]", "8 to 64 bytes (base64Binary) required");
    }
    if (mac == null || mac.length == 0) {
      throw new InvalidCardRequest("Parameters.parameter[mac]", "required (base64Binary)");
    }
    if (terminal == null || terminal.isBlank() || terminal.length() > 64) {
      throw new InvalidCardRequest("Parameters.parameter[terminal]", "the terminal id (1-64 characters) is required");
    }
    String challengeSha = HexFormat.of().formatHex(Sm2.sm3(challenge));
    try (Connection connection = dataSource.getConnection()) {
      Card card = find(connection, chipSerial.trim());
      if (card == null || !cardNumber.trim().equals(card.cardNumber())) {
        record(connection, null, terminal, challengeSha, "unknown-card");
        return new Result(false, false, null, null, "unknown-card");
      }
      if (!macs.verify(card.cardNumber(), card.chipSerial(), challenge, mac)) {
        record(connection, card.id(), terminal, challengeSha, "bad-mac");
        return new Result(false, false, card.status(), null, "bad-mac");
      }
      if (!record(connection, card.id(), terminal, challengeSha, "genuine")) {
        record(connection, card.id(), terminal, challengeSha, "replayed-challenge");
        return new Result(false, false, card.status(), null, "replayed-challenge");
      }
      boolean live = card.status() == CardStatus.ACTIVE;
      return new Result(true, live, card.status(), card.patientId(), "genuine");
    } catch (SQLException e) {
      throw new IllegalStateException("card verification: " + e.getSQLState(), e);
    }
  }

  private static Card find(Connection connection, String chipSerial) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select " + CardRegistry.COLUMNS + " from hub.card where chip_serial = ?")) {
      statement.setString(1, chipSerial);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() ? CardRegistry.map(rs) : null;
      }
    }
  }

  /** @return false when this genuine challenge was already answered for the card */
  private static boolean record(
      Connection connection, UUID cardId, String terminal, String challengeSha, String outcome)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into hub.card_usage (card_id, terminal, challenge_sha, outcome) values (?, ?, ?, ?)"
                + " on conflict do nothing")) {
      statement.setObject(1, cardId);
      statement.setString(2, terminal);
      statement.setString(3, challengeSha);
      statement.setString(4, outcome);
      return statement.executeUpdate() == 1;
    }
  }
}
