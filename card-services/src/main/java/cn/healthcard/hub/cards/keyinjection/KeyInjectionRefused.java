package cn.healthcard.hub.cards.keyinjection;

/**
 * A message the front end refused. {@link #reason()} is safe to show to the producer and to
 * store: it never contains a card number or a name.
 */
public final class KeyInjectionRefused extends RuntimeException {
  private final RefusalCode code;
  private final String reason;
  private final String requestId;

  public KeyInjectionRefused(RefusalCode code, String reason, String requestId) {
    super(code.token() + ": " + reason);
    this.code = code;
    this.reason = reason;
    this.requestId = requestId;
  }

  public RefusalCode code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  /** The request id as sent, when it was well formed; otherwise null. */
  public String requestId() {
    return requestId;
  }

  public int httpStatus() {
    return code.httpStatus();
  }

  public KeyInjectionError toError() {
    return new KeyInjectionError(code.token(), reason, requestId);
  }
}
