package cn.healthcard.hub.server.chroniccare;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class ChronicCareIT extends HubIntegrationTest {

  String create(Resource resource) {
    HttpResponse<String> created = post("/" + resource.fhirType(), "application/fhir+json",
        FHIR.newJsonParser().encodeResourceToString(resource));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return resource.fhirType() + "/" + FHIR.newJsonParser().parseResource(created.body()).getIdElement().getIdPart();
  }

  String person() {
    Patient p = new Patient();
    p.addIdentifier().setSystem(CARD).setValue(IdentityNumbers.next());
    return create(p);
  }

  HttpResponse<String> operation(String path, Parameters parameters) {
    return send(HttpRequest.newBuilder(URI.create(base() + path))
        .header("Content-Type", "application/fhir+json")
        .header("X-Hub-Actor", "dr-li@chc-3")
        .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(parameters)))
        .build());
  }

  Parameters enrol(String patient, String programme, String organization, String date) {
    Parameters p = new Parameters();
    p.addParameter().setName("programme").setValue(new CodeType(programme));
    p.addParameter().setName("organization").setValue(new Reference(organization));
    p.addParameter().setName("date").setValue(new DateType(date));
    HttpResponse<String> response = operation("/" + patient + "/$enrol-chronic-care", p);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  /** A follow-up visit with its blood pressure (hypertension) or fasting glucose (t2dm). */
  void followUp(String patient, String programme, String organization, String day, Integer systolic, Integer diastolic,
      String glucose) {
    Encounter visit = new Encounter();
    visit.setStatus(Encounter.EncounterStatus.FINISHED);
    visit.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
    visit.addType(new CodeableConcept(new Coding(ChronicProgramme.FOLLOW_UP_SYSTEM, programme, null)));
    visit.setSubject(new Reference(patient));
    visit.setServiceProvider(new Reference(organization));
    visit.getPeriod().setStartElement(new DateTimeType(day + "T09:30:00+08:00"));
    String encounter = create(visit);
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setSubject(new Reference(patient));
    o.setEncounter(new Reference(encounter));
    o.setEffective(new DateTimeType(day + "T09:35:00+08:00"));
    if (systolic != null) {
      o.setCode(new CodeableConcept(new Coding("http://loinc.org", "85354-9", "Blood pressure panel")));
      o.addComponent().setCode(new CodeableConcept(new Coding("http://loinc.org", "8480-6", "Systolic blood pressure")))
          .setValue(new Quantity().setValue(systolic).setUnit("mmHg").setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
      o.addComponent().setCode(new CodeableConcept(new Coding("http://loinc.org", "8462-4", "Diastolic blood pressure")))
          .setValue(new Quantity().setValue(diastolic).setUnit("mmHg").setSystem("http://unitsofmeasure.org").setCode("mm[Hg]"));
    } else {
      o.setCode(new CodeableConcept(new Coding("http://loinc.org", "1558-6", "Fasting glucose")));
      o.setValue(new Quantity().setValue(new BigDecimal(glucose)).setUnit("mmol/L").setSystem("http://unitsofmeasure.org").setCode("mmol/L"));
    }
    create(o);
  }

  Parameters worklist(String organization, String asOf) {
    HttpResponse<String> response = get("/CarePlan/$follow-ups-due?organization=" + organization + "&asOf=" + asOf);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  static List<String> patients(Parameters worklist) {
    return worklist.getParameters("followUp").stream()
        .map(p -> ((Reference) p.getPart().stream().filter(x -> x.getName().equals("patient")).findFirst().orElseThrow()
            .getValue()).getReference())
        .toList();
  }

  static String part(Parameters worklist, String patient, String name) {
    return worklist.getParameters("followUp").stream()
        .filter(p -> p.getPart().stream().anyMatch(x -> x.getName().equals("patient")
            && ((Reference) x.getValue()).getReference().equals(patient)))
        .findFirst().orElseThrow().getPart().stream().filter(x -> x.getName().equals(name)).findFirst()
        .map(x -> x.getValue().primitiveValue()).orElse(null);
  }

  @Test
  void enrolmentCreatesConditionAndPlanAndTheWorklistFollowsTheVisits() {
    String chc = create(new Organization().setName("Community health centre " + UUID.randomUUID()));
    String controlled = person();
    String uncontrolled = person();
    String neverSeen = person();
    String diabetic = person();
    Parameters enrolled = enrol(controlled, "hypertension", chc, "2026-01-05");
    enrol(uncontrolled, "hypertension", chc, "2026-01-05");
    enrol(neverSeen, "hypertension", chc, "2026-09-20");
    enrol(diabetic, "t2dm", chc, "2026-01-05");

    CarePlan plan = FHIR.newJsonParser().parseResource(CarePlan.class,
        get("/" + ((Reference) enrolled.getParameter("carePlan").getValue()).getReference()).body());
    assertThat(plan.getStatus()).isEqualTo(CarePlan.CarePlanStatus.ACTIVE);
    assertThat(plan.getAddressesFirstRep().getReference()).isEqualTo(((Reference) enrolled.getParameter("condition").getValue()).getReference());
    assertThat(plan.getAuthor().getReference()).isEqualTo(chc);
    cn.healthcard.hub.server.R4Validation.assertValid(plan,
        FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Condition.class,
            get("/" + ((Reference) enrolled.getParameter("condition").getValue()).getReference()).body()),
        FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class,
            get("/Provenance?target=" + ((Reference) enrolled.getParameter("carePlan").getValue()).getReference()).body())
            .getEntryFirstRep().getResource());

    followUp(controlled, "hypertension", chc, "2026-10-01", 128, 82, null);     // next due 2026-12-30
    followUp(uncontrolled, "hypertension", chc, "2026-11-01", 162, 98, null);   // next due 2026-11-15
    followUp(diabetic, "t2dm", chc, "2026-09-01", null, null, "8.4");           // next due 2026-09-15

    Parameters due = worklist(chc, "2026-11-26");

    assertThat(patients(due)).containsExactly(diabetic, uncontrolled);
    assertThat(part(due, uncontrolled, "controlled")).isEqualTo("false");
    assertThat(part(due, uncontrolled, "due")).isEqualTo("2026-11-15");
    assertThat(part(due, uncontrolled, "overdueDays")).isEqualTo("11");
    assertThat(part(due, diabetic, "lastVisit")).isEqualTo("2026-09-01");
    // the person enrolled on 2026-09-20 is due 90 days later
    assertThat(patients(worklist(chc, "2026-12-19"))).contains(neverSeen);
    assertThat(patients(worklist(chc, "2026-12-18"))).doesNotContain(neverSeen);
    assertThat(patients(worklist(chc, "2026-12-30"))).contains(controlled);
  }

  @Test
  void enrollingTwiceInOneProgrammeIsAConflictAndBadInputIsNamed() {
    String chc = create(new Organization().setName("Community health centre " + UUID.randomUUID()));
    String patient = person();
    enrol(patient, "hypertension", chc, LocalDate.now().toString());
    Parameters again = new Parameters();
    again.addParameter().setName("programme").setValue(new CodeType("hypertension"));
    again.addParameter().setName("organization").setValue(new Reference(chc));
    assertThat(operation("/" + patient + "/$enrol-chronic-care", again).statusCode()).isEqualTo(409);

    // the same person in the other programme is fine, and reuses nothing it should not
    enrol(patient, "t2dm", chc, LocalDate.now().toString());

    Parameters unknown = new Parameters();
    unknown.addParameter().setName("programme").setValue(new CodeType("asthma"));
    unknown.addParameter().setName("organization").setValue(new Reference(chc));
    HttpResponse<String> refused = operation("/" + patient + "/$enrol-chronic-care", unknown);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("Parameters.parameter[programme]");

    Parameters noOrganization = new Parameters();
    noOrganization.addParameter().setName("programme").setValue(new CodeType("t2dm"));
    HttpResponse<String> noOrg = operation("/" + patient + "/$enrol-chronic-care", noOrganization);
    assertThat(noOrg.statusCode()).isEqualTo(422);
    assertThat(noOrg.body()).contains("Parameters.parameter[organization]");
  }
}
