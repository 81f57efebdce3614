package cn.healthcard.hub.security.audit;

import cn.healthcard.hub.terminology.identity.IdentityNumberRedactor;
import java.util.Date;
import java.util.Set;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentNetworkType;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * An {@link AuditRecord} as an AuditEvent following IHE Basic Audit Log Patterns (BALP 1.1):
 * type {@code rest}, subtype the restful interaction, the client and server agents (and the
 * clinician when known), the patients as entities of role Patient, the data touched, the query
 * (redacted description only), the request id; break-glass as purpose of use ETREAT with the
 * reason. Pure: no I/O.
 */
public final class BalpAuditEvents {
  static final String BALP = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/";
  static final String DCM = "http://dicom.nema.org/resources/ontology/DCM";
  static final String ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
  static final String OBJECT_ROLE = "http://terminology.hl7.org/CodeSystem/object-role";
  static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
  public static final String CLIENT_ID_SYSTEM = "https://hub.healthcard.cn/fhir/client-id";
  public static final String INSTITUTION_SYSTEM = "https://hub.healthcard.cn/fhir/institution";
  /** The institution agent's type (the hub's own code: BALP has none for it). */
  public static final Coding INSTITUTION_AGENT =
      new Coding("https://hub.healthcard.cn/fhir/CodeSystem/audit-agent", "institution", "Institution of the client");
  static final Set<String> READS = Set.of("read", "vread");

  private BalpAuditEvents() {}

  /** Logical references (to a resource that may not exist, or no longer) carry this identifier system. */
  public static final String RESOURCE_ID_SYSTEM = "https://hub.healthcard.cn/fhir/resource-id";

  /** Without a Device for the client (tests). */
  public static AuditEvent toFhir(AuditRecord record) {
    return toFhir(record, client -> null);
  }

