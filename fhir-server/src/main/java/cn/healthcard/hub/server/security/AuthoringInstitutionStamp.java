package cn.healthcard.hub.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.fhir.AuthoringInstitution;
import cn.healthcard.hub.security.fhir.RequestCallers;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Stamps each new resource with the institution that wrote it (the caller's, or the HL7 v2 sending
 * facility's) and keeps the first author's stamp on every update, whatever the client sends.
 */
@Interceptor
public final class AuthoringInstitutionStamp {

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    AuthoringInstitution.set(resource, writer(request).orElse(null));
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    // the first author stays; an updater never becomes the author (that would exempt it from the
    // patient's restrictions)
    AuthoringInstitution.set(resource, previous == null ? null : AuthoringInstitution.of(previous).orElse(null));
  }

  private static Optional<String> writer(RequestDetails request) {
    if (request == null) {
      return Optional.empty();
    }
    return Optional.ofNullable((String) request.getUserData().get(CareRelationshipRecorder.WRITING_INSTITUTION))
        .or(() -> RequestCallers.of(request).map(Caller::institution));
  }
}
