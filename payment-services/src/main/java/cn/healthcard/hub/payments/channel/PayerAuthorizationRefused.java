package cn.healthcard.hub.payments.channel;

/**
 * The payer's authorisation is missing for a channel that needs one, or the channel refused it
 * (used, expired, another payer's): the hospital's app has the payer authorise again.
 */
public final class PayerAuthorizationRefused extends RuntimeException {
  public PayerAuthorizationRefused(String message) {
    super(message);
  }
}
