package cn.healthcard.hub.cards.national;

import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.CardType;
import cn.healthcard.hub.cards.registry.IllegalCardTransition;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.UUID;
import cn.healthcard.hub.cards.registry.RegistryListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the national card registry told of the province's cards: which registry changes become
 * which national requests (written to the outbox in the registry's own transaction), and what a
 * national conflict does to a card (it goes on hold with the reason).
 *
 * <ul>
 *   <li>a card issued on the spot (bank branch, kiosk) is registered at once, with its chip;
 *   <li>a batch card is registered when the province approves it (before production), without a
 *       chip; its chip is reported (status {@code active}) when the factory has produced it;
 *   <li>a child card applied for without a number is registered once it has one and is approved;
 *   <li>loss, finding, cancellation and replacement (with the new chip) are reported as status
 *       changes;
 *   <li>an operator's release of a national hold asks the national registry again (the
 *       conflicting registration is requeued).
 * </ul>
 */
public final class NationalSync implements RegistryListener, NationalConflictHandler {
  private static final Logger log = LoggerFactory.getLogger(NationalSync.class);
  public static final String ACTOR = "national-registry";

  private final NationalRegistrationOutbox outbox;
  private final CardRegistry registry;
  private final Clock clock;

  public NationalSync(NationalRegistrationOutbox outbox, CardRegistry registry, Clock clock) {
    this.outbox = outbox;
    this.registry = registry;
    this.clock = clock;
  }

  @Override
  public void inTransaction(Connection connection, Card before, Card after, CardEvent event) {
    if (event == CardEvent.RELEASE_HOLD) {
      askAgain(connection, after);
      return;
    }
    NationalRequest request = requestFor(before, after, event);
    if (request == null) {
      return;
    }
    try {
      outbox.enqueue(connection, request);
    } catch (SQLException e) {
      throw new IllegalStateException("national outbox: " + e.getSQLState(), e);
    }
  }

  /**
   * An operator released a card held for a national conflict: the national registry is asked
   * again, in the releasing transaction (the conflicting registration is requeued; without one,
   * and with no registration still waiting, a fresh registration is enqueued). If the number is
   * still live elsewhere, the answer puts the card on hold again.
   */
  private void askAgain(Connection connection, Card card) {
    if (card.cardNumber() == null) {
      return;
    }
    try {
      int requeued = outbox.requeueConflicts(connection, card.id());
      if (requeued == 0 && !outbox.registrationWaiting(connection, card.id())) {
        NationalRequest.CardType type =
            card.type() == CardType.CHILD ? NationalRequest.CardType.CHILD : NationalRequest.CardType.ADULT;
        outbox.enqueue(connection, registration(card, type));
      }
      log.info("Card {} released from hold: the national registry is asked again", card.id());
    } catch (SQLException e) {
      throw new IllegalStateException("national outbox: " + e.getSQLState(), e);
    }
  }

  NationalRequest requestFor(Card before, Card after, CardEvent event) {
    if (after.cardNumber() == null) {
      return null;
    }
    NationalRequest.CardType type =
        after.type() == CardType.CHILD ? NationalRequest.CardType.CHILD : NationalRequest.CardType.ADULT;
    boolean fresh = before == null;
    switch (event) {
      case ISSUE:
        if (fresh && after.status() == CardStatus.ACTIVE) {
          return registration(after, type);
        }
        return null;
      case APPROVE:
        return registration(after, type);
      case NUMBER_ASSIGNED:
        // approved before the number existed: register now; still in review: at approval
        return after.status() == CardStatus.APPLIED || after.status() == CardStatus.REJECTED
            ? null
            : registration(after, type);
      case PRODUCED:
        if (after.replaces() != null) {
          return status(after, NationalRequest.Status.REPLACED, after.chipSerial());
        }
        return status(after, NationalRequest.Status.ACTIVE, after.chipSerial());
      case REPLACE:
        // the new card's row: with a chip when replaced on the spot, else reported when produced
        if (fresh && after.chipSerial() != null) {
          return status(after, NationalRequest.Status.REPLACED, after.chipSerial());
        }
        return null;
      case REPORT_LOST:
        return status(after, NationalRequest.Status.REPORTED_LOST, null);
      case FOUND:
        return status(after, NationalRequest.Status.ACTIVE, null);
      case CANCEL:
        // a card never registered (still in review) has nothing to withdraw nationally
        return before != null && (before.status() == CardStatus.APPLIED) ? null
            : status(after, NationalRequest.Status.CANCELLED, null);
      default:
        return null;
    }
  }

  private NationalRequest registration(Card card, NationalRequest.CardType type) {
    return new NationalRequest.Registration(
        card.id(), card.cardNumber(), type, card.chipSerial(), card.institution(), clock.instant());
  }

  private NationalRequest status(Card card, NationalRequest.Status status, String chip) {
    return new NationalRequest.StatusChange(card.id(), card.cardNumber(), status, chip, clock.instant());
  }

  /** The card is live in another province: it goes on hold until an operator resolves it. */
  @Override
  public void onConflict(UUID cardId, String reason) {
    try {
      registry.apply(cardId, CardEvent.NATIONAL_CONFLICT, ACTOR, reason);
      log.warn("Card {} put on hold: the national registry reports a conflict", cardId);
    } catch (IllegalCardTransition e) {
      // already on hold (a repeated answer) or no longer live: nothing to hold
      if (e.current() != CardStatus.ON_HOLD) {
        log.info("National conflict for card {} ignored: card is {}", cardId, e.current().code());
      }
    }
  }
}
