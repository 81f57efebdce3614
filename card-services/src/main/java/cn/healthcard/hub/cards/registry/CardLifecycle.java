package cn.healthcard.hub.cards.registry;

import static cn.healthcard.hub.cards.registry.CardEvent.*;
import static cn.healthcard.hub.cards.registry.CardStatus.*;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The card lifecycle, in one place: every status, the events it accepts and where each leads.
 *
 * <pre>
 * applied -approve-> approved -start-production-> in-production -produced-> awaiting-activation
 *         -reject->  rejected          in-production -production-failed-> approved
 * awaiting-activation -activate-> active
 * active -freeze-> frozen -unfreeze-> active
 * active|frozen -report-lost-> reported-lost -found-> the status it was lost from (active or frozen)
 * active|frozen|reported-lost -replace-> replaced   (a new card with a new chip takes over the number)
 * any live status -cancel-> cancelled          (death, duplicate, emigration)
 * any live status -national-conflict-> on-hold -release-hold-> the status it was held from
 * </pre>
 *
 * Rejected, replaced and cancelled are final: the card number is then free for a new card.
 */
public final class CardLifecycle {
  private static final Map<CardStatus, Map<CardEvent, CardStatus>> TRANSITIONS =
      new EnumMap<>(CardStatus.class);

  static {
    allow(APPLIED, APPROVE, APPROVED);
    allow(APPLIED, REJECT, REJECTED);
    allow(APPROVED, START_PRODUCTION, IN_PRODUCTION);
    allow(IN_PRODUCTION, PRODUCED, AWAITING_ACTIVATION);
    allow(IN_PRODUCTION, PRODUCTION_FAILED, APPROVED);
    allow(AWAITING_ACTIVATION, ACTIVATE, ACTIVE);
    allow(ACTIVE, FREEZE, FROZEN);
    allow(FROZEN, UNFREEZE, ACTIVE);
    allow(ACTIVE, REPORT_LOST, REPORTED_LOST);
    allow(FROZEN, REPORT_LOST, REPORTED_LOST);
    // the real target is the status the card was reported lost from, kept on the card
    allow(REPORTED_LOST, FOUND, ACTIVE);
    allow(ACTIVE, REPLACE, REPLACED);
    allow(FROZEN, REPLACE, REPLACED);
    allow(REPORTED_LOST, REPLACE, REPLACED);
    for (CardStatus status : CardStatus.values()) {
      if (status.isLive()) {
        allow(status, CANCEL, CANCELLED);
        if (status != ON_HOLD) {
          allow(status, NATIONAL_CONFLICT, ON_HOLD);
        }
      }
    }
    // the real target is the status the card was held from, kept on the card
    allow(ON_HOLD, RELEASE_HOLD, ON_HOLD);
  }

  private CardLifecycle() {}

  private static void allow(CardStatus from, CardEvent event, CardStatus to) {
    TRANSITIONS.computeIfAbsent(from, s -> new EnumMap<>(CardEvent.class)).put(event, to);
  }

  /**
   * @param heldFrom for {@link CardEvent#RELEASE_HOLD}: the status before the hold
   * @throws IllegalCardTransition when {@code event} is not allowed in {@code current}
   */
  public static CardStatus next(CardStatus current, CardEvent event, CardStatus heldFrom) {
    return next(current, event, heldFrom, null);
  }

  /**
   * @param heldFrom for {@link CardEvent#RELEASE_HOLD}: the status before the hold
   * @param lostFrom for {@link CardEvent#FOUND}: the status the card was reported lost from;
   *     null (a card lost before this was recorded) means active
   * @throws IllegalCardTransition when {@code event} is not allowed in {@code current}
   */
  public static CardStatus next(
      CardStatus current, CardEvent event, CardStatus heldFrom, CardStatus lostFrom) {
    CardStatus to = TRANSITIONS.getOrDefault(current, Map.of()).get(event);
    if (to == null) {
      throw new IllegalCardTransition(current, event, allowedEvents(current));
    }
    if (event == RELEASE_HOLD) {
      if (heldFrom == null) {
        throw new IllegalStateException("card on hold without the status it was held from");
      }
      return heldFrom;
    }
    if (event == FOUND) {
      return lostFrom == FROZEN ? FROZEN : ACTIVE;
    }
    return to;
  }

  public static boolean allows(CardStatus current, CardEvent event) {
    return TRANSITIONS.getOrDefault(current, Map.of()).containsKey(event);
  }

  /** Events accepted in {@code status}, in declaration order. */
  public static Set<CardEvent> allowedEvents(CardStatus status) {
    Set<CardEvent> events = new LinkedHashSet<>();
    for (CardEvent event : CardEvent.values()) {
      if (allows(status, event)) {
        events.add(event);
      }
    }
    return Collections.unmodifiableSet(events);
  }
}
