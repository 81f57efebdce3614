package cn.healthcard.hub.payments.order;

/** A refund the order does not allow: more than is left, or while another is with the channel. */
public final class RefundRefused extends RuntimeException {
  private final String parameter;

  public RefundRefused(String parameter, String message) {
    super(message);
    this.parameter = parameter;
  }

  /** The request parameter the refusal is about ({@code amount}, {@code payment}). */
  public String parameter() {
    return parameter;
  }
}
