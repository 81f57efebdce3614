package cn.healthcard.hub.cards.national;

import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

/**
 * One outbox row as operators see it (the payload, which holds the card number, is left out).
 *
 * @param requestId the row's id, sent as the idempotency key
 * @param lastError why the last attempt did not succeed, or the conflict / refusal reason; never
 *     a card number
 */
public record OutboxEntry(
    UUID requestId,
    UUID cardId,
    NationalRequest.Kind kind,
    State state,
    int attempts,
    Instant nextAttemptAt,
    String lastError,
    String nationalRegistrationId,
    Instant createdAt,
    Instant updatedAt) {

  public enum State {
    /** Not attempted yet. */
    PENDING("pending"),
    /** Attempted without a usable answer; tried again at {@code nextAttemptAt}. */
    RETRYING("retrying"),
    /** Accepted by the national system. */
    DONE("done"),
    /** The national system reports the card number live elsewhere; the card is on hold. */
    CONFLICT("conflict"),
    /** Refused for good by the national system; an operator may requeue it. */
    FAILED("failed");

    private final String code;

    State(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }

    public static State of(String code) {
      return Arrays.stream(values())
          .filter(s -> s.code.equals(code))
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("unknown outbox state " + code));
    }
  }
}
