package cn.healthcard.hub.server.cards;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import cn.healthcard.hub.cards.issuance.CardHolders;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.cards.registry.NumberHeldByAnotherPatient;
import cn.healthcard.hub.cards.review.ReviewState;
import cn.healthcard.hub.cards.review.ReviewTasks;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import jakarta.persistence.EntityManager;
import jakarta.persistence.OptimisticLockException;
import jakarta.persistence.PessimisticLockException;
import java.sql.Date;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The card platform's view of the FHIR repository: the Patient a card belongs to (found by card
 * number or created), the card shown on that Patient's card-number identifier (validity period and
 * status), and the review Task of each batch application.
 */
public class FhirCardHolders implements CardHolders, ReviewTasks {
  /** Identifier system of the institutions taking part in issuance. */
  public static final String INSTITUTION_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/card-institution";
  public static final String CARD_STATUS_EXTENSION =
      HubCodeSystems.BASE + "/StructureDefinition/health-card-status";
  public static final String REVIEW_TASK_CODE_SYSTEM = HubCodeSystems.BASE + "/CodeSystem/card-task";
  public static final String REVIEW_STATE_SYSTEM = HubCodeSystems.BASE + "/CodeSystem/card-application-review";

  static final String PATIENT_ID = "Parameters.parameter[patient].resource.id";
  /** Attempts of a card projection that meets concurrent updates of its Patient. */
  static final int PROJECTION_ATTEMPTS = 8;

  private final DaoRegistry daos;
  private final CardRegistry registry;
  private final TransactionTemplate transactions;
  private final EntityManager entityManager;
  private final PatientWriteLock lock;

  public FhirCardHolders(
      DaoRegistry daos, CardRegistry registry, TransactionTemplate transactions, EntityManager entityManager) {
    this.daos = daos;
    this.registry = registry;
    this.transactions = transactions;
    this.entityManager = entityManager;
    this.lock = new PatientWriteLock(entityManager);
  }

  private IFhirResourceDao<Patient> patients() {
    return daos.getResourceDao(Patient.class);
  }

  @Override
  public String ensurePatient(Patient patient) {
    Optional<String> number =
        patient.getIdentifier().stream()
            .filter(i -> ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(i.getSystem()))
            .map(Identifier::getValue)
            .findFirst()
            .map(value -> ResidentIdNumber.parse(value).value());
    if (patient.hasIdElement() && patient.getIdElement().hasIdPart()) {
      String id = patient.getIdElement().getIdPart();
      Patient stored =
          read(id)
              .orElseThrow(
                  () ->
                      new InvalidCardRequest(
                          PATIENT_ID, "no Patient " + id + " in the repository"));
      List<String> carried = cardNumbers(stored);
      if (!carried.isEmpty() && (number.isEmpty() || !carried.contains(number.get()))) {
        // the card would be issued to one person and shown on another
        throw new InvalidCardRequest(
            PATIENT_ID,
            number.isEmpty()
                ? "the Patient named carries a health-card number: give it in the request"
                : "the Patient named carries a different health-card number");
      }
      if (carried.isEmpty() && number.isPresent()) {
        Optional<String> holder = patientWithCardNumber(number.get());
        if (holder.isPresent() && !holder.get().equals(id)) {
          throw new NumberHeldByAnotherPatient(holder.get());
        }
      }
      return id;
    }
    if (number.isPresent()) {
      String query = "Patient?identifier=" + ResidentIdNumber.HEALTH_CARD_SYSTEM + "|" + number.get();
      // conditional create: concurrent issuance for one new person ends with one Patient; the
      // losers of the race on the unique index find the winner's Patient on the next attempt
      for (int attempt = 1; ; attempt++) {
        try {
          return patients().create(patient, query, new SystemRequestDetails()).getId().getIdPart();
        } catch (ResourceVersionConflictException e) {
          if (attempt >= 5) {
            throw e;
          }
        }
      }
    }
    return patients().create(patient, new SystemRequestDetails()).getId().getIdPart();
  }

