package cn.healthcard.hub.server.security;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.fhir.RequestCallers;
import cn.healthcard.hub.security.fhir.Restrictions.Restriction;
import cn.healthcard.hub.server.operations.OperationRequests;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * A resident's (or an operator's, for them) restrictions on categories of the record:
 * {@code POST /fhir/Patient/$restrict-access} and {@code $lift-restriction} with a {@code label}
 * (a security label, e.g. {@code http://terminology.hl7.org/CodeSystem/v3-ActCode|PSY}) or a
 * {@code category} (a Condition/Observation category coding); {@code GET
 * /fhir/Patient/$restrictions}. Operators add {@code patient}.
 */
public class RestrictionOperations {
  private final JdbcRestrictions restrictions;

  public RestrictionOperations(JdbcRestrictions restrictions) {
    this.restrictions = restrictions;
  }

  @Operation(name = "$restrict-access", type = Patient.class)
  public Parameters restrict(
      @OperationParam(name = "patient", min = 0, max = 1) Reference patient,
      @OperationParam(name = "label", min = 0, max = 1) Coding label,
      @OperationParam(name = "category", min = 0, max = 1) Coding category,
      RequestDetails request) {
    String patientId = patientOf(patient, request);
    restrictions.add(patientId, restriction(label, category), OperationRequests.actor(request));
    return list(patientId);
  }

  @Operation(name = "$lift-restriction", type = Patient.class)
  public Parameters lift(
      @OperationParam(name = "patient", min = 0, max = 1) Reference patient,
      @OperationParam(name = "label", min = 0, max = 1) Coding label,
      @OperationParam(name = "category", min = 0, max = 1) Coding category,
      RequestDetails request) {
    String patientId = patientOf(patient, request);
    restrictions.remove(patientId, restriction(label, category));
    return list(patientId);
  }

  @Operation(name = "$restrictions", type = Patient.class, idempotent = true)
  public Parameters current(
      @OperationParam(name = "patient", min = 0, max = 1) Reference patient, RequestDetails request) {
    return list(patientOf(patient, request));
  }

  private Parameters list(String patientId) {
    Parameters out = new Parameters();
    out.addParameter().setName("patient").setValue(new Reference("Patient/" + patientId));
    for (Restriction restriction : restrictions.of(patientId)) {
      out.addParameter().setName(restriction.kind())
          .setValue(new Coding(restriction.system(), restriction.code(), null));
    }
    return out;
  }

  private static Restriction restriction(Coding label, Coding category) {
    if ((label == null) == (category == null)) {
      throw OperationRequests.unprocessable("Parameters.parameter", "give exactly one of label and category",
          OperationOutcome.IssueType.REQUIRED);
    }
    Coding coding = label != null ? label : category;
    String name = label != null ? "label" : "category";
    if (!coding.hasSystem() || !coding.hasCode()) {
      throw OperationRequests.unprocessable("Parameters.parameter[" + name + "]", "system and code are required",
          OperationOutcome.IssueType.REQUIRED);
    }
    return new Restriction(name, coding.getSystem(), coding.getCode());
  }

  private static String patientOf(Reference patient, RequestDetails request) {
    Caller caller = RequestCallers.of(request).orElseThrow(() -> new ForbiddenOperationException("no caller"));
    String asked = patient == null || !patient.hasReference() ? null : new IdType(patient.getReference()).getIdPart();
    if (caller.has(Role.RESIDENT) && caller.patient() != null) {
      if (asked != null && !asked.equals(caller.patient())) {
        throw new ForbiddenOperationException("a resident restricts access to their own record only");
      }
      return caller.patient();
    }
    if (caller.has(Role.OPERATOR)) {
      if (asked == null) {
        throw new InvalidRequestException("patient (Patient/<id>) is required");
      }
      return asked;
    }
    throw new ForbiddenOperationException("restrictions are set by the resident or an operator");
  }
}
