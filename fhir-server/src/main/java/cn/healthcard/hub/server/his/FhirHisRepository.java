package cn.healthcard.hub.server.his;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IReplaceReferencesSvc;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.replacereferences.ReplaceReferencesRequest;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.storage.IResourcePersistentId;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import cn.healthcard.hub.mappings.hl7v2.MappedMessage;
import cn.healthcard.hub.mappings.hl7v2.PatientMerge;
import cn.healthcard.hub.server.births.BirthReportIntake;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.routes.his.HisInbox.Status;
import cn.healthcard.hub.routes.his.HisRepository;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import jakarta.persistence.EntityManager;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a mapped HL7 v2 message into the FHIR repository: the inbox row is locked, the
 * transaction Bundle (reconciled with what is stored, see {@link StoredStateReconciler}) and any
 * patient merges are written, and the row is marked stored, all in one database transaction.
 */
public final class FhirHisRepository implements HisRepository {
  private static final Logger log = LoggerFactory.getLogger(FhirHisRepository.class);

  private final TransactionTemplate transactions;
  private final IFhirSystemDao<Bundle, Meta> systemDao;
  private final DaoRegistry daoRegistry;
  private final MatchUrlService matchUrls;
  private final IReplaceReferencesSvc replaceReferences;
  private final JdbcHisInbox inbox;
  private final StoredStateReconciler reconciler;
  private final EntityManager entityManager;

  public FhirHisRepository(
      TransactionTemplate transactions,
      IFhirSystemDao<Bundle, Meta> systemDao,
      DaoRegistry daoRegistry,
      MatchUrlService matchUrls,
      IReplaceReferencesSvc replaceReferences,
      JdbcHisInbox inbox,
      EventTimes eventTimes,
      EntityManager entityManager,
      BirthReportIntake births,
      HisStoreAudit audit) {
    this.audit = audit;
    this.entityManager = entityManager;
    this.births = births;
    this.transactions = transactions;
    this.systemDao = systemDao;
    this.daoRegistry = daoRegistry;
    this.matchUrls = matchUrls;
    this.replaceReferences = replaceReferences;
    this.inbox = inbox;
    this.duplicateDoses = new DuplicateDoses(this::findOne, this::search, this::lockPerson);
    this.reconciler = new StoredStateReconciler(
        this::findOne, eventTimes, daoRegistry.getFhirContext().newJsonParser());
  }

  private final DuplicateDoses duplicateDoses;
  private final BirthReportIntake births;
  private final HisStoreAudit audit;

  /** Attempts when concurrent messages create the same Organization, Location or Patient. */
  private static final int CONFLICT_ATTEMPTS = 5;

