package cn.healthcard.hub.server.security;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import cn.healthcard.hub.security.audit.BalpAuditEvents;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * {@code AuditEvent?patient=Patient/<id>} on the hub's audit trail. Its AuditEvents name patients
 * by identifier (see {@code BalpAuditEvents}: literal references would be rewritten by a merge),
 * which HAPI's built-in reference parameter cannot search; the hub indexes them with its own
 * token parameter {@value #CODE}, and a search by {@code patient} is rewritten to it before HAPI
 * runs it ({@code patient=123} and {@code patient=Patient/123} alike).
 */
@Interceptor
public final class AuditPatientSearch {
  public static final String CODE = "audit-patient";
  static final String ID = "audit-event-patient";

  static SearchParameter searchParameter() {
    SearchParameter sp = new SearchParameter();
    sp.setId(ID);
    sp.setUrl(HubCodeSystems.BASE + "/SearchParameter/" + ID);
    sp.setName("AuditEventPatient");
    sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
    sp.setDescription("The patients an audit event is about (entities of role Patient), by their "
        + BalpAuditEvents.RESOURCE_ID_SYSTEM + " identifier Patient/<id>; AuditEvent?patient= is answered with it");
    sp.setCode(CODE);
    sp.addBase("AuditEvent");
    sp.setType(Enumerations.SearchParamType.TOKEN);
    sp.setExpression("AuditEvent.entity.where(role.code = '1').what.identifier");
    return sp;
  }

  public static void install(DaoRegistry daos, ISearchParamRegistry registry) {
    daos.getResourceDao(SearchParameter.class).update(searchParameter(), new SystemRequestDetails());
    registry.forceRefresh();
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
  public boolean rewrite(RequestDetails request) {
    if (!"AuditEvent".equals(request.getResourceName()) || request.getOperation() != null
        || !request.getParameters().containsKey("patient")) {
      return true;
    }
    Map<String, String[]> parameters = new HashMap<>(request.getParameters());
    List<String> values = new ArrayList<>();
    for (String value : parameters.remove("patient")) {
      List<String> alternatives = new ArrayList<>();
      for (String one : value.split(",")) {
        String id = one.strip();
        if (id.startsWith("Patient/")) {
          id = id.substring("Patient/".length());
        }
        alternatives.add(BalpAuditEvents.RESOURCE_ID_SYSTEM + "|Patient/" + id);
      }
      values.add(String.join(",", alternatives));
    }
    parameters.put(CODE, values.toArray(String[]::new));
    request.setParameters(parameters);
    return true;
  }
}
