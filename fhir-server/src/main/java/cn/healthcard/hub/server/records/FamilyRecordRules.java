package cn.healthcard.hub.server.records;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.Terminology;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Provenance;

/**
 * Family records: a household is a {@code Group} (code {@link #GROUP_KIND_SYSTEM}|{@code
 * household}, type person, actual) whose members are Patients, each with its relationship to the
 * head of the household in GB/T 4761-2008 ({@link #RELATIONSHIP_EXTENSION}, valueCoding). The
 * hub checks the shape (exactly one head, code 02; every code known; no member twice) and records
 * a Provenance for every version written.
 */
@Interceptor
public class FamilyRecordRules {
  public static final String GROUP_KIND_SYSTEM = HubCodeSystems.BASE + "/CodeSystem/group-kind";
  public static final String HOUSEHOLD = "household";
  public static final String RELATIONSHIP_EXTENSION = HubCodeSystems.BASE + "/StructureDefinition/family-relationship";
  /** GB/T 4761-2008 户主 (head of household). */
  public static final String HEAD = "02";

  private final Terminology terminology;
  private final DaoRegistry daos;

  public FamilyRecordRules(Terminology terminology, DaoRegistry daos) {
    this.terminology = terminology;
    this.daos = daos;
  }

  static boolean isHousehold(IBaseResource resource) {
    return resource instanceof Group group && group.getCode().getCoding().stream()
        .anyMatch(c -> GROUP_KIND_SYSTEM.equals(c.getSystem()) && HOUSEHOLD.equals(c.getCode()));
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
  public void beforeCreate(IBaseResource resource) {
    check(resource);
  }

  @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
  public void beforeUpdate(IBaseResource previous, IBaseResource resource) {
    check(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource, RequestDetails request) {
    record(resource, null, request, "household-created", "Household record created");
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource, RequestDetails request) {
    record(resource, previous, request, "household-updated", "Household record updated");
  }

  private void record(IBaseResource resource, IBaseResource previous, RequestDetails request, String activity,
      String display) {
    if (!isHousehold(resource)) {
      return;
    }
    org.hl7.fhir.instance.model.api.IIdType written =
        resource.getIdElement().withVersion(resource.getMeta().getVersionId()).toUnqualified();
    // HAPI may announce one write more than once in a request; one Provenance per version written
    String marker = "household-provenance " + written.getValue();
    if (request != null) {
      if (request.getUserData().containsKey(marker)) {
        return;
      }
      request.getUserData().put(marker, Boolean.TRUE);
    }
    org.hl7.fhir.instance.model.api.IIdType before = previous == null ? null
        : previous.getIdElement().withVersion(previous.getMeta().getVersionId()).toUnqualified();
    Provenance provenance = RecordProvenance.of(written, before, activity, display, null, cn.healthcard.hub.server.operations.OperationRequests.actor(request), null);
    daos.getResourceDao(Provenance.class).create(provenance, new SystemRequestDetails());
  }

  private void check(IBaseResource resource) {
    if (!isHousehold(resource)) {
      return;
    }
    Group group = (Group) resource;
    List<String[]> problems = new ArrayList<>();
    if (group.getType() != Group.GroupType.PERSON) {
      problems.add(new String[] {"Group.type", "a household's members are persons (type person)"});
    }
    if (!group.getActual()) {
      problems.add(new String[] {"Group.actual", "a household lists actual members (actual true)"});
    }
    int heads = 0;
    Set<String> members = new HashSet<>();
    for (int i = 0; i < group.getMember().size(); i++) {
      Group.GroupMemberComponent member = group.getMember().get(i);
      String at = "Group.member[" + i + "]";
      String entity = member.getEntity().getReference();
      if (entity == null || !entity.startsWith("Patient/")) {
        problems.add(new String[] {at + ".entity", "a household member is a Patient"});
      } else if (!members.add(entity)) {
        problems.add(new String[] {at + ".entity", "the same person is listed twice"});
      }
      Extension relationship = member.getExtensionByUrl(RELATIONSHIP_EXTENSION);
      String where = at + ".extension('" + RELATIONSHIP_EXTENSION + "')";
      if (relationship == null || !(relationship.getValue() instanceof Coding coding)) {
        problems.add(new String[] {where, "each member's relationship to the head of the household is required (GB/T 4761 valueCoding)"});
        continue;
      }
      if (!HubCodeSystems.FAMILY_RELATIONSHIP.equals(coding.getSystem())
          || terminology.concept(coding.getSystem(), coding.getCode()).isEmpty()) {
        problems.add(new String[] {where, "'" + coding.getCode() + "' is not a GB/T 4761-2008 family relationship code ("
            + HubCodeSystems.FAMILY_RELATIONSHIP + ")"});
      } else if (HEAD.equals(coding.getCode())) {
        heads++;
      }
    }
    if (heads != 1) {
      problems.add(new String[] {"Group.member", "a household has exactly one head (GB/T 4761 code 02), found " + heads});
    }
    if (!problems.isEmpty()) {
      OperationOutcome outcome = new OperationOutcome();
      for (String[] p : problems) {
        outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.INVALID)
            .setDiagnostics(p[0] + ": " + p[1]).addExpression(p[0]);
      }
      throw new UnprocessableEntityException("household record: " + problems.get(0)[1], outcome);
    }
  }
}