  @Override
  public Optional<Patient> read(String patientId) {
    try {
      return Optional.of(patients().read(new IdType("Patient", patientId), new SystemRequestDetails()));
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
  }

  @Override
  public Optional<String> patientWithCardNumber(String cardNumber) {
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add(Patient.SP_IDENTIFIER, new TokenParam(ResidentIdNumber.HEALTH_CARD_SYSTEM, cardNumber));
    map.setCount(2);
    List<IBaseResource> found = patients().search(map, new SystemRequestDetails()).getResources(0, 2);
    return found.stream().findFirst().map(r -> r.getIdElement().getIdPart());
  }

  private static List<String> cardNumbers(Patient patient) {
    return patient.getIdentifier().stream()
        .filter(i -> ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(i.getSystem()))
        .map(Identifier::getValue)
        .filter(v -> v != null && !v.isBlank())
        .toList();
  }

  /**
   * Shows the number's current card on its Patient: in one transaction that holds the Patient's
   * write lock, reads the number's current card and the Patient, and writes the Patient at the
   * version read. Every other update of the Patient takes the same lock ({@link
   * CardShownOnPatient}), so a hospital's concurrent update is neither overwritten nor able to
   * make the projection lose (with optimistic retries alone it did, several times in a row, while
   * a hospital kept updating the Patient). A conflict that is left (a writer that locked two
   * Patients in the other order) is retried.
   */
  @Override
  public void project(Card card) {
    if (card.patientId() == null || card.cardNumber() == null) {
      return;
    }
    for (int attempt = 1; ; attempt++) {
      try {
        transactions.executeWithoutResult(status -> showCurrentCard(card));
        return;
      } catch (RuntimeException e) {
        // a conflict that stays (the unique card-number index) fails every attempt
        if (attempt >= PROJECTION_ATTEMPTS || !isConcurrentWrite(e)) {
          throw e;
        }
        pauseBeforeRetry(attempt);
      }
    }
  }

  private void showCurrentCard(Card card) {
    String patientId = card.patientId();
    lock.lock(patientId);
    Patient patient = read(patientId).orElse(null);
    if (patient == null || !cardNumbers(patient).contains(card.cardNumber())) {
      // the card follows its number: after a merge (ADT^A40) the number is on the surviving
      // Patient, while the registry still names the Patient the card was issued to
      Optional<String> holder = patientWithCardNumber(card.cardNumber()).filter(id -> !id.equals(card.patientId()));
      if (holder.isPresent()) {
        patientId = holder.get();
        lock.lock(patientId);
        patient = read(patientId).orElse(null);
      }
    }
    // the number's current card decides what the Patient shows, whichever change came last
    Card current = CardShownOnPatient.currentCard(entityManager, registry, card.cardNumber()).orElse(card);
    if (patient == null || !showCard(patient, current)) {
      return;
    }
    patient.setId(new IdType("Patient", patientId, patient.getIdElement().getVersionIdPart()));
    patients().update(patient, new SystemRequestDetails());
  }

  private static boolean isConcurrentWrite(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ResourceVersionConflictException
          || t instanceof ConcurrencyFailureException
          || t instanceof OptimisticLockException
          || t instanceof PessimisticLockException) {
        return true;
      }
    }
    return false;
  }

  /** A short, jittered pause, so two writers that collided do not collide again at once. */
  private static void pauseBeforeRetry(int attempt) {
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(5, 20L * attempt + 6));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Puts the card's period and status on the Patient's card identifier; false when already shown. */
  private static boolean showCard(Patient patient, Card current) {
    Identifier identifier =
        patient.getIdentifier().stream()
            .filter(i -> ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(i.getSystem()))
            .filter(i -> current.cardNumber().equals(i.getValue()))
            .findFirst()
            .orElseGet(
                () ->
                    patient
                        .addIdentifier()
                        .setSystem(ResidentIdNumber.HEALTH_CARD_SYSTEM)
                        .setValue(current.cardNumber()));
    return showCard(identifier, current);
  }

  /** Puts the card's period and status on a card-number identifier; false when already shown. */
  static boolean showCard(Identifier identifier, Card current) {
    Period period = new Period();
    if (current.issuedOn() != null) {
      period.setStart(Date.valueOf(current.issuedOn()));
    }
    if (current.expiresOn() != null) {
      period.setEnd(Date.valueOf(current.expiresOn()));
    }
    Coding status = new Coding(HubCodeSystems.CARD_STATUS, current.status().code(), null);
    boolean unchanged =
        identifier.getPeriod().equalsDeep(period)
            && identifier.getExtensionByUrl(CARD_STATUS_EXTENSION) != null
            && identifier.getExtensionByUrl(CARD_STATUS_EXTENSION).getValue().equalsDeep(status);
    if (unchanged) {
      return false;
    }
    identifier.setPeriod(period.isEmpty() ? null : period);
    identifier.removeExtension(CARD_STATUS_EXTENSION);
    identifier.addExtension(CARD_STATUS_EXTENSION, status);
    return true;
  }

  @Override
  public void project(
      String taskId, Card card, String servicePoint, ReviewState state, ReviewStep lastStep) {
    Task task = new Task();
    task.setId(taskId);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setStatus(
        switch (state) {
          case AWAITING_CITY -> Task.TaskStatus.REQUESTED;
          case AWAITING_PROVINCE -> Task.TaskStatus.INPROGRESS;
          case APPROVED -> Task.TaskStatus.COMPLETED;
          case REJECTED -> Task.TaskStatus.REJECTED;
          case WITHDRAWN -> Task.TaskStatus.CANCELLED;
        });
    task.setBusinessStatus(
        new CodeableConcept(new Coding(REVIEW_STATE_SYSTEM, state.code(), null)));
    task.setCode(
        new CodeableConcept(
            new Coding(REVIEW_TASK_CODE_SYSTEM, "card-application-review", "Health card application review")));
    task.setDescription("Review of a batch health-card application (city, then province)");
    if (card.patientId() != null) {
      task.setFor(new Reference("Patient/" + card.patientId()));
    }
    task.setRequester(
        new Reference()
            .setIdentifier(new Identifier().setSystem(INSTITUTION_SYSTEM).setValue(servicePoint)));
    task.setAuthoredOn(java.util.Date.from(card.createdAt()));
    task.setLastModified(java.util.Date.from(Instant.now()));
    task.addInput()
        .setType(new CodeableConcept(new Coding(REVIEW_TASK_CODE_SYSTEM, "card", "Card registry id")))
        .setValue(new StringType(card.id().toString()));
    if (state == ReviewState.WITHDRAWN) {
      task.setStatusReason(new CodeableConcept().setText("withdrawn: the card was cancelled"));
    }
    if (lastStep != null) {
      task.addNote(
          new Annotation()
              .setAuthor(new StringType(lastStep.reviewer()))
              .setTime(java.util.Date.from(Instant.now()))
              .setText(
                  lastStep.level().code()
                      + " review: "
                      + lastStep.decision().code()
                      + (lastStep.reason() == null ? "" : " (" + lastStep.reason() + ")")));
      if (state == ReviewState.REJECTED && lastStep.reason() != null) {
        task.setStatusReason(new CodeableConcept().setText(lastStep.reason()));
      }
    }
    Task previous = readTask(taskId);
    if (previous != null) {
      // keep earlier review notes: the Task tells the whole review story
      List<Annotation> notes = new java.util.ArrayList<>(previous.getNote());
      notes.addAll(task.getNote());
      task.setNote(notes);
    }
    daos.getResourceDao(Task.class).update(task, new SystemRequestDetails());
  }

  private Task readTask(String taskId) {
    try {
      IBaseResource found = daos.getResourceDao(Task.class).read(new IdType("Task", taskId), new SystemRequestDetails());
      return (Task) found;
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return null;
    }
  }

}
