package cn.healthcard.hub.cards.keyinjection;

import java.util.UUID;

/**
 * Port to the card registry (the card-management system), implemented by the registry.
 *
 * <p>The front end asks {@link #authorize} once per personalization request whose signature,
 * timestamp, freshness and encryption checked out, and calls {@link #recordInjection} once the
 * producer confirmed the injection. Both are called outside any transaction of the front end.
 */
public interface ProductionRegistry {

  /**
   * Is this personalization data legitimate: is there a card with this number in a state that
   * awaits production (a reviewed batch application for a batch card, an on-the-spot issuance
   * for a branch or kiosk card), of this type, in this batch, for this holder, assigned to this
   * producer, and with no other chip already injected?
   */
  InjectionDecision authorize(PersonalizationData data);

  /**
   * The keys are in the card: bind the chip serial, the diversification code and the card
   * certificate's serial (lower-case hex) to the card. Must be idempotent: after a failure the
   * front end may call it again with the same values.
   *
   * @throws KeyInjectionRefused when another chip is already bound to the card (two
   *     personalizations of different chips were authorised concurrently: the first confirmed
   *     wins)
   */
  void recordInjection(UUID cardId, String chipSerial, String diversificationCode, String certificateSerial);
}
