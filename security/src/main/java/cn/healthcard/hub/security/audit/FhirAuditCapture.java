package cn.healthcard.hub.security.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.fhir.PatientOwners;
import cn.healthcard.hub.security.fhir.RequestCallers;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Audits every FHIR interaction of a client: the entry is written durably before the answer is
 * sent (HAPI calls {@code SERVER_OUTGOING_RESPONSE} before writing the body), and for failures
 * when the error is handled. Patients touched are collected by the consent check (reads) and
 * by the write hooks here (writes). If the entry cannot be written, the request fails (500): a
 * record is not served unaudited.
 */
@Interceptor
public final class FhirAuditCapture {
  private static final Logger log = LoggerFactory.getLogger(FhirAuditCapture.class);
  private static final String DONE = FhirAuditCapture.class.getName() + ".done";
  /** Servlet request attribute set once the request is audited here (the HTTP audit skips it then). */
  public static final String AUDITED_ATTRIBUTE = "cn.healthcard.hub.audited";

  private final FhirContext fhir;
  private final AuditTrail trail;
  private final Clock clock;
  private final PatientOwners owners;

  public FhirAuditCapture(FhirContext fhir, AuditTrail trail, Clock clock) {
    this.fhir = fhir;
    this.trail = trail;
    this.clock = clock;
    this.owners = new PatientOwners(fhir);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    touched(request, resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    touched(request, resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource, RequestDetails request) {
    touched(request, resource);
  }

  private void touched(RequestDetails request, IBaseResource resource) {
    if (request == null || RequestCallers.of(request).isEmpty()) {
      return;
    }
    for (String patient : owners.of(resource)) {
      TouchedData.patient(request, patient);
    }
    IIdType id = resource.getIdElement();
    if (id != null && id.hasIdPart()) {
      TouchedData.resource(request, fhir.getResourceType(resource) + "/" + id.getIdPart());
    }
  }

  /** After the authorization and consent checks of the response, which may still refuse it. */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = 1000)
  public boolean outgoing(RequestDetails request, ResponseDetails response) {
    IBaseResource body = response == null ? null : response.getResponseResource();
    if (body != null) {
      returned(request, body);
    }
    audit(request, response == null || response.getResponseCode() == 0 ? 200 : response.getResponseCode());
    return true;
  }

  @Hook(value = Pointcut.SERVER_HANDLE_EXCEPTION, order = 1000)
  public boolean failed(RequestDetails request, BaseServerResponseException exception) {
    audit(request, exception.getStatusCode());
    return true;
  }

  @Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
  public void completed(RequestDetails request) {
    audit(request, 200);
  }

  private void returned(RequestDetails request, IBaseResource body) {
    if (body instanceof Bundle bundle) {
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.getResource() != null && entry.getResource().getIdElement().hasIdPart()) {
          IBaseResource resource = entry.getResource();
          owners.of(resource).forEach(patient -> TouchedData.patient(request, patient));
          TouchedData.resource(request, fhir.getResourceType(resource) + "/" + resource.getIdElement().getIdPart());
        } else if (entry.getResponse() != null && entry.getResponse().hasLocation()) {
          String location = entry.getResponse().getLocation();
          int history = location.indexOf("/_history");
          TouchedData.resource(request, history > 0 ? location.substring(0, history) : location);
        }
      }
    } else if (body instanceof org.hl7.fhir.r4.model.Parameters parameters) {
      // an operation that answers about people (PIXm's targetId): they are the ones disclosed
      for (org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent parameter : parameters.getParameter()) {
        if (parameter.getValue() instanceof org.hl7.fhir.r4.model.Reference reference && reference.hasReference()
            && reference.getReferenceElement().getResourceType() != null
            && reference.getReferenceElement().getResourceType().equals("Patient")) {
          TouchedData.patient(request, reference.getReferenceElement().getIdPart());
        }
      }
    } else if (!(body instanceof IBaseBundle) && body.getIdElement() != null && body.getIdElement().hasIdPart()) {
      owners.of(body).forEach(patient -> TouchedData.patient(request, patient));
      TouchedData.resource(request, fhir.getResourceType(body) + "/" + body.getIdElement().getIdPart());
    }
  }

  void audit(RequestDetails request, int status) {
    if (request == null || request.getUserData().containsKey(DONE)) {
      return;
    }
    Optional<Caller> found = RequestCallers.of(request);
    RestOperationTypeEnum type = request.getRestOperationType();
    if (found.isEmpty() || type == RestOperationTypeEnum.METADATA) {
      return;
    }
    request.getUserData().put(DONE, Boolean.TRUE);
    Caller caller = found.get();
    String[] interaction = interaction(type);
    String source = null;
    if (request instanceof ServletRequestDetails servlet) {
      source = servlet.getServletRequest().getRemoteAddr();
      servlet.getServletRequest().setAttribute(AUDITED_ATTRIBUTE, Boolean.TRUE);
    }
    AuditRecord record = new AuditRecord(
        clock.instant(), "fhir", interaction[0], interaction[1],
        request.getOperation() != null && request.getOperation().startsWith("$") ? request.getOperation() : null,
        status, caller.clientId(), caller.institution(), caller.practitioner(),
        caller.roles().stream().map(Role::code).sorted().toList(),
        TouchedData.patients(request), TouchedData.resources(request),
        describe(request), caller.breakGlassReason(), request.getRequestId(), source);
    try {
      trail.record(record);
    } catch (RuntimeException e) {
      log.error("Audit entry could not be written ({}): the request fails", e.getClass().getSimpleName());
      throw new ca.uhn.fhir.rest.server.exceptions.InternalErrorException("the audit trail is unavailable");
    }
  }

  /** Search parameters whose values name a person: their values never enter the audit trail. */
  static final java.util.regex.Pattern PERSONAL_PARAMETERS = java.util.regex.Pattern.compile(
      "((?:^|[?&])(?:[a-zA-Z.:_-]*\\.)?(?:name|family|given|phone|telecom|email|address[a-z-]*|birthdate|phonetic)(?::[a-z-]+)?=)[^&]*");

  static String describe(RequestDetails request) {
    String url = request.getCompleteUrl();
    String base = request.getFhirServerBase();
    String described = url != null && base != null && url.startsWith(base) ? url.substring(base.length())
        : request.getRequestPath();
    return redact(described);
  }

  static String redact(String query) {
    if (query == null) {
      return null;
    }
    String masked = PERSONAL_PARAMETERS.matcher(query).replaceAll("$1[redacted]");
    return cn.healthcard.hub.terminology.identity.IdentityNumberRedactor.redact(masked);
  }

  static String[] interaction(RestOperationTypeEnum type) {
    if (type == null) {
      return new String[] {"operation", "E"};
    }
    return switch (type) {
      case READ -> new String[] {"read", "R"};
      case VREAD -> new String[] {"vread", "R"};
      case CREATE -> new String[] {"create", "C"};
      case UPDATE -> new String[] {"update", "U"};
      case PATCH -> new String[] {"patch", "U"};
      case DELETE -> new String[] {"delete", "D"};
      case HISTORY_INSTANCE -> new String[] {"history-instance", "R"};
      case HISTORY_TYPE -> new String[] {"history-type", "R"};
      case HISTORY_SYSTEM -> new String[] {"history-system", "R"};
      case SEARCH_TYPE, GET_PAGE -> new String[] {"search-type", "E"};
      case SEARCH_SYSTEM -> new String[] {"search-system", "E"};
      case TRANSACTION -> new String[] {"transaction", "E"};
      case BATCH -> new String[] {"batch", "E"};
      case GRAPHQL_REQUEST -> new String[] {"graphql", "E"};
      default -> new String[] {"operation", "E"};
    };
  }
}
