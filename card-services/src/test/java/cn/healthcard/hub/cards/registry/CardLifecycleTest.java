package cn.healthcard.hub.cards.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CardLifecycleTest {
  /** The lifecycle as the issue states it, written out independently of the implementation. */
  private static final Set<String> EXPECTED =
      Set.of(
          "applied approve approved",
          "applied reject rejected",
          "approved start-production in-production",
          "in-production produced awaiting-activation",
          "in-production production-failed approved",
          "awaiting-activation activate active",
          "active freeze frozen",
          "frozen unfreeze active",
          "active report-lost reported-lost",
          "frozen report-lost reported-lost",
          "reported-lost found *",
          "active replace replaced",
          "frozen replace replaced",
          "reported-lost replace replaced",
          "applied cancel cancelled",
          "approved cancel cancelled",
          "in-production cancel cancelled",
          "awaiting-activation cancel cancelled",
          "active cancel cancelled",
          "frozen cancel cancelled",
          "reported-lost cancel cancelled",
          "on-hold cancel cancelled",
          "applied national-conflict on-hold",
          "approved national-conflict on-hold",
          "in-production national-conflict on-hold",
          "awaiting-activation national-conflict on-hold",
          "active national-conflict on-hold",
          "frozen national-conflict on-hold",
          "reported-lost national-conflict on-hold",
          "on-hold release-hold *");

  @Test
  void everyStatusAcceptsExactlyTheEventsOfTheLifecycle() {
    Set<String> actual = new HashSet<>();
    for (CardStatus status : CardStatus.values()) {
      for (CardEvent event : CardEvent.values()) {
        if (CardLifecycle.allows(status, event)) {
          CardStatus to = CardLifecycle.next(status, event, CardStatus.FROZEN, CardStatus.FROZEN);
          boolean remembered = event == CardEvent.RELEASE_HOLD || event == CardEvent.FOUND;
          actual.add(status.code() + " " + event.code() + " " + (remembered ? "*" : to.code()));
        } else {
          assertThatThrownBy(() -> CardLifecycle.next(status, event, null))
              .isInstanceOf(IllegalCardTransition.class)
              .hasMessageContaining("'" + event.code() + "' is not allowed for a card in status '" + status.code() + "'");
        }
      }
    }
    assertThat(actual).isEqualTo(EXPECTED);
  }

  @Test
  void releasingAHoldReturnsToTheStatusTheCardWasHeldFrom() {
    assertThat(CardLifecycle.next(CardStatus.ON_HOLD, CardEvent.RELEASE_HOLD, CardStatus.AWAITING_ACTIVATION))
        .isEqualTo(CardStatus.AWAITING_ACTIVATION);
  }

  @Test
  void aFoundCardReturnsToTheStatusItWasReportedLostFrom() {
    assertThat(CardLifecycle.next(CardStatus.REPORTED_LOST, CardEvent.FOUND, null, CardStatus.FROZEN))
        .isEqualTo(CardStatus.FROZEN);
    assertThat(CardLifecycle.next(CardStatus.REPORTED_LOST, CardEvent.FOUND, null, CardStatus.ACTIVE))
        .isEqualTo(CardStatus.ACTIVE);
    // lost before the status was remembered
    assertThat(CardLifecycle.next(CardStatus.REPORTED_LOST, CardEvent.FOUND, null, null))
        .isEqualTo(CardStatus.ACTIVE);
  }

  @Test
  void finalStatusesAcceptNothingAndSaySo() {
    for (CardStatus status : new CardStatus[] {CardStatus.REJECTED, CardStatus.REPLACED, CardStatus.CANCELLED}) {
      assertThat(status.isLive()).isFalse();
      assertThat(CardLifecycle.allowedEvents(status)).isEmpty();
      assertThatThrownBy(() -> CardLifecycle.next(status, CardEvent.ACTIVATE, null))
          .hasMessageContaining("none (final status)");
    }
  }

  @Test
  void theRefusalListsTheEventsTheStatusAllows() {
    assertThatThrownBy(() -> CardLifecycle.next(CardStatus.REPORTED_LOST, CardEvent.FREEZE, null))
        .isInstanceOfSatisfying(
            IllegalCardTransition.class,
            e -> {
              assertThat(e.current()).isEqualTo(CardStatus.REPORTED_LOST);
              assertThat(e.allowed())
                  .containsExactly(CardEvent.FOUND, CardEvent.REPLACE, CardEvent.CANCEL, CardEvent.NATIONAL_CONFLICT);
            });
  }
}
