package cn.healthcard.hub.insurance.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.insurance.Insurance;
import cn.healthcard.hub.insurance.InsuranceRepository;
import cn.healthcard.hub.insurance.claims.ClaimRefused;
import cn.healthcard.hub.insurance.enrolment.Enrolment;
import cn.healthcard.hub.insurance.enrolment.EnrolmentKind;
import cn.healthcard.hub.insurance.enrolment.EnrolmentRefused;
import cn.healthcard.hub.insurance.enrolment.Enrolments;
import cn.healthcard.hub.insurance.supervision.FindingStatus;
import cn.healthcard.hub.insurance.supervision.StoredFinding;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Invoice;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * The insurance's FHIR operations (contract): {@code CoverageEligibilityRequest/$check} and
 * {@code Claim/$submit} for hospitals; {@code Group/{id}/$enrol}, {@code
 * Invoice/{id}/$record-premium} and {@code DetectedIssue/{id}/$review-finding} for the county
 * insurance offices and operators.
 */
public class InsuranceOperations {

  private final Insurance insurance;
  private final InsuranceRepository repository;
  private final InsuranceCallers callers;
  private final Clock clock;

  public InsuranceOperations(Insurance insurance, InsuranceRepository repository, InsuranceCallers callers, Clock clock) {
    this.insurance = insurance;
    this.repository = repository;
    this.callers = callers;
    this.clock = clock;
  }

  @Operation(name = "$check", type = CoverageEligibilityRequest.class, idempotent = false)
  public CoverageEligibilityResponse check(
      @OperationParam(name = "resource", min = 1, max = 1) IBaseResource resource, RequestDetails request) {
    String institution = hospital(request);
    if (!(resource instanceof CoverageEligibilityRequest eligibility)) {
      throw invalid("CoverageEligibilityRequest", "the body is a CoverageEligibilityRequest");
    }
    String card = card(eligibility.getPatient(), "CoverageEligibilityRequest.patient.identifier");
    LocalDate day = eligibility.hasServicedDateType()
        ? LocalDate.parse(eligibility.getServicedDateType().getValueAsString().substring(0, 10))
        : LocalDate.now(clock.withZone(Enrolments.CHINA));
    List<String> items = eligibility.getItem().stream()
        .flatMap(i -> i.getProductOrService().getCoding().stream())
        .filter(c -> InsuranceCodes.CATALOGUE.equals(c.getSystem()) && c.hasCode()).map(c -> c.getCode()).toList();
    Insurance.Eligibility answer = call(() -> insurance.check(card, institution, day, items));
    return EligibilityToFhir.response(eligibility, answer, Date.from(clock.instant()));
  }

  @Operation(name = "$submit", type = Claim.class, idempotent = false)
  public ClaimResponse submit(
      @OperationParam(name = "resource", min = 1, max = 1) IBaseResource resource, RequestDetails request) {
    String institution = hospital(request);
    if (!(resource instanceof Claim claim)) {
      throw invalid("Claim", "the body is a Claim");
    }
    Insurance.Submitted submitted = call(() -> insurance.submit(claim, institution));
    // a new settlement answers the response it just wrote; a repeat or a reversal, the stored one
    return submitted.response().orElseGet(() ->
        repository.read(ClaimResponse.class, submitted.claim().claimResponse().orElseThrow()));
  }

  @Operation(name = "$enrol", type = Group.class, idempotent = false)
  public Parameters enrol(
      @IdParam IdType household,
      @OperationParam(name = "year", min = 0, max = 1) IntegerType year,
      @OperationParam(name = "kind", min = 0, max = 1) CodeType kind,
      RequestDetails request) {
    EnrolmentKind enrolmentKind = kind == null || !kind.hasValue() ? EnrolmentKind.REGULAR
        : EnrolmentKind.fromCode(kind.getValue()).orElseThrow(() -> invalidParameter("kind",
            "kind is regular, newborn or migrant"));
    Optional<Integer> schemeYear = year == null || !year.hasValue() ? Optional.empty() : Optional.of(year.getValue());
    Insurance.Enrolled enrolled = call(() -> insurance.enrol(household.getIdPart(), schemeYear, enrolmentKind,
        callers.actor(request), callers.division(request)));
    Parameters out = new Parameters();
    out.addParameter().setName("invoice").setValue(new Reference("Invoice/" + enrolled.invoice()));
    out.addParameter().setName("amount").setValue(SettlementToFhir.money(enrolled.premium().amountFen()));
    out.addParameter().setName("dueDate").setValue(new org.hl7.fhir.r4.model.DateType(enrolled.premium().dueOn().toString()));
    out.addParameter("scheme", new StringType(enrolled.scheme().reference()));
    for (Enrolment e : enrolled.enrolments()) {
      out.addParameter().setName("coverage").setValue(new Reference("Coverage/" + e.coverage().orElseThrow()));
    }
    return out;
  }

