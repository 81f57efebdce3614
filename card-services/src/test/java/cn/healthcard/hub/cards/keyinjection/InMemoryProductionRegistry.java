package cn.healthcard.hub.cards.keyinjection;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@link ProductionRegistry} for tests: cards awaiting production by card number, each with its
 * id, holder name and producer; a card is legitimate when all of these match.
 */
public final class InMemoryProductionRegistry implements ProductionRegistry {

  public record Awaiting(UUID cardId, String name, String producerId) {}

  public record Injection(UUID cardId, String chipSerial, String diversificationCode, String certificateSerial) {}

  private final Map<String, Awaiting> awaiting = new ConcurrentHashMap<>();
  private final List<Injection> injections = new CopyOnWriteArrayList<>();

  /** Registers a card awaiting production; returns its id. */
  public UUID expect(String cardNumber, String name, String producerId) {
    UUID cardId = UUID.randomUUID();
    awaiting.put(cardNumber, new Awaiting(cardId, name, producerId));
    return cardId;
  }

  @Override
  public InjectionDecision authorize(PersonalizationData data) {
    Awaiting card = awaiting.get(data.cardNumber());
    if (card == null) {
      // a careless registry quoting the card number: the front end must mask it
      return InjectionDecision.refused("card " + data.cardNumber() + " is not awaiting production");
    }
    if (!card.name().equals(data.name())) {
      return InjectionDecision.refused("the holder " + data.name() + " does not match");
    }
    if (!card.producerId().equals(data.producerId())) {
      return InjectionDecision.refused("the card is assigned to another producer");
    }
    return InjectionDecision.allowed(card.cardId());
  }

  @Override
  public void recordInjection(
      UUID cardId, String chipSerial, String diversificationCode, String certificateSerial) {
    injections.add(new Injection(cardId, chipSerial, diversificationCode, certificateSerial));
  }

  public List<Injection> injections() {
    return List.copyOf(injections);
  }

  public Optional<Injection> injectionOf(UUID cardId) {
    return injections.stream().filter(i -> i.cardId().equals(cardId)).findFirst();
  }
}
