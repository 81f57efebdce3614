package cn.healthcard.hub.server.cards;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import jakarta.persistence.EntityManager;
import java.util.Optional;
import org.hibernate.Session;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * The card shown on a Patient's card-number identifier (validity period and status) belongs to
 * the card platform: whoever writes the Patient (a hospital's PUT built from a copy read before
 * the card was frozen, an ADT update, a merge), what is stored shows the registry's current card.
 * Updates also take the Patient's write lock, so the card projection and a hospital's update of
 * the same Patient run one after the other.
 */
@Interceptor
public class CardShownOnPatient {
  private final CardRegistry registry;
  private final EntityManager entityManager;
  private final PatientWriteLock lock;

  public CardShownOnPatient(CardRegistry registry, EntityManager entityManager) {
    this.registry = registry;
    this.entityManager = entityManager;
    this.lock = new PatientWriteLock(entityManager);
  }

  /** The number's current card, read on the connection of the FHIR write under way. */
  static Optional<Card> currentCard(EntityManager entityManager, CardRegistry registry, String cardNumber) {
    return entityManager
        .unwrap(Session.class)
        .doReturningWork(connection -> registry.current(connection, cardNumber));
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void beforeCreate(IBaseResource resource) {
    if (resource instanceof Patient patient) {
      showRegistryCards(patient);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void beforeUpdate(IBaseResource oldResource, IBaseResource newResource) {
    if (newResource instanceof Patient patient) {
      if (patient.getIdElement().hasIdPart()) {
        lock.lock(patient.getIdElement().getIdPart());
      }
      showRegistryCards(patient);
    }
  }

  private void showRegistryCards(Patient patient) {
    for (Identifier identifier : patient.getIdentifier()) {
      if (!ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(identifier.getSystem()) || !identifier.hasValue()) {
        continue;
      }
      String number;
      try {
        number = ResidentIdNumber.parse(identifier.getValue()).value();
      } catch (InvalidResidentIdNumberException e) {
        continue; // the identity interceptor answers for it
      }
      currentCard(entityManager, registry, number).ifPresent(card -> FhirCardHolders.showCard(identifier, card));
    }
  }
}
