package cn.healthcard.hub.cards.issuance;

import cn.healthcard.hub.cards.registry.Card;
import java.util.Optional;
import org.hl7.fhir.r4.model.Patient;

/**
 * The people cards belong to, as the FHIR repository holds them (implemented by the application
 * over its Patient DAO): the registry keeps only the Patient id.
 */
public interface CardHolders {
  /**
   * The Patient for this person: the one {@code patient.id} names (it must carry the requested
   * card number or none), else the one carrying the card number, else a new one created from
   * {@code patient}.
   *
   * @return the Patient's logical id
   * @throws cn.healthcard.hub.cards.registry.InvalidCardRequest when the Patient named does not
   *     exist or carries another card number
   * @throws cn.healthcard.hub.cards.registry.NumberHeldByAnotherPatient when the Patient named
   *     carries no card number and another Patient carries the requested one
   */
  String ensurePatient(Patient patient);

  Optional<Patient> read(String patientId);

  /** The id of the Patient carrying this card number, if any (one Patient per number). */
  Optional<String> patientWithCardNumber(String cardNumber);

  /** Shows the card on its Patient (card-number identifier with period and card status). */
  void project(Card card);
}
