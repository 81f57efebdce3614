package cn.healthcard.hub.security.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Whose data a caller sees, decided per resource before it leaves the repository (reads,
 * searches, {@code _include}/{@code _revinclude}, {@code $everything}, history): a resident their
 * own record; a hospital or clinician the patients their institution treats; a public-health
 * agency the patients living in its division, and only the public-health resource types. A
 * resource about no patient (an Organization) passes. A read of a resource the caller may not see
 * is 403; a search simply does not return it. Break-glass skips these checks (the audit trail
 * records it with its reason).
 */
public final class HubConsentService implements IConsentService {
  private static final String DECISIONS = HubConsentService.class.getName() + ".decisions";
  private static final String RESTRICTIONS = HubConsentService.class.getName() + ".restrictions";

  private final FhirContext fhir;
  private final CareRelationships care;
  private final PatientFacts patients;
  private final Clock clock;
  private final PatientOwners owners;
  private final Restrictions restrictions;

  public HubConsentService(FhirContext fhir, CareRelationships care, PatientFacts patients, Clock clock) {
    this(fhir, care, patients, Restrictions.NONE, clock);
  }

  public HubConsentService(
      FhirContext fhir, CareRelationships care, PatientFacts patients, Restrictions restrictions, Clock clock) {
    this.fhir = fhir;
    this.care = care;
    this.patients = patients;
    this.restrictions = restrictions;
    this.clock = clock;
    this.owners = new PatientOwners(fhir);
  }

  @Override
  public ConsentOutcome startOperation(RequestDetails request, IConsentContextServices services) {
    Optional<Caller> caller = RequestCallers.of(request);
    if (caller.isEmpty() || caller.get().breakingGlass()) {
      return ConsentOutcome.AUTHORIZED;
    }
    return ConsentOutcome.PROCEED;
  }

  @Override
  public ConsentOutcome canSeeResource(
      RequestDetails request, IBaseResource resource, IConsentContextServices services) {
    Optional<Caller> found = RequestCallers.of(request);
    if (found.isEmpty()) {
      return ConsentOutcome.PROCEED;
    }
    Caller caller = found.get();
    String type = fhir.getResourceType(resource);
    if (caller.breakingGlass() || WrittenResources.byThisRequest(request, resource)) {
      return ConsentOutcome.PROCEED;
    }
    if (resource instanceof org.hl7.fhir.r4.model.PaymentNotice notice) {
      return PaymentNoticeAccess.maySee(caller, notice) ? ConsentOutcome.PROCEED : refuse(request, type);
    }
    java.util.Set<String> patientIds = this.owners.of(resource);
    if (patientIds.isEmpty() && "Binary".equals(type)
        && !(caller.has(Role.PUBLIC_HEALTH) && caller.division() == null)) {
      // a Binary about no patient is a bulk-export file: for the province-wide agency that asked
      return refuse(request, type);
    }
    // another province's hub reading a person's record for its clinician (federated $everything)
    boolean federatedRead = caller.has(Role.PEER_HUB) && "$everything".equals(request.getOperation());
    for (String patientId : patientIds) {
      if (!(federatedRead || maySee(caller, request, patientId, type)) || restricted(caller, request, patientId, resource)) {
        return refuse(request, type);
      }
    }
    return ConsentOutcome.PROCEED;
  }

  /**
   * Whether the patient has restricted this resource's category from the caller: a restriction
   * covers resources with its security label, or Conditions and Observations of its category;
   * the resident and the institution that wrote the resource still see it.
   */
  public boolean restricted(Caller caller, RequestDetails request, String patientId, IBaseResource resource) {
    if (caller.has(Role.RESIDENT) && patientId.equals(caller.patient())) {
      return false;
    }
    @SuppressWarnings("unchecked")
    Map<String, List<Restrictions.Restriction>> known = (Map<String, List<Restrictions.Restriction>>)
        request.getUserData().computeIfAbsent(RESTRICTIONS, k -> new HashMap<String, List<Restrictions.Restriction>>());
    List<Restrictions.Restriction> patientRestrictions = known.computeIfAbsent(patientId, restrictions::of);
    if (patientRestrictions.isEmpty() || !covered(patientRestrictions, resource)) {
      return false;
    }
    Optional<String> author = AuthoringInstitution.of(resource);
    return caller.institution() == null || author.isEmpty() || !author.get().equals(caller.institution());
  }