  /** A premium paid at the partner bank's counter or by deduction, recorded by the office or an operator. */
  @Operation(name = "$record-premium", type = Invoice.class, idempotent = false)
  public Parameters recordPremium(
      @IdParam IdType invoice,
      @OperationParam(name = "paidAt", min = 0, max = 1) DateTimeType paidAt,
      @OperationParam(name = "reference", min = 0, max = 1) StringType reference,
      RequestDetails request) {
    if (insurance.enrolments().premiumByInvoice(invoice.getIdPart()).isEmpty()) {
      throw new ResourceNotFoundException("Invoice/" + invoice.getIdPart() + " is not a scheme premium");
    }
    Instant at = paidAt == null || !paidAt.hasValue() ? clock.instant() : paidAt.getValue().toInstant();
    String by = callers.actor(request) + (reference == null || !reference.hasValue() ? "" : " ref " + reference.getValue());
    List<Enrolment> activated = call(() -> insurance.invoicePaid(invoice.getIdPart(), at, by,
        callers.division(request)));
    Parameters out = new Parameters();
    for (Enrolment e : activated) {
      out.addParameter().setName("coverage").setValue(new Reference("Coverage/" + e.coverage().orElseThrow()));
      e.coveredFrom().ifPresent(d -> out.addParameter().setName("coveredFrom")
          .setValue(new org.hl7.fhir.r4.model.DateType(d.toString())));
    }
    return out;
  }

  @Operation(name = "$review-finding", type = DetectedIssue.class, idempotent = false)
  public DetectedIssue reviewFinding(
      @IdParam IdType issue,
      @OperationParam(name = "decision", min = 0, max = 1) CodeType decision,
      @OperationParam(name = "note", min = 0, max = 1) StringType note,
      RequestDetails request) {
    FindingStatus.Decision d;
    if (decision != null && "confirm".equals(decision.getValue())) {
      d = FindingStatus.Decision.CONFIRM;
    } else if (decision != null && "dismiss".equals(decision.getValue())) {
      d = FindingStatus.Decision.DISMISS;
    } else {
      throw invalidParameter("decision", "decision is confirm or dismiss");
    }
    StoredFinding reviewed = call(() -> insurance.review(issue.getIdPart(), d, callers.actor(request),
        note == null ? null : note.getValue(), callers.division(request)));
    return repository.read(DetectedIssue.class, reviewed.detectedIssue().orElseThrow());
  }

  private String hospital(RequestDetails request) {
    return callers.institution(request).orElseThrow(() -> new ForbiddenOperationException(
        "eligibility and claims are sent by a hospital's client (bound to its institution)"));
  }

  private static String card(Reference patient, String element) {
    if (patient == null || patient.getIdentifier() == null
        || !ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(patient.getIdentifier().getSystem())) {
      throw invalid(element, "the patient is named by the card number (identifier system "
          + ResidentIdNumber.HEALTH_CARD_SYSTEM + ")");
    }
    try {
      return ResidentIdNumber.parse(patient.getIdentifier().getValue()).value();
    } catch (InvalidResidentIdNumberException e) {
      throw invalid(element + ".value", "not a valid card number: " + e.getMessage());
    }
  }

  private static <T> T call(Supplier<T> work) {
    try {
      return work.get();
    } catch (ClaimRefused e) {
      if (e.conflict()) {
        ResourceVersionConflictException conflict = new ResourceVersionConflictException(e.getMessage());
        conflict.setOperationOutcome(outcome(OperationOutcome.IssueType.CONFLICT, e.getMessage(), e.element()));
        throw conflict;
      }
      throw invalid(e.element(), e.getMessage());
    } catch (cn.healthcard.hub.insurance.OutsideDivision e) {
      throw new ForbiddenOperationException(e.getMessage());
    } catch (EnrolmentRefused e) {
      throw invalidParameter(e.element(), e.getMessage());
    } catch (IllegalStateException e) {
      ResourceVersionConflictException conflict = new ResourceVersionConflictException(e.getMessage());
      conflict.setOperationOutcome(outcome(OperationOutcome.IssueType.BUSINESSRULE, e.getMessage(), null));
      throw conflict;
    } catch (IllegalArgumentException e) {
      throw new ResourceNotFoundException(e.getMessage());
    }
  }

  static UnprocessableEntityException invalid(String element, String message) {
    return new UnprocessableEntityException(message, outcome(OperationOutcome.IssueType.INVALID, message, element));
  }

  static UnprocessableEntityException invalidParameter(String parameter, String message) {
    return invalid("Parameters.parameter.where(name = '" + parameter + "')", message);
  }

  private static OperationOutcome outcome(OperationOutcome.IssueType type, String message, String element) {
    OperationOutcome outcome = new OperationOutcome();
    OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
        .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
    if (element != null) {
      issue.addExpression(element);
    }
    return outcome;
  }
}
