package cn.healthcard.hub.payments.order;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The payment order's states and the only transitions allowed between them (the one place that
 * says so). created: the channel has the order, the payer has not paid; paying: the payer is
 * paying (a channel says so while a password or a bank is pending); paid; refunding: a refund is
 * with the channel; refunded: the whole amount went back; closed: cancelled before payment;
 * failed: the channel refused or lost the payment. A partial refund goes paid -> refunding -> paid.
 */
public enum PaymentStatus {
  CREATED, PAYING, PAID, REFUNDING, REFUNDED, CLOSED, FAILED;

  private static final Map<PaymentStatus, Set<PaymentStatus>> ALLOWED = Map.of(
      CREATED, EnumSet.of(PAYING, PAID, CLOSED, FAILED),
      PAYING, EnumSet.of(PAID, CLOSED, FAILED),
      PAID, EnumSet.of(REFUNDING),
      REFUNDING, EnumSet.of(PAID, REFUNDED),
      REFUNDED, EnumSet.noneOf(PaymentStatus.class),
      CLOSED, EnumSet.noneOf(PaymentStatus.class),
      FAILED, EnumSet.noneOf(PaymentStatus.class));

  public boolean canBecome(PaymentStatus next) {
    return ALLOWED.get(this).contains(next);
  }

  /** @throws IllegalPaymentTransition when the state machine does not allow {@code next} */
  public void check(PaymentStatus next) {
    if (!canBecome(next)) {
      throw new IllegalPaymentTransition(this, next);
    }
  }

  /** Whether the payer can still pay (the order is open at the channel). */
  public boolean open() {
    return this == CREATED || this == PAYING;
  }

  /** The code in the API ({@code created}, {@code paid}...). */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static PaymentStatus fromCode(String code) {
    return valueOf(code.toUpperCase(Locale.ROOT));
  }
}
