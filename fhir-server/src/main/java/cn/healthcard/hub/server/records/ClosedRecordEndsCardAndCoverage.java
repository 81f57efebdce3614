package cn.healthcard.hub.server.records;

import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.insurance.Insurance;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.Optional;
import org.hl7.fhir.r4.model.Patient;

/**
 * A record cancelled for death or emigration ends the person's live card through the card
 * platform's lifecycle (event {@code cancel} with the reason, in the card's history with the
 * actor) and their scheme enrolments: a card left live after death is exactly what fund
 * supervision exists to stop.
 */
final class ClosedRecordEndsCardAndCoverage implements RecordOperations.RecordClosed {
  private final CardRegistry cards;
  private final Insurance insurance;

  ClosedRecordEndsCardAndCoverage(CardRegistry cards, Insurance insurance) {
    this.cards = cards;
    this.insurance = insurance;
  }

  @Override
  public void closed(Patient patient, String reason, String actor) {
    if (!"death".equals(reason) && !"emigration".equals(reason)) {
      return;
    }
    Optional<String> card = patient.getIdentifier().stream()
        .filter(i -> ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(i.getSystem()) && i.hasValue())
        .map(i -> i.getValue()).findFirst();
    if (card.isEmpty()) {
      return;
    }
    Optional<Card> live = cards.live(card.get());
    if (live.isPresent()) {
      cards.apply(live.get().id(), CardEvent.CANCEL, actor, reason);
    }
    insurance.personLeft(card.get());
  }
}
