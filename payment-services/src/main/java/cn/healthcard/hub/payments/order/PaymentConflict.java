package cn.healthcard.hub.payments.order;

/** The same merchant order number again with a different amount or channel: never a second order. */
public final class PaymentConflict extends RuntimeException {
  public PaymentConflict(String message) {
    super(message);
  }
}
