package cn.healthcard.hub.server.chroniccare;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.server.operations.OperationRequests;
import cn.healthcard.hub.server.records.RecordProvenance;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Timing;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Chronic-disease management for hypertension and type 2 diabetes (see {@link ChronicProgramme}):
 *
 * <ul>
 *   <li>{@code Patient/{id}/$enrol-chronic-care} ({@code programme}, {@code organization},
 *       {@code date}): the diagnosis (Condition, reused when the person already has it active) and
 *       the management plan (CarePlan: category the programme, addresses the Condition, author the
 *       managing institution, a follow-up activity every three months), with a Provenance;
 *       enrolling again in a programme the person is in is 409.
 *   <li>Follow-up visits are ordinary FHIR: an Encounter whose {@code type} is the programme's
 *       follow-up code ({@link ChronicProgramme#FOLLOW_UP_SYSTEM}), and Observations of the visit
 *       (blood pressure panel 85354-9 with 8480-6/8462-4 components; fasting glucose 1558-6).
 *   <li>{@code CarePlan/$follow-ups-due} ({@code organization}, {@code programme}, {@code asOf}):
 *       the worklist: each active plan whose next follow-up is due by {@code asOf}, most overdue
 *       first, with its last visit and whether that visit found the disease controlled.
 * </ul>
 */
public class ChronicCareOperations {
  static final ZoneId PROVINCE_ZONE = ZoneId.of("Asia/Shanghai");
  static final int WORKLIST_LIMIT = 2_000;

  private final DaoRegistry daos;
  private final TransactionTemplate transactions;

  public ChronicCareOperations(DaoRegistry daos, TransactionTemplate transactions) {
    this.daos = daos;
    this.transactions = transactions;
  }

  @Operation(name = "$enrol-chronic-care", type = Patient.class)
  public Parameters enrol(
      @IdParam IdType patientId,
      @OperationParam(name = "programme", min = 0) CodeType programmeCode,
      @OperationParam(name = "organization", min = 0) Reference organization,
      @OperationParam(name = "date", min = 0) DateType date,
      RequestDetails request) {
    ChronicProgramme programme = programme(programmeCode);
    if (organization == null || !organization.hasReference() || !organization.getReference().startsWith("Organization/")) {
      throw invalid("Parameters.parameter[organization]", "a reference to the managing Organization is required");
    }
    LocalDate enrolled = date == null || !date.hasValue() ? LocalDate.now(PROVINCE_ZONE) : LocalDate.parse(date.getValueAsString());
    String subject = "Patient/" + daos.getResourceDao(Patient.class)
        .read(patientId.toUnqualifiedVersionless(), new SystemRequestDetails()).getIdElement().getIdPart();
    return transactions.execute(tx -> {
      if (!activePlans(subject, programme).isEmpty()) {
        throw new ResourceVersionConflictException("the person is already enrolled in the " + programme.code() + " programme");
      }
      Condition condition = activeCondition(subject, programme).orElseGet(() -> {
        Condition c = new Condition();
        c.setClinicalStatus(new CodeableConcept(new Coding(
            "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active")));
        c.setVerificationStatus(new CodeableConcept(new Coding(
            "http://terminology.hl7.org/CodeSystem/condition-ver-status", "confirmed", "Confirmed")));
        c.addCategory(new CodeableConcept(new Coding(
            "http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item", "Problem List Item")));
        c.setCode(programme.condition());
        c.setSubject(new Reference(subject));
        c.setRecordedDateElement(new org.hl7.fhir.r4.model.DateTimeType(enrolled.toString()));
        c.setId(daos.getResourceDao(Condition.class).create(c, new SystemRequestDetails()).getId());
        return c;
      });
      String conditionRef = "Condition/" + condition.getIdElement().getIdPart();
      CarePlan plan = new CarePlan();
      plan.setStatus(CarePlan.CarePlanStatus.ACTIVE);
      plan.setIntent(CarePlan.CarePlanIntent.PLAN);
      plan.addCategory(new CodeableConcept(programme.programme()));
      plan.setTitle(programme.programme().getDisplay());
      plan.setSubject(new Reference(subject));
      plan.addAddresses(new Reference(conditionRef));
      plan.setAuthor(new Reference(organization.getReference()));
      plan.setPeriod(new Period().setStartElement(new org.hl7.fhir.r4.model.DateTimeType(enrolled.toString())));
      CarePlan.CarePlanActivityDetailComponent detail = plan.addActivity().getDetail();
      detail.setKind(CarePlan.CarePlanActivityKind.APPOINTMENT);
      detail.setCode(new CodeableConcept(programme.followUp()));
      detail.setStatus(CarePlan.CarePlanActivityStatus.SCHEDULED);
      detail.setScheduled(new Timing().setRepeat(new Timing.TimingRepeatComponent()
          .setFrequency(1).setPeriod(3).setPeriodUnit(Timing.UnitsOfTime.MO)));
      DaoMethodOutcome created = daos.getResourceDao(CarePlan.class).create(plan, new SystemRequestDetails());
      Provenance provenance = RecordProvenance.of(created.getId(), null, "chronic-care-enrolment",
          "Chronic-care enrolment", null, OperationRequests.actor(request), new Reference(organization.getReference()));
      daos.getResourceDao(Provenance.class).create(provenance, new SystemRequestDetails());
      Parameters out = new Parameters();
      out.addParameter().setName("carePlan").setValue(new Reference(created.getId().toUnqualifiedVersionless().getValue()));
      out.addParameter().setName("condition").setValue(new Reference(conditionRef));
      out.addParameter().setName("due").setValue(new DateType(programme.nextDue(enrolled, Optional.empty()).toString()));
      return out;
    });
  }

  @Operation(name = "$follow-ups-due", type = CarePlan.class, idempotent = true)
  public Parameters followUpsDue(
      @OperationParam(name = "organization", min = 0) Reference organization,
      @OperationParam(name = "programme", min = 0) CodeType programmeCode,
      @OperationParam(name = "asOf", min = 0) DateType asOf) {
    LocalDate day = asOf == null || !asOf.hasValue() ? LocalDate.now(PROVINCE_ZONE) : LocalDate.parse(asOf.getValueAsString());
    List<ChronicProgramme> programmes = programmeCode == null ? List.of(ChronicProgramme.values()) : List.of(programme(programmeCode));
    List<Due> due = new ArrayList<>();
    for (ChronicProgramme programme : programmes) {
      SearchParameterMap plans = SearchParameterMap.newSynchronous()
          .add("category", new TokenParam(ChronicProgramme.PROGRAMME_SYSTEM, programme.code()))
          .add("status", new TokenParam("active"));
      if (organization != null && organization.hasReference()) {
        plans.add("author", new ReferenceParam(organization.getReference()));
      }
      plans.setCount(WORKLIST_LIMIT);
      for (IBaseResource found : daos.getResourceDao(CarePlan.class).search(plans, new SystemRequestDetails())
          .getResources(0, WORKLIST_LIMIT)) {
        CarePlan plan = (CarePlan) found;
        LocalDate enrolled = plan.getPeriod().hasStart()
            ? plan.getPeriod().getStartElement().getValue().toInstant().atZone(PROVINCE_ZONE).toLocalDate() : day;
        Optional<Encounter> last = lastFollowUp(plan.getSubject().getReference(), programme);
        LocalDate since = last.map(e -> e.getPeriod().getStart().toInstant().atZone(PROVINCE_ZONE).toLocalDate())
            .filter(d -> !d.isBefore(enrolled)).orElse(enrolled);
        Optional<Boolean> controlled = last.flatMap(e -> programme.controlled(measurements(e)));
        LocalDate next = programme.nextDue(since, controlled);
        if (!next.isAfter(day)) {
          due.add(new Due(plan, programme, last.map(e -> since), controlled, next, ChronoUnit.DAYS.between(next, day)));
        }
      }
    }
    due.sort(Comparator.comparing(Due::due).thenComparing(d -> d.plan().getIdElement().getIdPart()));
    Parameters out = new Parameters();
    out.addParameter().setName("asOf").setValue(new DateType(day.toString()));
    out.addParameter().setName("total").setValue(new IntegerType(due.size()));
    for (Due d : due) {
      Parameters.ParametersParameterComponent item = out.addParameter().setName("followUp");
      item.addPart().setName("patient").setValue(new Reference(d.plan().getSubject().getReference()));
      item.addPart().setName("carePlan").setValue(new Reference("CarePlan/" + d.plan().getIdElement().getIdPart()));
      item.addPart().setName("programme").setValue(new CodeType(d.programme().code()));
      d.lastVisit().ifPresent(v -> item.addPart().setName("lastVisit").setValue(new DateType(v.toString())));
      d.controlled().ifPresent(c -> item.addPart().setName("controlled").setValue(new org.hl7.fhir.r4.model.BooleanType(c)));
      item.addPart().setName("due").setValue(new DateType(d.due().toString()));
      item.addPart().setName("overdueDays").setValue(new IntegerType((int) d.overdueDays()));
    }
    return out;
  }

  private record Due(CarePlan plan, ChronicProgramme programme, Optional<LocalDate> lastVisit,
      Optional<Boolean> controlled, LocalDate due, long overdueDays) {}

  private Optional<Encounter> lastFollowUp(String subject, ChronicProgramme programme) {
    SearchParameterMap map = SearchParameterMap.newSynchronous()
        .add("subject", new ReferenceParam(subject))
        .add("type", new TokenParam(ChronicProgramme.FOLLOW_UP_SYSTEM, programme.code()));
    map.setSort(new SortSpec("date", SortOrderEnum.DESC));
    map.setCount(1);
    List<IBaseResource> found = daos.getResourceDao(Encounter.class).search(map, new SystemRequestDetails()).getResources(0, 1);
    return found.stream().findFirst().map(Encounter.class::cast).filter(e -> e.getPeriod().hasStart());
  }

  private List<Observation> measurements(Encounter visit) {
    SearchParameterMap map = SearchParameterMap.newSynchronous("encounter",
        new ReferenceParam("Encounter/" + visit.getIdElement().getIdPart()));
    IBundleProvider found = daos.getResourceDao(Observation.class).search(map, new SystemRequestDetails());
    return found.getResources(0, 100).stream().map(Observation.class::cast).toList();
  }

  private List<IBaseResource> activePlans(String subject, ChronicProgramme programme) {
    SearchParameterMap map = SearchParameterMap.newSynchronous()
        .add("subject", new ReferenceParam(subject))
        .add("category", new TokenParam(ChronicProgramme.PROGRAMME_SYSTEM, programme.code()))
        .add("status", new TokenParam("active"));
    return daos.getResourceDao(CarePlan.class).search(map, new SystemRequestDetails()).getResources(0, 10);
  }

  private Optional<Condition> activeCondition(String subject, ChronicProgramme programme) {
    SearchParameterMap map = SearchParameterMap.newSynchronous()
        .add("subject", new ReferenceParam(subject))
        .add("code", new TokenParam(ChronicProgramme.SNOMED, programme.snomedCode()))
        .add("clinical-status", new TokenParam("active"));
    return daos.getResourceDao(Condition.class).search(map, new SystemRequestDetails()).getResources(0, 1)
        .stream().findFirst().map(Condition.class::cast);
  }

  private static ChronicProgramme programme(CodeType code) {
    if (code == null || !code.hasValue()) {
      throw invalid("Parameters.parameter[programme]", "required: hypertension or t2dm");
    }
    return ChronicProgramme.of(code.getValue())
        .orElseThrow(() -> invalid("Parameters.parameter[programme]", "unknown programme '" + code.getValue() + "': hypertension or t2dm"));
  }

  private static UnprocessableEntityException invalid(String expression, String reason) {
    return OperationRequests.unprocessable(expression, reason, OperationOutcome.IssueType.REQUIRED);
  }
}
