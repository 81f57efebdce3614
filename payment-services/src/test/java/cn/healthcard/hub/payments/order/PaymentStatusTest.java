package cn.healthcard.hub.payments.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PaymentStatusTest {

  @Test
  void anOpenOrderIsPaidClosedOrFailedAndAPaidOneOnlyRefunded() {
    assertThat(PaymentStatus.CREATED.canBecome(PaymentStatus.PAID)).isTrue();
    assertThat(PaymentStatus.PAYING.canBecome(PaymentStatus.CLOSED)).isTrue();
    assertThat(PaymentStatus.PAID.canBecome(PaymentStatus.REFUNDING)).isTrue();
    assertThat(PaymentStatus.REFUNDING.canBecome(PaymentStatus.PAID)).isTrue();
    assertThat(PaymentStatus.REFUNDING.canBecome(PaymentStatus.REFUNDED)).isTrue();
    assertThat(PaymentStatus.PAID.canBecome(PaymentStatus.CLOSED)).isFalse();
    assertThat(PaymentStatus.CLOSED.canBecome(PaymentStatus.PAID)).isFalse();
    assertThat(PaymentStatus.REFUNDED.canBecome(PaymentStatus.REFUNDING)).isFalse();
  }

  @Test
  void anIllegalTransitionNamesBothStates() {
    assertThatThrownBy(() -> PaymentStatus.PAID.check(PaymentStatus.CLOSED))
        .isInstanceOf(IllegalPaymentTransition.class)
        .hasMessage("a payment that is paid cannot become closed");
  }

  @Test
  void yuanBecomeWholeFenAndNothingElse() {
    assertThat(Fen.ofYuan(new BigDecimal("12.30")).value()).isEqualTo(1230);
    assertThat(Fen.ofYuan(new BigDecimal("0.01")).value()).isEqualTo(1);
    assertThat(new Fen(1230).yuan()).isEqualByComparingTo("12.30");
    assertThatThrownBy(() -> Fen.ofYuan(new BigDecimal("1.001"))).hasMessageContaining("two decimals");
    assertThatThrownBy(() -> Fen.ofYuan(BigDecimal.ZERO)).hasMessageContaining("more than zero");
    assertThatThrownBy(() -> Fen.ofYuan(new BigDecimal("-1"))).hasMessageContaining("more than zero");
  }
}