  static boolean covered(List<Restrictions.Restriction> restrictions, IBaseResource resource) {
    if (!(resource instanceof org.hl7.fhir.r4.model.Resource r)) {
      return false;
    }
    List<org.hl7.fhir.r4.model.Coding> categories = new java.util.ArrayList<>();
    if (r instanceof org.hl7.fhir.r4.model.Condition condition) {
      condition.getCategory().forEach(c -> categories.addAll(c.getCoding()));
    } else if (r instanceof org.hl7.fhir.r4.model.Observation observation) {
      observation.getCategory().forEach(c -> categories.addAll(c.getCoding()));
    }
    for (Restrictions.Restriction restriction : restrictions) {
      List<org.hl7.fhir.r4.model.Coding> codings = "label".equals(restriction.kind()) ? r.getMeta().getSecurity() : categories;
      for (org.hl7.fhir.r4.model.Coding coding : codings) {
        if (restriction.system().equals(coding.getSystem()) && restriction.code().equals(coding.getCode())) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean maySee(Caller caller, RequestDetails request, String patientId, String type) {
    @SuppressWarnings("unchecked")
    Map<String, Boolean> decisions = (Map<String, Boolean>) request.getUserData()
        .computeIfAbsent(DECISIONS, k -> new HashMap<String, Boolean>());
    String key = patientId + "|" + type;
    Boolean known = decisions.get(key);
    if (known != null) {
      return known;
    }
    boolean decision = decide(caller, patientId, type);
    decisions.put(key, decision);
    return decision;
  }

  /** Whether the caller may act on this patient's record at all (instance operations on a Patient). */
  public boolean mayAccessPatient(Caller caller, String patientId) {
    return caller.breakingGlass() || decide(caller, patientId, "Patient");
  }

  boolean decide(Caller caller, String patientId, String type) {
    if (caller.has(Role.RESIDENT) && patientId.equals(caller.patient())) {
      return true;
    }
    if ((caller.has(Role.HOSPITAL) || caller.has(Role.CLINICIAN)) && caller.institution() != null
        && care.treats(caller.institution(), patientId, clock.instant().minus(CareRelationships.WINDOW))) {
      return true;
    }
    if (caller.has(Role.PEER_HUB) && "Patient".equals(type)) {
      // another province finds people by their demographics (PDQm, PIXm); their records stay narrowed
      return true;
    }
    if ((caller.has(Role.PUBLIC_HEALTH) && ResourceGroups.PUBLIC_HEALTH.contains(type))
        || (caller.has(Role.INSURER) && ResourceGroups.INSURANCE.contains(type))) {
      if (caller.division() == null) {
        return true;
      }
      Optional<String> residence = patients.residenceDivision(patientId);
      return residence.isPresent() && residence.get().startsWith(caller.division());
    }
    return false;
  }

  private static ConsentOutcome refuse(RequestDetails request, String type) {
    RestOperationTypeEnum operation = request.getRestOperationType();
    if (operation == RestOperationTypeEnum.READ || operation == RestOperationTypeEnum.VREAD
        || operation == RestOperationTypeEnum.HISTORY_INSTANCE
        || (("Patient".equals(type))
            && (operation == RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE
                || operation == RestOperationTypeEnum.EXTENDED_OPERATION_TYPE))) {
      throw new ForbiddenOperationException(
          "Access denied: no treatment relationship, division or consent covers this record;"
              + " a clinician may state a reason in the X-Break-Glass-Reason header");
    }
    return ConsentOutcome.REJECT;
  }
}
