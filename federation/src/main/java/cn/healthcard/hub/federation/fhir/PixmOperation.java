package cn.healthcard.hub.federation.fhir;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import cn.healthcard.hub.federation.pixm.CrossReference;
import cn.healthcard.hub.federation.pixm.CrossReference.Outcome;
import cn.healthcard.hub.federation.pixm.PersonIdentifiers;
import cn.healthcard.hub.federation.pixm.PersonIdentifiers.Identifier;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UriType;

/**
 * {@code GET /fhir/Patient/$ihe-pix?sourceIdentifier=<system>|<value>&targetSystem=<system>}
 * (IHE PIXm, ITI-83): the person's identifiers in the target systems as {@code targetIdentifier}
 * parameters and the person as {@code targetId} references ({@code Patient/<id>}). Errors as PIXm prescribes, each an
 * OperationOutcome: 400 for a source system the hub does not know, 404 for a source identifier no
 * one has, 403 for a target system the hub does not know, and 403 when the caller may not see the
 * person's record (the hub's consent rules: hospitals and clinicians the patients their
 * institution treats; peer hubs and operators everyone).
 */
public final class PixmOperation {

  /** Whether the caller may be told about this person (the hub's consent rules; the application decides). */
  @FunctionalInterface
  public interface Disclosure {
    boolean mayDisclose(RequestDetails request, String patientId);
  }

  private final CrossReference crossReference;
  private final Disclosure disclosure;

  public PixmOperation(CrossReference crossReference, Disclosure disclosure) {
    this.crossReference = crossReference;
    this.disclosure = disclosure;
  }

  @Operation(name = "$ihe-pix", idempotent = true, type = Patient.class)
  public Parameters pix(
      @OperationParam(name = "sourceIdentifier", min = 0, max = 1) StringType sourceIdentifier,
      @OperationParam(name = "targetSystem", min = 0, max = OperationParam.MAX_UNLIMITED) List<UriType> targetSystems,
      RequestDetails request) {
    Identifier source = source(sourceIdentifier);
    List<String> targets = new ArrayList<>();
    if (targetSystems != null) {
      for (UriType target : targetSystems) {
        if (target != null && target.hasValue()) {
          // several systems may come as one comma-separated value (PIXm allows both)
          for (String system : target.getValue().split(",")) {
            if (!system.isBlank()) {
              targets.add(system.strip());
            }
          }
        }
      }
    }
    Outcome outcome = crossReference.query(source, targets);
    if (outcome instanceof Outcome.UnknownSourceSystem unknown) {
      throw new InvalidRequestException("sourceIdentifier Assigning Authority not found",
          issue(IssueType.CODEINVALID, "sourceIdentifier Assigning Authority not found: " + unknown.system(), "sourceIdentifier"));
    }
    if (outcome instanceof Outcome.UnknownTargetSystem unknown) {
      throw new ForbiddenOperationException("targetSystem not found",
          issue(IssueType.CODEINVALID, "targetSystem not found: " + unknown.system(), "targetSystem"));
    }
    if (outcome instanceof Outcome.UnknownSourceIdentifier) {
      throw new ResourceNotFoundException("sourceIdentifier Patient Identifier not found",
          issue(IssueType.NOTFOUND, "sourceIdentifier Patient Identifier not found", "sourceIdentifier"));
    }
    List<PersonIdentifiers.Person> people = ((Outcome.Found) outcome).people().stream()
        .filter(p -> disclosure.mayDisclose(request, p.patientId())).toList();
    if (people.isEmpty()) {
      // the identifiers name where a person was treated: only for those who may see the record
      throw new ForbiddenOperationException("Access denied: no treatment relationship or consent covers this person",
          issue(IssueType.FORBIDDEN, "no treatment relationship or consent covers this person", "sourceIdentifier"));
    }
    Parameters out = new Parameters();
    for (PersonIdentifiers.Person person : people) {
      for (Identifier identifier : person.identifiers()) {
        out.addParameter().setName("targetIdentifier")
            .setValue(new org.hl7.fhir.r4.model.Identifier().setSystem(identifier.system()).setValue(identifier.value()));
      }
    }
    for (PersonIdentifiers.Person person : people) {
      out.addParameter().setName("targetId").setValue(new Reference("Patient/" + person.patientId()));
    }
    return out;
  }

  private static Identifier source(StringType parameter) {
    String text = parameter == null ? "" : parameter.getValueNotNull().strip();
    int bar = text.indexOf('|');
    if (bar <= 0 || bar == text.length() - 1) {
      throw new InvalidRequestException("sourceIdentifier is required as <system>|<value>",
          issue(IssueType.REQUIRED, "sourceIdentifier is required as <system>|<value>", "sourceIdentifier"));
    }
    return new Identifier(text.substring(0, bar), text.substring(bar + 1));
  }

  private static OperationOutcome issue(IssueType type, String message, String parameter) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message)
        .addExpression("Parameters.parameter.where(name = '" + parameter + "')");
    return outcome;
  }
}
