package cn.healthcard.hub.security.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import java.time.Clock;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * A hospital bound to an institution changes or deletes only records of patients it treats:
 * creating an encounter, a result or a registration starts the relationship; updating or
 * deleting what is already in another institution's patient's record does not. A hospital
 * client without an institution (a regional platform relaying for its hospitals) is not bound.
 */
@Interceptor
public final class RecordChangeGuard {
  private final PatientOwners owners;
  private final CareRelationships care;
  private final HubConsentService consent;
  private final Clock clock;

  public RecordChangeGuard(FhirContext fhir, CareRelationships care, HubConsentService consent, Clock clock) {
    this.owners = new PatientOwners(fhir);
    this.care = care;
    this.consent = consent;
    this.clock = clock;
  }

  /**
   * Instance operations on a Patient ({@code $cancel-record}, {@code $transfer-out},
   * {@code $enrol-chronic-care}, {@code $immunization-forecast}...) read and write through the
   * hub's own requests, out of the consent check's reach: the caller must be allowed the patient
   * first. The chronic-care worklist lists patients across institutions: not yet for a hospital
   * bound to one institution.
   */
  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void operation(RequestDetails request) {
    binarySearch(request);
    String operation = request.getOperation();
    if (operation == null || !operation.startsWith("$")) {
      return;
    }
    Optional<Caller> found = RequestCallers.of(request);
    if (found.isEmpty() || found.get().has(Role.OPERATOR)) {
      return;
    }
    Caller caller = found.get();
    if ("$follow-ups-due".equals(operation) && caller.has(Role.HOSPITAL) && caller.institution() != null) {
      throw new ForbiddenOperationException(
          "the follow-up worklist is not yet narrowed to one institution's patients");
    }
    if ("Patient".equals(request.getResourceName()) && request.getId() != null && request.getId().hasIdPart()
        && !consent.mayAccessPatient(caller, request.getId().getIdPart())) {
      throw new ForbiddenOperationException(
          "Access denied: no treatment relationship, division or consent covers this record");
    }
  }

  /**
   * Binary has no search parameter that narrows it to a patient, so a search by a client whose
   * results are narrowed per patient reads every stored HL7 v2 message whole to check each one
   * (a search that finds nothing the client may see runs through all of them and can exhaust
   * the heap). Binaries are read by id: a stored message is linked from its Provenance, an export
   * file from its job's status. Operators breaking the glass and province-wide public health may
   * search.
   */
  private static void binarySearch(RequestDetails request) {
    if (!"Binary".equals(request.getResourceName())
        || request.getRestOperationType() != ca.uhn.fhir.rest.api.RestOperationTypeEnum.SEARCH_TYPE) {
      return;
    }
    Optional<Caller> found = RequestCallers.of(request);
    if (found.isEmpty() || found.get().breakingGlass()
        || (found.get().has(Role.PUBLIC_HEALTH) && found.get().division() == null)) {
      return;
    }
    throw new ForbiddenOperationException(
        "Binary is read by id (a stored HL7 v2 message is linked from its Provenance), not searched");
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updating(IBaseResource previous, IBaseResource updated, RequestDetails request) {
    check(previous, request);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void deleting(IBaseResource resource, RequestDetails request) {
    check(resource, request);
  }

  private void check(IBaseResource existing, RequestDetails request) {
    if (existing == null || request == null || request.getRestOperationType() == null) {
      return;
    }
    Optional<Caller> found = RequestCallers.of(request);
    if (found.isEmpty() || !found.get().has(Role.HOSPITAL) || found.get().institution() == null) {
      return;
    }
    Caller caller = found.get();
    for (String patient : owners.of(existing)) {
      if (!care.treats(caller.institution(), patient, clock.instant().minus(CareRelationships.WINDOW))) {
        throw new ForbiddenOperationException(
            "Access denied: this institution does not treat the patient whose record this would change");
      }
      if (consent.restricted(caller, request, patient, existing)) {
        throw new ForbiddenOperationException(
            "Access denied: the patient has restricted this category to the institution that wrote it");
      }
    }
  }
}
