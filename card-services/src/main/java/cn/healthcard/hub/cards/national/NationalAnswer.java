package cn.healthcard.hub.cards.national;

/**
 * What one request to the national system came to, as the outbox acts on it. Reasons never
 * contain a card number ({@link Redaction}).
 */
public sealed interface NationalAnswer {

  /** 200 or 201, signed, for this request: registered or recorded. */
  record Accepted(String registrationId, int httpStatus) implements NationalAnswer {}

  /** 409 on a registration: the card number is live in {@code province}. */
  record Conflict(String reason, String province) implements NationalAnswer {}

  /** A signed 4xx other than 401 and a registration's 409: this request will never succeed. */
  record Refused(int httpStatus, String reason) implements NationalAnswer {}

  /** No usable answer (down, refused, timed out, lost, not verifiable): send again later. */
  record TryLater(String reason) implements NationalAnswer {}
}
