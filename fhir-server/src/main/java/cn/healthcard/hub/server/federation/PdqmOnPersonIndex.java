package cn.healthcard.hub.server.federation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import cn.healthcard.hub.federation.index.DemographicQuery;
import cn.healthcard.hub.federation.index.PersonIndex;
import cn.healthcard.hub.federation.pdqm.PdqmSearchTranslator;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.fhir.RequestCallers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PDQm Patient searches (ITI-78) of peer hubs answered from the person index: the demographic
 * criteria become one index query, and the repository then loads the Patients it found by id (so
 * consent, audit and paging stay the repository's). A search the index cannot answer as FHIR means
 * it, or asked while the index is away, is the repository's own. Only peer hubs' searches take
 * this way: the index follows writes within a second, which another province can wait for, and a
 * hospital reading back what it just wrote must not.
 */
@Interceptor
public class PdqmOnPersonIndex {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PdqmOnPersonIndex.class);
  /** More than any demographic search a person asks for; the rest is the repository's paging. */
  static final int LIMIT = 1_000;
  /** An id no Patient has: a search the index found no one for answers no one. */
  static final String NO_ONE = "no-one.pdqm";

  private final PersonIndex index;
  private final PdqmSearchTranslator translator;

  public PdqmOnPersonIndex(PersonIndex index, PdqmSearchTranslator translator) {
    this.index = index;
    this.translator = translator;
  }

  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -50)
  public boolean route(RequestDetails request) {
    if (request.getRestOperationType() != RestOperationTypeEnum.SEARCH_TYPE || !"Patient".equals(request.getResourceName())) {
      return true;
    }
    Optional<Caller> caller = RequestCallers.of(request);
    if (caller.isEmpty() || !caller.get().has(Role.PEER_HUB)) {
      return true;
    }
    Optional<DemographicQuery> query = translator.translate(request.getParameters());
    if (query.isEmpty()) {
      return true;
    }
    List<String> ids;
    try {
      ids = index.ids(query.get(), LIMIT);
    } catch (java.io.UncheckedIOException e) {
      // the index is away: the repository answers, slower but the same (the index's errors name
      // the request and its error type, never a value)
      log.warn("PDQm search left to the repository: {}", e.getMessage());
      return true;
    }
    Map<String, String[]> parameters = new HashMap<>();
    for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
      if (parameter.getKey().startsWith("_")) {
        parameters.put(parameter.getKey(), parameter.getValue());
      }
    }
    parameters.put("_id", new String[] {ids.isEmpty() ? NO_ONE : String.join(",", ids)});
    request.setParameters(parameters);
    return true;
  }
}
