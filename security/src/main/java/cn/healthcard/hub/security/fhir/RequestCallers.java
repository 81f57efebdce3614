package cn.healthcard.hub.security.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Callers;
import java.util.Optional;

/**
 * The caller behind a FHIR request: from the access token, with the request's break-glass reason
 * applied; remembered on the request so every hook sees the same one. Work the hub does by itself
 * ({@link SystemRequestDetails}) has no caller.
 */
public final class RequestCallers {
  private static final String KEY = RequestCallers.class.getName();

  private RequestCallers() {}

  public static Optional<Caller> of(RequestDetails request) {
    if (request == null || request instanceof SystemRequestDetails) {
      return Optional.empty();
    }
    Object known = request.getUserData().get(KEY);
    if (known instanceof Caller caller) {
      return Optional.of(caller);
    }
    Optional<Caller> caller = Callers.current()
        .map(c -> Callers.withBreakGlass(c, request.getHeader(Callers.BREAK_GLASS_HEADER)));
    caller.ifPresent(c -> request.getUserData().put(KEY, c));
    return caller;
  }

  /** The actor to record for what the request does. */
  public static String actor(RequestDetails request) {
    return of(request).map(Caller::actor).orElse("hub");
  }
}
