package cn.healthcard.hub.security.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * HAPI's authorization interceptor ({@link HubAuthorizationRules}), applied to clients' requests
 * only: the hub's own work runs with request objects that have no REST operation, on which HAPI's
 * interceptor fails, and it has no caller whose rights could be checked.
 */
@Interceptor
public final class ClientAuthorization {
  private final AuthorizationInterceptor rules;

  public ClientAuthorization(AuthorizationInterceptor rules) {
    this.rules = rules;
  }

  private static boolean client(RequestDetails request) {
    return request != null && request.getRestOperationType() != null && RequestCallers.of(request).isPresent();
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void preHandled(RequestDetails request, Pointcut pointcut) {
    if (client(request)) {
      rules.incomingRequestPreHandled(request, pointcut);
    }
  }

  @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
  public void preShow(RequestDetails request, IPreResourceShowDetails details, Pointcut pointcut) {
    if (client(request)) {
      rules.hookPreShow(request, details, pointcut);
    }
  }

  @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
  public void outgoing(RequestDetails request, IBaseResource response, Pointcut pointcut) {
    if (client(request)) {
      rules.hookOutgoingResponse(request, response, pointcut);
    }
  }

  @Hook(Pointcut.STORAGE_CASCADE_DELETE)
  public void cascadeDelete(RequestDetails request, Pointcut pointcut, IBaseResource resource) {
    if (client(request)) {
      rules.hookCascadeDeleteForConflict(request, pointcut, resource);
    }
  }

  @Hook(Pointcut.STORAGE_PRE_DELETE_EXPUNGE)
  public void deleteExpunge(RequestDetails request, Pointcut pointcut) {
    if (client(request)) {
      rules.hookDeleteExpunge(request, pointcut);
    }
  }

  @Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
  public void bulkExport(RequestDetails request, BulkExportJobParameters parameters, Pointcut pointcut) {
    if (client(request)) {
      rules.initiateBulkExport(request, parameters, pointcut);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void preCreate(RequestDetails request, IBaseResource resource, Pointcut pointcut) {
    if (client(request)) {
      rules.hookResourcePreCreate(request, resource, pointcut);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
  public void preDelete(RequestDetails request, IBaseResource resource, Pointcut pointcut) {
    if (client(request)) {
      rules.hookResourcePreDelete(request, resource, pointcut);
    }
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void preUpdate(RequestDetails request, IBaseResource previous, IBaseResource resource, Pointcut pointcut) {
    if (client(request)) {
      rules.hookResourcePreUpdate(request, previous, resource, pointcut);
    }
  }
}
