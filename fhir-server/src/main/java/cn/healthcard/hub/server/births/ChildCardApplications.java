package cn.healthcard.hub.server.births;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import cn.healthcard.hub.cards.issuance.CardIssuance;
import cn.healthcard.hub.cards.registry.CardAlreadyLive;
import cn.healthcard.hub.cards.registry.CardType;
import cn.healthcard.hub.cards.registry.Channel;
import cn.healthcard.hub.cards.registry.ChildCardAlreadyWaiting;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.cards.registry.NotAuthorised;
import cn.healthcard.hub.mappings.birth.BirthReportShape;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The card side of a birth, after the birth is stored: the child's card is applied for at the
 * card platform (batch channel, child card, the birth institution as the service point; the ID
 * number comes later with household registration) and the mother's Patient, when she has one,
 * is linked to the RelatedPerson that represents her as the child's mother. Driven by {@code
 * hub.birth_registration} (an outbox): survives restarts, retries what cannot be done yet (the
 * child not stored yet, the institution not registered yet), every {@link #INTERVAL}.
 */
public class ChildCardApplications implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ChildCardApplications.class);
  public static final Duration INTERVAL = Duration.ofSeconds(2);
  /** A birth whose report never got stored (it failed after its identifier was allocated). */
  static final Duration NEVER_STORED = Duration.ofMinutes(30);
  static final Duration INSTITUTION_RETRY = Duration.ofMinutes(1);

  private final BirthRegistrations registrations;
  private final CardIssuance issuance;
  private final DaoRegistry daos;
  private ScheduledExecutorService executor;

  public ChildCardApplications(BirthRegistrations registrations, CardIssuance issuance, DaoRegistry daos) {
    this.registrations = registrations;
    this.issuance = issuance;
    this.daos = daos;
  }

  /** Handles every due birth once; how many were handled. */
  public synchronized int drainOnce() {
    List<BirthRegistrations.Pending> due = registrations.due(50);
    for (BirthRegistrations.Pending birth : due) {
      try {
        handle(birth);
      } catch (RuntimeException e) {
        Duration delay = backoff(birth.attempts());
        registrations.later(birth.id(), null, "failed: " + e.getClass().getSimpleName(), delay);
        log.warn("Birth {}: card application failed ({}); next attempt in {}", birth.id(),
            e.getClass().getSimpleName(), delay);
      }
    }
    return due.size();
  }

  private void handle(BirthRegistrations.Pending birth) {
    Optional<Patient> child = one(Patient.class, birth.id().toString());
    if (child.isEmpty()) {
      if (birth.createdAt().plus(NEVER_STORED).isBefore(Instant.now())) {
        registrations.abandoned(birth.id(), "the birth report was never stored");
      } else {
        registrations.later(birth.id(), null, "waiting for the birth to be stored", INTERVAL);
      }
      return;
    }
    String childId = child.get().getIdElement().getIdPart();
    if (birth.motherHasCard() && !birth.motherLinked()) {
      linkMother(birth);
    }
    if (birth.institution() == null) {
      registrations.notApplicable(birth.id(), childId,
          "the report names no card institution (" + BirthReportShape.INSTITUTION_SYSTEM + "): apply with $issue-card");
      return;
    }
    Patient applicant = new Patient();
    applicant.setId(childId);
    child.get().getIdentifier().forEach(applicant::addIdentifier);
    try {
      CardIssuance.Issued issued = issuance.issue(new CardIssuance.Request(
          Channel.BATCH, applicant, birth.institution(), null, CardType.CHILD, null));
      registrations.applied(birth.id(), childId, issued.card().id(), "applied, review task " + issued.taskId());
      log.info("Birth {}: child card applied for ({})", birth.id(), issued.card().id());
    } catch (ChildCardAlreadyWaiting e) {
      registrations.applied(birth.id(), childId, null, "a child card was already applied for");
    } catch (CardAlreadyLive e) {
      registrations.notApplicable(birth.id(), childId, "the child already has a live card");
    } catch (NotAuthorised e) {
      registrations.later(birth.id(), childId, "institution not registered as a service point: " + e.getMessage(),
          INSTITUTION_RETRY);
    } catch (InvalidCardRequest e) {
      registrations.notApplicable(birth.id(), childId, "refused by the card platform: " + e.getMessage());
    }
  }

  /** The mother's Patient gets a {@code seealso} link to the RelatedPerson that is her, as this child's mother. */
  private void linkMother(BirthRegistrations.Pending birth) {
    Optional<RelatedPerson> relatedPerson = one(RelatedPerson.class, birth.id() + "/mother");
    Optional<Patient> mother = byIdentifier(Patient.class, birth.motherSystem(), birth.motherValue());
    if (relatedPerson.isEmpty() || mother.isEmpty()) {
      return;
    }
    String target = "RelatedPerson/" + relatedPerson.get().getIdElement().getIdPart();
    Patient patient = mother.get();
    boolean linked = patient.getLink().stream().anyMatch(l -> target.equals(l.getOther().getReference()));
    if (!linked) {
      patient.addLink().setType(Patient.LinkType.SEEALSO).setOther(new Reference(target));
      daos.getResourceDao(Patient.class).update(patient, new SystemRequestDetails());
    }
    registrations.motherLinked(birth.id());
  }

  private <T extends IBaseResource> Optional<T> one(Class<T> type, String birthIdentifier) {
    return byIdentifier(type, BirthReportShape.BIRTH_SYSTEM, birthIdentifier);
  }

  private <T extends IBaseResource> Optional<T> byIdentifier(Class<T> type, String system, String value) {
    IFhirResourceDao<T> dao = daos.getResourceDao(type);
    SearchParameterMap map = SearchParameterMap.newSynchronous("identifier", new TokenParam(system, value));
    List<IBaseResource> found = dao.search(map, new SystemRequestDetails()).getResources(0, 2);
    return found.isEmpty() ? Optional.empty() : Optional.of(type.cast(found.get(0)));
  }

  private static Duration backoff(int attempts) {
    return Duration.ofSeconds(Math.min(600, 2L << Math.min(attempts, 8)));
  }

  @Override
  public synchronized void start() {
    executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "child-card-applications");
      t.setDaemon(true);
      return t;
    });
    executor.scheduleWithFixedDelay(() -> {
      try {
        drainOnce();
      } catch (RuntimeException e) {
        log.warn("Child-card applications: pass failed ({})", e.getClass().getSimpleName());
      }
    }, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
