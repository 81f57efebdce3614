package cn.healthcard.hub.cards.keyinjection;

import com.fasterxml.jackson.annotation.JsonValue;

/** Why the key-injection front end refused a message, with the HTTP status to answer with. */
public enum RefusalCode {
  /** The message is not well formed: not JSON, a field missing, not Base64, a bad id. */
  MALFORMED("malformed", 400),
  /** The producer id is not registered, or the producer is disabled. */
  UNKNOWN_PRODUCER("unknown-producer", 403),
  /** The signature does not verify with the producer's registered key. */
  BAD_SIGNATURE("bad-signature", 401),
  /** The timestamp is further from the hub's clock than the allowed skew. */
  STALE_TIMESTAMP("stale-timestamp", 401),
  /** The request id was used before. */
  REPLAYED("replayed", 409),
  /** The session key or the personalization data does not decrypt, or is not JSON. */
  UNDECRYPTABLE("undecryptable", 400),
  /** The card registry says this personalization data must not be personalized. */
  NOT_LEGITIMATE("not-legitimate", 403),
  /** A confirmation names a request the hub never answered. */
  UNKNOWN_REQUEST("unknown-request", 404),
  /** The message contradicts what the hub holds for that request. */
  MISMATCH("mismatch", 409);

  private final String token;
  private final int httpStatus;

  RefusalCode(String token, int httpStatus) {
    this.token = token;
    this.httpStatus = httpStatus;
  }

  @JsonValue
  public String token() {
    return token;
  }

  public int httpStatus() {
    return httpStatus;
  }
}
