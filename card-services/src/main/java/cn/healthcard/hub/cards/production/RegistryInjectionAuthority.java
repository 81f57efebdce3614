package cn.healthcard.hub.cards.production;

import cn.healthcard.hub.cards.issuance.CardHolders;
import cn.healthcard.hub.cards.keyinjection.InjectionDecision;
import cn.healthcard.hub.cards.keyinjection.KeyInjectionRefused;
import cn.healthcard.hub.cards.keyinjection.PersonalizationData;
import cn.healthcard.hub.cards.keyinjection.ProductionRegistry;
import cn.healthcard.hub.cards.keyinjection.RefusalCode;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardNotFound;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.Channel;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.sql.PreparedStatement;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;

/**
 * The registry's side of key injection: whether personalization data is legitimate, and the
 * binding of the injected chip, diversification code and certificate to the card.
 *
 * <p>Legitimate means: the card number has a live card of that type; a batch card is in
 * production in the batch named, and the producer is a card factory; a card issued on the spot
 * (bank branch, kiosk) is personalized by the institution that issued it, for the chip it
 * handed over; no other chip has had keys injected for the card; and the name is the holder's.
 */
public class RegistryInjectionAuthority implements ProductionRegistry {
  private final CardRegistry registry;
  private final CardHolders holders;
  private final java.util.function.Function<String, Optional<String>> institutionKinds;

  public RegistryInjectionAuthority(
      CardRegistry registry,
      CardHolders holders,
      java.util.function.Function<String, Optional<String>> institutionKinds) {
    this.registry = registry;
    this.holders = holders;
    this.institutionKinds = institutionKinds;
  }

  @Override
  public InjectionDecision authorize(PersonalizationData data) {
    Optional<ResidentIdNumber> number = ResidentIdNumber.tryParse(data.cardNumber());
    if (number.isEmpty()) {
      return InjectionDecision.refused("the card number is not a valid resident ID number");
    }
    Optional<Card> found = registry.live(number.get().value());
    if (found.isEmpty()) {
      return InjectionDecision.refused("no live card is registered for this card number");
    }
    Card card = found.get();
    if (!card.type().code().equals(data.cardType())) {
      return InjectionDecision.refused("the card is a " + card.type().code() + " card, not " + data.cardType());
    }
    if (data.chipSerial() == null || data.chipSerial().isBlank()) {
      return InjectionDecision.refused("the chip serial is missing");
    }
    if (card.diversificationCode() != null && !data.chipSerial().equals(card.chipSerial())) {
      return InjectionDecision.refused("keys were already injected into another chip for this card");
    }
    if (card.channel() == Channel.BATCH || card.batchId() != null) {
      if (card.status() != CardStatus.IN_PRODUCTION) {
        return InjectionDecision.refused("the card is " + card.status().code() + ", not in production");
      }
      if (!Objects.equals(String.valueOf(card.batchId()), data.batchId())) {
        return InjectionDecision.refused("the card is not in production batch " + data.batchId());
      }
      if (!institutionKinds.apply(data.producerId()).filter("card-factory"::equals).isPresent()) {
        return InjectionDecision.refused("producer " + data.producerId() + " is not a card factory");
      }
      if (card.chipSerial() == null) {
        // a free chip: make sure no other card holds it before keys are derived for it
        Optional<Card> holder = registry.byChipSerial(data.chipSerial());
        if (holder.isPresent() && !holder.get().id().equals(card.id())) {
          return InjectionDecision.refused("the chip serial belongs to another card");
        }
      }
    } else {
      if (data.batchId() != null && !data.batchId().isBlank()) {
        return InjectionDecision.refused("a card issued on the spot is not in a production batch");
      }
      if (card.status() != CardStatus.ACTIVE && card.status() != CardStatus.AWAITING_ACTIVATION) {
        return InjectionDecision.refused("the card is " + card.status().code());
      }
      if (!card.institution().equals(data.producerId())) {
        return InjectionDecision.refused("the card was issued by another institution");
      }
      if (!data.chipSerial().equals(card.chipSerial())) {
        return InjectionDecision.refused("the chip serial is not the one issued with the card");
      }
    }
    if (!nameMatches(card, data.name())) {
      return InjectionDecision.refused("the name is not the card holder's");
    }
    return InjectionDecision.allowed(card.id());
  }

  private boolean nameMatches(Card card, String name) {
    if (card.patientId() == null) {
      return true;
    }
    Optional<Patient> patient = holders.read(card.patientId());
    if (patient.isEmpty() || !patient.get().hasName()) {
      return true;
    }
    if (name == null) {
      return false;
    }
    String wanted = name.replace(" ", "");
    for (HumanName candidate : patient.get().getName()) {
      String text = candidate.hasText() ? candidate.getText().replace(" ", "") : null;
      String parts = (candidate.getFamily() == null ? "" : candidate.getFamily()) + candidate.getGivenAsSingleString().replace(" ", "");
      if (wanted.equals(text) || wanted.equals(parts)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void recordInjection(
      UUID cardId, String chipSerial, String diversificationCode, String certificateSerial) {
    registry.inTransaction(
        tx -> {
          Card card =
              tx.one("select " + CardRegistry.COLUMNS + " from hub.card where id = ? for update", cardId)
                  .orElseThrow(() -> new CardNotFound("no card " + cardId));
          if (chipSerial.equals(card.chipSerial())
              && diversificationCode.equals(card.diversificationCode())
              && Objects.equals(certificateSerial, card.certificateSerial())) {
            return card;
          }
          // decided under the row lock: of two personalizations of different chips authorised
          // at the same time, only the first confirmed is bound to the card
          if (card.chipSerial() != null && !chipSerial.equals(card.chipSerial())) {
            throw new KeyInjectionRefused(
                RefusalCode.NOT_LEGITIMATE,
                card.diversificationCode() != null
                    ? "keys were already injected into another chip for this card"
                    : "the chip serial is not the one bound to the card",
                null);
          }
          try (PreparedStatement statement =
              tx.connection()
                  .prepareStatement(
                      "update hub.card set chip_serial = ?, diversification_code = ?,"
                          + " certificate_serial = ?, updated_at = now() where id = ?")) {
            statement.setString(1, chipSerial);
            statement.setString(2, diversificationCode);
            statement.setString(3, certificateSerial);
            statement.setObject(4, cardId);
            statement.executeUpdate();
          }
          tx.recordEvent(
              cardId, CardEvent.KEYS_INJECTED.code(), card.status(), card.status(), "key-injection",
              "keys injected, diversification code " + diversificationCode);
          return card;
        });
  }
}