  @Override
  public boolean store(long inboxId, MappedMessage message) {
    for (int attempt = 1; ; attempt++) {
      try {
        return storeOnce(inboxId, message);
      } catch (ResourceVersionConflictException | DataIntegrityViolationException e) {
        // two workers created the same conditional target at once: the loser's whole
        // transaction rolled back, and the target now exists, so trying again succeeds
        if (attempt >= CONFLICT_ATTEMPTS) {
          throw e;
        }
        sleepQuietly(ThreadLocalRandom.current().nextLong(5, 25L * attempt));
      }
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean storeOnce(long inboxId, MappedMessage message) {
    boolean merges = !message.merges().isEmpty();
    Boolean stored = transactions.execute(status -> {
      Status current = inbox.lockStatus(inboxId)
          .orElseThrow(() -> new IllegalStateException("no inbox row " + inboxId));
      if (current == Status.STORED) {
        return false;
      }
      for (PatientMerge merge : message.merges()) {
        releaseCardNumbers(merge);
      }
      Bundle transaction = duplicateDoses.resolve(reconciler.reconcile(message.transaction().copy()), message.doses());
      // HAPI runs its transaction-processing hooks only for top-level transactions
      births.prepare(transaction);
      // nested: HAPI joins this transaction, so the write and the inbox status commit together
      // the sending facility treats the patients of its messages (read access for its clinicians)
      SystemRequestDetails writer = new SystemRequestDetails();
      writer.getUserData().put(cn.healthcard.hub.server.security.CareRelationshipRecorder.WRITING_INSTITUTION,
          message.key().sendingFacility());
      Bundle response = systemDao.transactionNested(writer, transaction);
      audit.stored(message, response);
      if (!merges) {
        inbox.markStored(inboxId);
      }
      return true;
    });
    if (Boolean.TRUE.equals(stored) && merges) {
      // HAPI's replace-references runs its own transactions, so it cannot join the one above. The
      // row stays RECEIVED until the references have moved: if the hub stops in between, the
      // message is processed again, and every step of it is idempotent (conditional writes,
      // fixed ids, references already moved stay moved).
      for (PatientMerge merge : message.merges()) {
        merge(merge);
      }
      inbox.markStored(inboxId);
    }
    return Boolean.TRUE.equals(stored);
  }

  /**
   * The card number belongs to the person, who survives: before the merge transaction gives it
   * to the surviving record, the record that goes gives it up (in its own flushed write, so the
   * unique card index never sees both).
   */
  private void releaseCardNumbers(PatientMerge merge) {
    Optional<IBaseResource> goes = findOne("Patient?" + SearchUrls.identifierQuery(merge.nonSurviving()));
    if (goes.isEmpty() || !(goes.get() instanceof Patient patient)) {
      return;
    }
    boolean removed = patient.getIdentifier().removeIf(i -> ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(i.getSystem()));
    if (!removed) {
      return;
    }
    Bundle release = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    String id = "Patient/" + patient.getIdElement().getIdPart();
    patient.setId(id);
    release.addEntry().setResource(patient).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(id);
    systemDao.transactionNested(new SystemRequestDetails(), release);
    // HAPI's entities for that Patient (its unique card index row is gone) must not be reused by
    // the merge transaction that follows in this same database transaction
    entityManager.flush();
    entityManager.clear();
  }

  /** Moves every reference from the non-surviving Patient to the survivor (HAPI's service). */
  private void merge(PatientMerge merge) {
    Optional<IBaseResource> survivor = findOne("Patient?" + SearchUrls.identifierQuery(merge.surviving()));
    Optional<IBaseResource> goes = findOne("Patient?" + SearchUrls.identifierQuery(merge.nonSurviving()));
    if (survivor.isEmpty() || goes.isEmpty()) {
      throw new IllegalStateException("merge: " + (survivor.isEmpty() ? "surviving" : "non-surviving") + " patient not found");
    }
    if (survivor.get().getIdElement().getIdPart().equals(goes.get().getIdElement().getIdPart())) {
      return;
    }
    var request = new ReplaceReferencesRequest(
        goes.get().getIdElement().toUnqualifiedVersionless(),
        survivor.get().getIdElement().toUnqualifiedVersionless(),
        10_000,
        RequestPartitionId.defaultPartition(),
        false,
        List.of());
    replaceReferences.replaceReferences(request, new SystemRequestDetails());
    log.info("Merged Patient/{} into Patient/{}", goes.get().getIdElement().getIdPart(), survivor.get().getIdElement().getIdPart());
  }

  /** A lock on one person until the current transaction ends (PostgreSQL advisory lock). */
  void lockPerson(String patientReference) {
    entityManager
        .createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtext(:key))) locked")
        .setParameter("key", "immunization-doses:" + patientReference)
        .getSingleResult();
  }

  /** Every stored resource a search URL matches (small result sets: a person's doses of a day). */
  List<IBaseResource> search(String url) {
    String type = url.substring(0, url.indexOf('?'));
    @SuppressWarnings("unchecked")
    IFhirResourceDao<IBaseResource> dao = (IFhirResourceDao<IBaseResource>) daoRegistry.getResourceDao(type);
    SearchParameterMap map = matchUrls.translateMatchUrl(url, daoRegistry.getFhirContext().getResourceDefinition(type));
    map.setLoadSynchronous(true);
    map.setCount(50);
    return dao.search(map, new SystemRequestDetails()).getResources(0, 50);
  }

  /** The one stored resource a conditional URL matches, if any (more than one is an error). */
  Optional<IBaseResource> findOne(String conditionalUrl) {
    String type = conditionalUrl.substring(0, conditionalUrl.indexOf('?'));
    @SuppressWarnings("unchecked")
    IFhirResourceDao<IBaseResource> dao = (IFhirResourceDao<IBaseResource>) daoRegistry.getResourceDao(type);
    SearchParameterMap map = matchUrls.translateMatchUrl(conditionalUrl, daoRegistry.getFhirContext().getResourceDefinition(type));
    map.setLoadSynchronous(true);
    map.setCount(2);
    // ids, then one read by id: a full search (registered, loaded through the paging and include
    // machinery) was a fifth of a HIS worker's CPU, and this runs for every conditional entry
    List<IResourcePersistentId<?>> found = dao.searchForIds(map, new SystemRequestDetails());
    if (found.size() > 1) {
      throw new IllegalStateException(type + " conditional URL matches " + found.size() + " resources");
    }
    return found.stream().findFirst().map(dao::readByPid);
  }
}
