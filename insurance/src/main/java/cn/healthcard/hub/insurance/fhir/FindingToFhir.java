package cn.healthcard.hub.insurance.fhir;

import cn.healthcard.hub.insurance.supervision.StoredFinding;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Task;

/**
 * A fund-supervision finding as FHIR: a {@code DetectedIssue} (the rule as its code, the claims it
 * saw as {@code implicated}) and a review {@code Task} owned by the county's insurance office. Pure.
 */
public final class FindingToFhir {

  public static final String FINDING = HubCodeSystems.BASE + "/NamingSystem/insurance-finding";

  private FindingToFhir() {}

  /** @param claimResources the Claim resource ids of the finding's claim and then its evidence */
  public static DetectedIssue issue(StoredFinding f, String patient, List<String> claimResources, Instant at) {
    DetectedIssue issue = new DetectedIssue();
    issue.addIdentifier(new Identifier().setSystem(FINDING).setValue(f.id()));
    issue.setStatus(DetectedIssue.DetectedIssueStatus.fromCode(f.status().detectedIssueStatus()));
    issue.setCode(new CodeableConcept(new Coding(cn.healthcard.hub.insurance.supervision.SupervisionRule.SYSTEM,
        f.rule().code(), f.rule().display())));
    issue.setSeverity(DetectedIssue.DetectedIssueSeverity.fromCode(f.rule().severity()));
    issue.setPatient(new Reference("Patient/" + patient));
    issue.setIdentified(new org.hl7.fhir.r4.model.DateTimeType(Date.from(at)));
    claimResources.forEach(c -> issue.addImplicated(new Reference("Claim/" + c)));
    issue.setDetail(f.detail());
    if (!claimResources.isEmpty()) {
      issue.addEvidence().addDetail(new Reference("Claim/" + claimResources.get(0)));
    }
    return issue;
  }

  public static Task review(StoredFinding f, String patient, String detectedIssue, Instant at) {
    Task task = new Task();
    task.addIdentifier(new Identifier().setSystem(FINDING).setValue(f.id()));
    task.setStatus(Task.TaskStatus.REQUESTED);
    task.setIntent(Task.TaskIntent.ORDER);
    task.setPriority(f.rule().severity().equals("high") ? Task.TaskPriority.URGENT : Task.TaskPriority.ROUTINE);
    task.setCode(new CodeableConcept(new Coding(InsuranceCodes.TASK_CODE, "fund-supervision-review",
        "Review a fund-supervision finding")));
    task.setDescription(f.rule().display() + ": " + f.detail());
    task.setFocus(new Reference("DetectedIssue/" + detectedIssue));
    task.setFor(new Reference("Patient/" + patient));
    task.setAuthoredOn(Date.from(at));
    task.setOwner(new Reference().setIdentifier(new Identifier().setSystem(HubCodeSystems.DIVISION).setValue(f.county()))
        .setDisplay("insurance office of county " + f.county()));
    return task;
  }
}
