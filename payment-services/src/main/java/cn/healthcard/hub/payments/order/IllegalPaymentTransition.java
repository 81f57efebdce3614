package cn.healthcard.hub.payments.order;

/** A change the payment state machine does not allow (a closed order paid, a paid order closed). */
public final class IllegalPaymentTransition extends RuntimeException {
  private final PaymentStatus from;
  private final PaymentStatus to;

  public IllegalPaymentTransition(PaymentStatus from, PaymentStatus to) {
    super("a payment that is " + from.code() + " cannot become " + to.code());
    this.from = from;
    this.to = to;
  }

  public PaymentStatus from() {
    return from;
  }

  public PaymentStatus to() {
    return to;
  }
}
