package cn.healthcard.hub.security.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceAccessDetails;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOperationStatusEnum;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentService;
import ca.uhn.fhir.rest.server.util.ICachedSearchDetails;
import ca.uhn.fhir.util.BundleUtil;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's consent interceptor, applied to clients' requests only. The hub's own work (start-up,
 * workers) reads and writes through request objects that are not always
 * {@code SystemRequestDetails} and have no REST operation, on which HAPI's interceptor fails; it
 * has no caller to check anyway.
 */
@Interceptor
public final class ClientConsent {
  private final ConsentInterceptor consent;
  private final IConsentService service;

  public ClientConsent(IConsentService service) {
    this.consent = new ConsentInterceptor(service);
    this.service = service;
  }

  /**
   * Requests whose results are narrowed per resource. Not: the hub's own work, a break-glass
   * access (it sees everything, audited), an operator reading the audit trail (only operators
   * may read it at all). HAPI's interceptor also refuses {@code _summary=count} and omits
   * totals whenever it applies, as a count could reveal what the caller may not see.
   */
  private static boolean client(RequestDetails request) {
    if (request == null || request.getRestOperationType() == null) {
      return false;
    }
    return RequestCallers.of(request)
        .filter(caller -> !caller.breakingGlass())
        .filter(caller -> !(caller.has(cn.healthcard.hub.security.Role.OPERATOR)
            && "AuditEvent".equals(request.getResourceName())))
        .isPresent();
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void preHandled(RequestDetails request) {
    if (client(request)) {
      consent.interceptPreHandled(request);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void creating(RequestDetails request, IBaseResource resource) {
    if (client(request)) {
      WrittenResources.writing(request, resource);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updating(IBaseResource previous, IBaseResource updated, RequestDetails request) {
    if (client(request)) {
      WrittenResources.writing(request, updated);
    }
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(RequestDetails request, IBaseResource resource) {
    if (client(request)) {
      WrittenResources.written(request, resource);
    }
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource updated, RequestDetails request) {
    if (client(request)) {
      WrittenResources.written(request, updated);
    }
  }

  @Hook(Pointcut.STORAGE_PRECHECK_FOR_CACHED_SEARCH)
  public boolean cachedSearch(RequestDetails request) {
    return !client(request) || consent.interceptPreCheckForCachedSearch(request);
  }

  @Hook(Pointcut.STORAGE_PRESEARCH_REGISTERED)
  public void searchRegistered(RequestDetails request, ICachedSearchDetails search) {
    if (client(request)) {
      consent.interceptPreSearchRegistered(request, search);
    }
  }

  /**
   * The resources of a search page are judged when they are shown, not when HAPI offers them
   * before paging: to offer them, HAPI's repository loads and parses every matching resource, and
   * then loads and parses the page again to answer (a JFR profile of secured card-number searches
   * put that second load at about a fifth of the hub's CPU). Every resource a search returns,
   * its includes too, passes {@link #preShow}; a refused one is taken out of the page. Reads,
   * histories, operations and transactions are still judged before access.
   */
  private static boolean judgedWhenShown(RequestDetails request) {
    RestOperationTypeEnum operation = request.getRestOperationType();
    return operation == RestOperationTypeEnum.SEARCH_TYPE || operation == RestOperationTypeEnum.SEARCH_SYSTEM
        || operation == RestOperationTypeEnum.GET_PAGE;
  }

  @Hook(Pointcut.STORAGE_PREACCESS_RESOURCES)
  public void preAccess(RequestDetails request, IPreResourceAccessDetails details) {
    if (client(request) && !judgedWhenShown(request)) {
      consent.interceptPreAccess(request, details);
    }
  }

  @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
  public void preShow(RequestDetails request, IPreResourceShowDetails details) {
    if (!client(request)) {
      return;
    }
    if (judgedWhenShown(request)) {
      for (int i = 0; i < details.size(); i++) {
        IBaseResource resource = details.getResource(i);
        if (resource != null && service.canSeeResource(request, resource, IConsentContextServices.NULL_IMPL)
            .getStatus() == ConsentOperationStatusEnum.REJECT) {
          details.setResource(i, null);
        }
      }
    }
    consent.interceptPreShow(request, details);
  }

  /**
   * HAPI's own outgoing-response handling walks every element of the response to offer each
   * resource to the consent service's {@code willSeeResource}, which the hub's service does not
   * use (each resource was judged before it left the repository). What is left of it is hiding
   * the total: a count could reveal what the caller may not see. A JFR profile of secured
   * card-number searches put the walk at about 14% of the hub's CPU.
   */
  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void outgoing(RequestDetails request, ResponseDetails response) {
    if (client(request) && response.getResponseResource() instanceof IBaseBundle bundle) {
      BundleUtil.setTotal(request.getFhirContext(), bundle, null);
    }
  }

  @Hook(Pointcut.SERVER_HANDLE_EXCEPTION)
  public void failed(RequestDetails request, BaseServerResponseException exception) {
    if (client(request)) {
      consent.requestFailed(request, exception);
    }
  }

  @Hook(Pointcut.SERVER_PROCESSING_COMPLETED_NORMALLY)
  public void succeeded(RequestDetails request) {
    if (client(request)) {
      consent.requestSucceeded(request);
    }
  }
}