  /**
   * The event. The patients and resources it names are referenced logically (identifier
   * {@code Type/id} and display), never literally: an audit record is immutable, and literal
   * references would be rewritten by a later merge of the patient's records (HAPI's
   * replace-references), refused when the resource no longer exists, and would put the audit
   * trail into the patient's compartment ({@code $everything}). {@code AuditEvent?patient=} is
   * answered by the hub's {@code audit-patient} search parameter over these identifiers. The
   * client agent is the client's {@code Device} ({@code deviceOf}, null when there is none), so
   * {@code AuditEvent?agent=Device/<id>} and
   * {@code agent:Device.identifier=https://hub.healthcard.cn/fhir/client-id|<client>} find it.
   */
  public static AuditEvent toFhir(AuditRecord record, java.util.function.Function<String, String> deviceOf) {
    AuditEvent event = new AuditEvent();
    String action = record.action();
    boolean patientKnown = !record.patients().isEmpty();
    event.getMeta().addProfile(BALP + "IHE.BasicAudit." + (patientKnown ? "Patient" : "") + profile(action));
    if ("hl7v2".equals(record.channel())) {
      event.setType(new Coding(DCM, "110107", "Import"));
    } else {
      event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"));
    }
    event.addSubtype(subtype(record));
    event.setAction(AuditEventAction.fromCode(action));
    event.setRecorded(Date.from(record.recorded()));
    event.setOutcome(record.succeeded() ? AuditEventOutcome._0
        : record.status() >= 500 ? AuditEventOutcome._8 : AuditEventOutcome._4);
    event.setOutcomeDesc("HTTP " + record.status());
    if (record.breakGlassReason() != null) {
      event.addPurposeOfEvent(new CodeableConcept()
          .addCoding(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActReason", "ETREAT", "Emergency Treatment"))
          .setText(IdentityNumberRedactor.redact(record.breakGlassReason())));
    }
    boolean clientSends = !READS.contains(record.interaction());
    AuditEventAgentComponent client = event.addAgent()
        .setType(new CodeableConcept(new Coding(DCM, clientSends ? "110153" : "110152",
            clientSends ? "Source Role ID" : "Destination Role ID")))
        .setName(record.clientId())
        .setRequestor(record.practitioner() == null);
    String device = deviceOf.apply(record.clientId());
    client.setWho(new Reference(device).setIdentifier(new Identifier().setSystem(CLIENT_ID_SYSTEM).setValue(record.clientId()))
        .setDisplay(record.clientId()));
    for (String role : record.roles()) {
      client.addRole(new CodeableConcept(new Coding("https://hub.healthcard.cn/fhir/CodeSystem/client-role", role, role)));
    }
    if (record.sourceAddress() != null) {
      client.getNetwork().setAddress(record.sourceAddress()).setType(AuditEventAgentNetworkType._2);
    }
    event.addAgent()
        .setType(new CodeableConcept(new Coding(DCM, clientSends ? "110152" : "110153",
            clientSends ? "Destination Role ID" : "Source Role ID")))
        .setName("hub")
        .setRequestor(false)
        .setWho(new Reference().setDisplay("provincial health-information exchange hub"));
    if (record.institution() != null) {
      event.addAgent()
          .setType(new CodeableConcept(INSTITUTION_AGENT))
          .setName(record.institution())
          .setRequestor(false)
          .setWho(new Reference().setIdentifier(new Identifier().setSystem(INSTITUTION_SYSTEM).setValue(record.institution())));
    }
    if (record.practitioner() != null) {
      boolean reading = "R".equals(action) || "E".equals(action);
      event.addAgent()
          .setType(new CodeableConcept(new Coding(PARTICIPATION, reading ? "IRCP" : "AUT",
              reading ? "information recipient" : "author")))
          .setWho(logical(record.practitioner()))
          .setRequestor(true);
    }
    event.getSource().setObserver(new Reference().setDisplay("hub"))
        .addType(new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server"));
    for (String patient : record.patients()) {
      event.addEntity()
          .setWhat(logical("Patient/" + patient))
          .setType(new Coding(ENTITY_TYPE, "1", "Person"))
          .setRole(new Coding(OBJECT_ROLE, "1", "Patient"));
    }
    for (String resource : record.resources()) {
      if (resource.startsWith("Patient/") && record.patients().contains(resource.substring(8))) {
        continue;
      }
      event.addEntity()
          .setWhat(logical(resource))
          .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
          .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"));
    }
    if (record.query() != null && ("E".equals(action) || "hl7v2".equals(record.channel()))) {
      event.addEntity()
          .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
          .setRole(new Coding(OBJECT_ROLE, "24", "Query"))
          .setDescription(IdentityNumberRedactor.redact(record.query()));
    } else if (record.query() != null) {
      event.addEntity()
          .setType(new Coding(ENTITY_TYPE, "2", "System Object"))
          .setRole(new Coding(OBJECT_ROLE, "4", "Domain Resource"))
          .setDescription(IdentityNumberRedactor.redact(record.query()));
    }
    if (record.requestId() != null) {
      event.addEntity()
          .setWhat(new Reference().setIdentifier(new Identifier()
              .setType(new CodeableConcept(new Coding(
                  "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType", "XrequestId", "X-Request-Id")))
              .setValue(record.requestId())))
          .setType(new Coding(ENTITY_TYPE, "4", "Other"));
    }
    return event;
  }

  /** A reference by identifier: {@code Type/id} as the value, the type, and the same as display. */
  public static Reference logical(String reference) {
    int slash = reference.indexOf('/');
    Reference logical = new Reference()
        .setIdentifier(new Identifier().setSystem(RESOURCE_ID_SYSTEM).setValue(reference))
        .setDisplay(reference);
    if (slash > 0) {
      logical.setType(reference.substring(0, slash));
    }
    return logical;
  }

  private static String profile(String action) {
    return switch (action) {
      case "C" -> "Create";
      case "R" -> "Read";
      case "U" -> "Update";
      case "D" -> "Delete";
      default -> "Query";
    };
  }

  private static Coding subtype(AuditRecord record) {
    if (record.operation() != null) {
      return new Coding("http://hl7.org/fhir/restful-interaction", "operation", "operation")
          .setDisplay(record.operation());
    }
    return switch (record.interaction()) {
      case "read", "vread", "update", "patch", "delete", "history-instance", "history-type",
          "history-system", "create", "search-type", "search-system", "capabilities",
          "transaction", "batch" ->
          new Coding("http://hl7.org/fhir/restful-interaction", record.interaction(), record.interaction());
      default -> new Coding("https://hub.healthcard.cn/fhir/CodeSystem/audit-interaction",
          record.interaction(), record.interaction());
    };
  }
}
