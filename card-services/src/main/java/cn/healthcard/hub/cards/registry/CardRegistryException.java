package cn.healthcard.hub.cards.registry;

/** A request the registry refuses for a business reason; the message is safe to show (no PHI). */
public class CardRegistryException extends RuntimeException {
  public CardRegistryException(String message) {
    super(message);
  }
}
