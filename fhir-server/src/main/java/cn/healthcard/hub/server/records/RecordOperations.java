package cn.healthcard.hub.server.records;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.server.operations.OperationRequests;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Primary care's operations on a person's health record, each leaving a Provenance (target: the
 * version written; entity {@code revision}: the version before), never deleting anything:
 *
 * <ul>
 *   <li>{@code Patient/{id}/$transfer-out}: the record moves to another institution ({@code
 *       managingOrganization} changes; the earlier versions keep the history);
 *   <li>{@code Patient/{id}/$cancel-record}: the record is closed (death, emigration, other):
 *       inactive, with the reason and date in an extension, and {@code deceasedDateTime} for a
 *       death. Nothing is deleted; a cancelled record cannot be transferred or cancelled again.
 * </ul>
 *
 * Merge and unmerge are HAPI's {@code $merge} / {@code $hapi.fhir.undo-merge} with the hub's
 * {@link RecordMergeRules}.
 */
public class RecordOperations {
  public static final String CANCELLATION_EXTENSION = HubCodeSystems.BASE + "/StructureDefinition/record-cancellation";
  public static final String CANCELLATION_REASON_SYSTEM = HubCodeSystems.BASE + "/CodeSystem/record-cancellation-reason";
  static final Set<String> CANCELLATION_REASONS = Set.of("death", "emigration", "other");

  private final DaoRegistry daos;
  private final TransactionTemplate transactions;
  private final RecordClosed closed;

  /** What else ends when a record is cancelled (the card, the insurance), inside the cancellation's transaction. */
  public interface RecordClosed {
    void closed(Patient patient, String reason, String actor);

    RecordClosed NOTHING = (patient, reason, actor) -> {};
  }

  public RecordOperations(DaoRegistry daos, TransactionTemplate transactions) {
    this(daos, transactions, RecordClosed.NOTHING);
  }

  public RecordOperations(DaoRegistry daos, TransactionTemplate transactions, RecordClosed closed) {
    this.daos = daos;
    this.transactions = transactions;
    this.closed = closed;
  }

  @Operation(name = "$transfer-out", type = Patient.class)
  public Parameters transferOut(
      @IdParam IdType id,
      @OperationParam(name = "destination", min = 0) Reference destination,
      @OperationParam(name = "reason", min = 0) StringType reason,
      RequestDetails request) {
    if (destination == null || !destination.hasReference()) {
      throw invalid("Parameters.parameter[destination]", "a reference to the receiving Organization is required");
    }
    IdType to = new IdType(destination.getReference()).toUnqualifiedVersionless();
    if (!"Organization".equals(to.getResourceType())) {
      throw invalid("Parameters.parameter[destination]", "must reference an Organization");
    }
    try {
      daos.getResourceDao(Organization.class).read(to, new SystemRequestDetails());
    } catch (ResourceNotFoundException e) {
      throw invalid("Parameters.parameter[destination]", "no " + to.getValue() + " in the repository");
    }
    return transactions.execute(tx -> {
      Patient patient = open(id);
      Reference from = patient.getManagingOrganization().copy();
      if (to.getValue().equals(from.getReference())) {
        throw new ResourceVersionConflictException("the record is already managed by " + to.getValue());
      }
      patient.setManagingOrganization(new Reference(to.getValue()));
      return written(patient, "transfer-out", "Transfer out",
          reason == null ? null : reason.getValue(), OperationRequests.actor(request), from.hasReference() ? from : null);
    });
  }

  @Operation(name = "$cancel-record", type = Patient.class)
  public Parameters cancelRecord(
      @IdParam IdType id,
      @OperationParam(name = "reason", min = 0) CodeType reason,
      @OperationParam(name = "date", min = 0) DateType date,
      @OperationParam(name = "note", min = 0) StringType note,
      RequestDetails request) {
    if (reason == null || !CANCELLATION_REASONS.contains(reason.getValue())) {
      throw invalid("Parameters.parameter[reason]", "required: death, emigration or other");
    }
    if (date == null || !date.hasValue()) {
      throw invalid("Parameters.parameter[date]", "the date of the death or emigration is required");
    }
    return transactions.execute(tx -> {
      Patient patient = open(id);
      patient.setActive(false);
      if ("death".equals(reason.getValue())) {
        patient.setDeceased(new DateTimeType(date.getValueAsString()));
      }
      Extension cancellation = patient.addExtension().setUrl(CANCELLATION_EXTENSION);
      cancellation.addExtension("reason", new Coding(CANCELLATION_REASON_SYSTEM, reason.getValue(), null));
      cancellation.addExtension("date", date.copy());
      String why = reason.getValue() + (note == null || note.isEmpty() ? "" : ": " + note.getValue());
      Parameters out = written(patient, "cancel", "Cancel record", why, OperationRequests.actor(request),
          patient.getManagingOrganization());
      // a failure here rolls the cancellation back; the card's own change commits first, and a
      // card already cancelled is left as it is, so the cancellation can simply be sent again
      closed.closed(patient, reason.getValue(), OperationRequests.actor(request));
      return out;
    });
  }

  /** The record, if it is still open (not cancelled, not merged away). */
  private Patient open(IdType id) {
    Patient patient = daos.getResourceDao(Patient.class).read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
    if (patient.hasExtension(CANCELLATION_EXTENSION)) {
      throw new ResourceVersionConflictException("the record was cancelled");
    }
    if (patient.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY)) {
      throw new ResourceVersionConflictException("the record was merged into "
          + patient.getLink().stream().filter(l -> l.getType() == Patient.LinkType.REPLACEDBY).findFirst()
              .orElseThrow().getOther().getReference());
    }
    return patient;
  }

  private Parameters written(Patient patient, String activity, String display, String reason, String actor,
      Reference onBehalfOf) {
    IFhirResourceDao<Patient> dao = daos.getResourceDao(Patient.class);
    IdType before = patient.getIdElement().toUnqualified();
    DaoMethodOutcome outcome = dao.update(patient, new SystemRequestDetails());
    Provenance provenance = RecordProvenance.of(outcome.getId(), before, activity, display, reason, actor, onBehalfOf);
    DaoMethodOutcome recorded = daos.getResourceDao(Provenance.class).create(provenance, new SystemRequestDetails());
    Parameters out = new Parameters();
    out.addParameter().setName("patient").setValue(new Reference(outcome.getId().toUnqualified().getValue()));
    out.addParameter().setName("provenance").setValue(new Reference(recorded.getId().toUnqualifiedVersionless().getValue()));
    return out;
  }

  private static UnprocessableEntityException invalid(String expression, String reason) {
    return OperationRequests.unprocessable(expression, reason, OperationOutcome.IssueType.REQUIRED);
  }
}
