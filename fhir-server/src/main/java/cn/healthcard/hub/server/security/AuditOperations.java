package cn.healthcard.hub.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.audit.AuditChain;
import cn.healthcard.hub.security.audit.BalpAuditEvents;
import cn.healthcard.hub.security.fhir.RequestCallers;
import java.sql.Date;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code GET /fhir/AuditEvent/$verify-chain?date=} (operators): whether a day's audit chain is
 * intact. {@code GET /fhir/Patient/$access-log} (a resident, for their own record; operators with
 * {@code patient=}): who looked at or changed the record, when and why, newest first.
 */
public class AuditOperations {
  static final int MAX_ACCESS_LOG = 200;

  private final DaoRegistry daos;
  private final JdbcTemplate jdbc;
  private final AuditChain chain;

  public AuditOperations(DaoRegistry daos, JdbcTemplate jdbc, AuditChain chain) {
    this.daos = daos;
    this.jdbc = jdbc;
    this.chain = chain;
  }

  private record Link(long seq, String eventId, String hash) {}

  @Operation(name = "$verify-chain", type = AuditEvent.class, idempotent = true)
  public Parameters verifyChain(@OperationParam(name = "date", min = 1, max = 1) DateType date) {
    if (date == null || date.getValueAsString() == null || date.getValueAsString().length() != 10) {
      throw new InvalidRequestException("date (a day, YYYY-MM-DD) is required");
    }
    LocalDate day;
    try {
      day = LocalDate.parse(date.getValueAsString());
    } catch (DateTimeParseException e) {
      throw new InvalidRequestException("date must be a day, YYYY-MM-DD");
    }
    List<Link> links = jdbc.query(
        "select seq, audit_event_id, hash from hub.audit_chain where day = ? order by seq",
        (rs, n) -> new Link(rs.getLong(1), rs.getString(2), rs.getString(3)), Date.valueOf(day));
    Parameters out = new Parameters();
    String previous = AuditChain.GENESIS;
    long expected = 1;
    var dao = daos.getResourceDao(AuditEvent.class);
    for (Link link : links) {
      String problem = null;
      AuditEvent event = null;
      if (link.seq() != expected) {
        problem = "link " + expected + " is missing";
      } else {
        try {
          event = dao.read(new IdType("AuditEvent", link.eventId()), new SystemRequestDetails());
        } catch (ResourceNotFoundException | ca.uhn.fhir.rest.server.exceptions.ResourceGoneException e) {
          problem = "AuditEvent/" + link.eventId() + " is gone";
        }
      }
      if (problem == null && !previous.equals(AuditChain.previousOf(event))) {
        problem = "AuditEvent/" + link.eventId() + " does not follow the link before it";
      }
      if (problem == null && !chain.link(previous, event).equals(link.hash())) {
        problem = "AuditEvent/" + link.eventId() + " was changed after it was recorded";
      }
      if (problem != null) {
        out.addParameter("intact", new BooleanType(false));
        out.addParameter("events", new IntegerType(links.size()));
        out.addParameter("brokenAt", new IntegerType((int) link.seq()));
        out.addParameter("reason", new StringType(problem));
        return out;
      }
      previous = link.hash();
      expected++;
    }
    out.addParameter("intact", new BooleanType(true));
    out.addParameter("events", new IntegerType(links.size()));
    Long pending = jdbc.queryForObject("select count(*) from hub.audit_outbox", Long.class);
    out.addParameter("pending", new IntegerType(pending == null ? 0 : pending.intValue()));
    return out;
  }

  @Operation(name = "$access-log", type = org.hl7.fhir.r4.model.Patient.class, idempotent = true)
  public Parameters accessLog(
      @OperationParam(name = "patient", min = 0, max = 1) Reference patient,
      @OperationParam(name = "_count", min = 0, max = 1) IntegerType count,
      RequestDetails request) {
    Caller caller = RequestCallers.of(request).orElseThrow(() -> new ForbiddenOperationException("no caller"));
    String patientId;
    String asked = patient == null || !patient.hasReference() ? null
        : new IdType(patient.getReference()).getIdPart();
    if (caller.has(Role.RESIDENT) && caller.patient() != null) {
      if (asked != null && !asked.equals(caller.patient())) {
        throw new ForbiddenOperationException("a resident sees the access log of their own record only");
      }
      patientId = caller.patient();
    } else if (caller.has(Role.OPERATOR)) {
      if (asked == null) {
        throw new InvalidRequestException("patient (Patient/<id>) is required");
      }
      patientId = asked;
    } else {
      throw new ForbiddenOperationException("the access log is for the resident and operators");
    }
    int limit = count == null || count.getValue() == null ? 50 : Math.max(1, Math.min(MAX_ACCESS_LOG, count.getValue()));
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add(AuditPatientSearch.CODE, new TokenParam(BalpAuditEvents.RESOURCE_ID_SYSTEM, "Patient/" + patientId));
    map.setSort(new SortSpec(AuditEvent.SP_DATE, SortOrderEnum.DESC));
    map.setCount(limit);
    map.setLoadSynchronousUpTo(limit);
    List<IBaseResource> events = daos.getResourceDao(AuditEvent.class)
        .search(map, new SystemRequestDetails()).getResources(0, limit);
    Parameters out = new Parameters();
    out.addParameter("patient", new Reference("Patient/" + patientId));
    for (IBaseResource resource : events) {
      AuditEvent event = (AuditEvent) resource;
      ParametersParameterComponent access = out.addParameter().setName("access");
      access.addPart().setName("time").setValue(new DateTimeType(event.getRecorded()));
      access.addPart().setName("action").setValue(new CodeType(event.getAction() == null ? "E" : event.getAction().toCode()));
      if (event.getSubtypeFirstRep().hasCode()) {
        access.addPart().setName("interaction").setValue(new CodeType(event.getSubtypeFirstRep().getCode()));
      }
      for (AuditEvent.AuditEventAgentComponent agent : event.getAgent()) {
        Optional<String> identifierSystem = Optional.ofNullable(agent.getWho().getIdentifier().getSystem());
        if (identifierSystem.filter(BalpAuditEvents.CLIENT_ID_SYSTEM::equals).isPresent()) {
          access.addPart().setName("client").setValue(new StringType(agent.getWho().getIdentifier().getValue()));
        } else if (identifierSystem.filter(BalpAuditEvents.INSTITUTION_SYSTEM::equals).isPresent()) {
          access.addPart().setName("institution").setValue(new StringType(agent.getWho().getIdentifier().getValue()));
        } else if ("Practitioner".equals(agent.getWho().getType())) {
          access.addPart().setName("practitioner").setValue(new StringType(agent.getWho().getDisplay()));
        }
      }
      boolean breakGlass = event.getPurposeOfEvent().stream()
          .anyMatch(p -> p.getCoding().stream().anyMatch(c -> "ETREAT".equals(c.getCode())));
      access.addPart().setName("breakGlass").setValue(new BooleanType(breakGlass));
      if (breakGlass) {
        access.addPart().setName("reason").setValue(new StringType(event.getPurposeOfEventFirstRep().getText()));
      }
      access.addPart().setName("outcome").setValue(new CodeType(event.getOutcome() == null ? "0" : event.getOutcome().toCode()));
    }
    return out;
  }
}
