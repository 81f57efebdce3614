package cn.healthcard.hub.server.births;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.mappings.birth.BirthProblem;
import cn.healthcard.hub.mappings.birth.BirthReport;
import cn.healthcard.hub.mappings.birth.BirthReports;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Births arrive as ordinary transactions (from FHIR senders, and from the HL7 v2 mapping, which
 * produces the same shape). Before HAPI processes any transaction, the birth reports in it are
 * checked (422 naming the element), recognised as a birth already reported (same mother, birth
 * time and birth order: nothing is created twice; a report that contradicts the first is 409
 * naming the facts), and given the hub's birth identifiers.
 */
@Interceptor
public class BirthReportIntake {
  private static final Logger log = LoggerFactory.getLogger(BirthReportIntake.class);

  private final BirthRegistrations registrations;

  public BirthReportIntake(BirthRegistrations registrations) {
    this.registrations = registrations;
  }

  /** A later report of a birth contradicts the first one. */
  public static class ConflictingBirthReport extends BaseServerResponseException {
    public ConflictingBirthReport(String message, OperationOutcome outcome) {
      super(409, message, outcome);
    }
  }

  @Hook(Pointcut.STORAGE_TRANSACTION_PROCESSING)
  public void beforeTransaction(IBaseBundle bundle) {
    if (bundle instanceof Bundle transaction) {
      prepare(transaction);
    }
  }

  /** Checks, recognises and keys the birth reports in a transaction (in place). */
  public void prepare(Bundle transaction) {
    BirthReports.Read read = BirthReports.read(transaction);
    if (read.isEmpty()) {
      return;
    }
    if (!read.problems().isEmpty()) {
      throw new UnprocessableEntityException(
          "birth report: " + read.problems().get(0).reason(), outcome(read.problems(), OperationOutcome.IssueType.INVALID));
    }
    for (BirthReport report : read.reports()) {
      BirthRegistrations.Allocation allocation = registrations.allocate(report);
      if (!allocation.first()) {
        List<BirthProblem> contradictions = BirthReports.contradictions(allocation.firstFacts(), report.facts());
        if (!contradictions.isEmpty()) {
          log.info("Birth {} reported again with contradicting facts: refused", allocation.id());
          throw new ConflictingBirthReport(
              "this birth was reported before with different facts",
              outcome(contradictions, OperationOutcome.IssueType.CONFLICT));
        }
        log.info("Birth {} reported again: nothing new is created", allocation.id());
      }
      BirthReports.makeIdempotent(report, allocation.id().toString());
    }
  }

  private static OperationOutcome outcome(List<BirthProblem> problems, OperationOutcome.IssueType type) {
    OperationOutcome outcome = new OperationOutcome();
    for (BirthProblem problem : problems) {
      outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type)
          .setDiagnostics(problem.location() + ": " + problem.reason()).addExpression(problem.location());
    }
    return outcome;
  }
}
