package cn.healthcard.hub.cards.national;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * What the registry asks the national card-management system, as it puts it into the outbox
 * ({@link NationalRegistrationOutbox#enqueue}): register an issued card, or report a status change
 * of a registered one. {@link #cardId()} is the hub's own card id (kept beside the request, not
 * sent); the card number is sent. {@code toString()} masks the card number.
 */
public sealed interface NationalRequest
    permits NationalRequest.Registration, NationalRequest.StatusChange {

  UUID cardId();

  String cardNumber();

  Kind kind();

  /** The two requests of the protocol, with their outbox code and path. */
  enum Kind {
    REGISTER("register", NationalMessages.REGISTRATIONS_PATH),
    STATUS("status", NationalMessages.STATUS_PATH);

    private final String code;
    private final String path;

    Kind(String code, String path) {
      this.code = code;
      this.path = path;
    }

    public String code() {
      return code;
    }

    public String path() {
      return path;
    }

    public static Kind of(String code) {
      return Arrays.stream(values())
          .filter(k -> k.code.equals(code))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("unknown national request kind " + code));
    }
  }

  enum CardType {
    ADULT("adult"),
    CHILD("child");

    private final String code;

    CardType(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    public static Optional<CardType> fromCode(String code) {
      return Arrays.stream(values()).filter(t -> t.code.equals(code)).findFirst();
    }
  }

  /** Statuses the national system records for a registered card. */
  enum Status {
    ACTIVE("active"),
    REPORTED_LOST("reported-lost"),
    CANCELLED("cancelled"),
    /** The card was replaced by a new one; carries the replacement's chip serial. */
    REPLACED("replaced");

    private final String code;

    Status(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    public static Optional<Status> fromCode(String code) {
      return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
    }
  }

  /**
   * Registers an issued card.
   *
   * @param chipSerial null for a batch card not produced yet (report it later with a status
   *     change {@link Status#ACTIVE})
   * @param issuerId the issuing institution's id
   */
  record Registration(
      UUID cardId,
      String cardNumber,
      CardType cardType,
      String chipSerial,
      String issuerId,
      Instant issuedAt)
      implements NationalRequest {
    public Registration {
      Objects.requireNonNull(cardId, "cardId");
      Objects.requireNonNull(cardNumber, "cardNumber");
      Objects.requireNonNull(cardType, "cardType");
      Objects.requireNonNull(issuerId, "issuerId");
      Objects.requireNonNull(issuedAt, "issuedAt");
    }

    @Override
    public Kind kind() {
      return Kind.REGISTER;
    }

    @Override
    public String toString() {
      return "Registration[cardId=" + cardId + ", cardType=" + cardType.code() + "]";
    }
  }

  /**
   * Reports a status change of a registered card.
   *
   * @param chipSerial required for {@link Status#REPLACED} (the replacement's chip), optional for
   *     {@link Status#ACTIVE}, ignored otherwise
   */
  record StatusChange(
      UUID cardId, String cardNumber, Status status, String chipSerial, Instant changedAt)
      implements NationalRequest {
    public StatusChange {
      Objects.requireNonNull(cardId, "cardId");
      Objects.requireNonNull(cardNumber, "cardNumber");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(changedAt, "changedAt");
    }

    @Override
    public Kind kind() {
      return Kind.STATUS;
    }

    @Override
    public String toString() {
      return "StatusChange[cardId=" + cardId + ", status=" + status.code() + "]";
    }
  }
}
