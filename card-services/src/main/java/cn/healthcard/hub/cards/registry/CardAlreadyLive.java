package cn.healthcard.hub.cards.registry;

/** A second live card for a card number that already has one (any channel). */
public class CardAlreadyLive extends CardRegistryException {
  private final CardStatus existingStatus;
  private final String existingChannel;

  public CardAlreadyLive(CardStatus existingStatus, String existingChannel) {
    super(
        "the card number already has a live card (status '"
            + existingStatus.code()
            + "', issued through '"
            + existingChannel
            + "'); cancel or replace it first");
    this.existingStatus = existingStatus;
    this.existingChannel = existingChannel;
  }

  public CardStatus existingStatus() {
    return existingStatus;
  }

  public String existingChannel() {
    return existingChannel;
  }
}
