package cn.healthcard.hub.cards.keyinjection;

import java.util.UUID;

/** The card registry's answer to "may this card be personalized?". */
public sealed interface InjectionDecision {

  /** Personalize it: {@code cardId} is the registry's id of the card, used as certificate subject. */
  record Allowed(UUID cardId) implements InjectionDecision {
    public Allowed {
      if (cardId == null) {
        throw new IllegalArgumentException("an allowed injection needs the card id");
      }
    }
  }

  /**
   * Do not. The reason is shown to the producer and stored (with any card number or name in it
   * masked by the front end).
   */
  record Refused(String reason) implements InjectionDecision {}

  static InjectionDecision allowed(UUID cardId) {
    return new Allowed(cardId);
  }

  static InjectionDecision refused(String reason) {
    return new Refused(reason);
  }
}
