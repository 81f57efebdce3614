package cn.healthcard.hub.cards.registry;

import java.util.Set;
import java.util.stream.Collectors;

/** An event the card's current status does not accept; says what it would accept. */
public class IllegalCardTransition extends CardRegistryException {
  private final CardStatus current;
  private final CardEvent event;
  private final Set<CardEvent> allowed;

  public IllegalCardTransition(CardStatus current, CardEvent event, Set<CardEvent> allowed) {
    super(
        "event '"
            + event.code()
            + "' is not allowed for a card in status '"
            + current.code()
            + "'; allowed: "
            + (allowed.isEmpty()
                ? "none (final status)"
                : allowed.stream().map(CardEvent::code).collect(Collectors.joining(", "))));
    this.current = current;
    this.event = event;
    this.allowed = allowed;
  }

  public CardStatus current() {
    return current;
  }

  public CardEvent event() {
    return event;
  }

  public Set<CardEvent> allowed() {
    return allowed;
  }
}
