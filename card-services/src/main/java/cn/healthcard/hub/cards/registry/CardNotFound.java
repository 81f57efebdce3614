package cn.healthcard.hub.cards.registry;

public class CardNotFound extends CardRegistryException {
  public CardNotFound(String message) {
    super(message);
  }
}
