package cn.healthcard.hub.server.security;

import cn.healthcard.hub.mappings.hl7v2.datatype.Sender;
import cn.healthcard.hub.mappings.hl7v2.ref.ReferralToFhir;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.fhir.CareRelationships;
import cn.healthcard.hub.security.fhir.PatientOwners;
import cn.healthcard.hub.security.fhir.RequestCallers;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;

/**
 * An institution that writes to a patient's record (a hospital's REST write, or an HL7 v2
 * message whose MSH-4 is the institution) treats that patient from then on: the relationship
 * is recorded in the same database transaction as the write, so a hospital can read back at once
 * what it has just written.
 */
@Interceptor
public final class CareRelationshipRecorder {
  /** Set on the request of work done for an institution without a token (the HL7 v2 workers). */
  public static final String WRITING_INSTITUTION = CareRelationshipRecorder.class.getName() + ".institution";
  private static final String SEEN = CareRelationshipRecorder.class.getName() + ".seen";

  private final PatientOwners owners;
  private final CareRelationships care;
  private final Clock clock;

  public CareRelationshipRecorder(FhirContext fhir, CareRelationships care, Clock clock) {
    this.owners = new PatientOwners(fhir);
    this.care = care;
    this.clock = clock;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    record(resource, request);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    record(resource, request);
  }

  /**
   * In a transaction HAPI writes a created resource before it replaces the placeholders
   * ({@code urn:uuid:...}) other entries refer to it by: at its pre-commit the Encounter still
   * names its Patient by the placeholder. Once every entry is written, the entries hold the
   * stored ids.
   */
  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSED)
  public void transactionProcessed(IBaseBundle bundle, RequestDetails request) {
    if (bundle instanceof Bundle transaction) {
      for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
        if (entry.hasResource()) {
          record(entry.getResource(), request);
        }
      }
    }
  }

  private void record(IBaseResource resource, RequestDetails request) {
    if (request == null) {
      return;
    }
    Optional<String> institution = Optional.ofNullable((String) request.getUserData().get(WRITING_INSTITUTION))
        .or(() -> RequestCallers.of(request).map(Caller::institution));
    if (institution.isEmpty()) {
      return;
    }
    @SuppressWarnings("unchecked")
    Set<String> seen = (Set<String>) request.getUserData().computeIfAbsent(SEEN, k -> new HashSet<String>());
    List<String> referredTo = referredInstitutions(resource);
    for (String patientId : owners.of(resource)) {
      // a placeholder (urn:uuid:..., urn:oid:...) is not a stored Patient yet: see transactionProcessed
      if (patientId.indexOf(':') >= 0) {
        continue;
      }
      if (seen.add(patientId)) {
        care.record(institution.get(), patientId, clock.instant());
      }
      for (String other : referredTo) {
        if (seen.add(other + "|" + patientId)) {
          care.record(other, patientId, clock.instant());
        }
      }
    }
  }

  /**
   * The institutions an active referral (a ServiceRequest of category SNOMED CT 3457005, as
   * REF^I12 makes) sends the patient to, named by their facility identifier on the performer
   * reference: the receiving institution treats the patient from then on, so its clinicians can
   * read the record the referral is about.
   */
  static List<String> referredInstitutions(IBaseResource resource) {
    if (!(resource instanceof ServiceRequest request) || request.getStatus() != ServiceRequest.ServiceRequestStatus.ACTIVE
        || request.getCategory().stream().noneMatch(c -> c.hasCoding(
            ReferralToFhir.REFERRAL_CATEGORY_SYSTEM, ReferralToFhir.REFERRAL_CATEGORY_CODE))) {
      return List.of();
    }
    List<String> institutions = new ArrayList<>();
    for (Reference performer : request.getPerformer()) {
      if (performer.hasIdentifier() && Sender.FACILITY_SYSTEM.equals(performer.getIdentifier().getSystem())
          && performer.getIdentifier().hasValue()) {
        institutions.add(performer.getIdentifier().getValue());
      }
    }
    return institutions;
  }
}
