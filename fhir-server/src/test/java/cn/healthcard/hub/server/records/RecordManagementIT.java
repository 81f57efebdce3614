package cn.healthcard.hub.server.records;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class RecordManagementIT extends HubIntegrationTest {

  String create(Resource resource) {
    HttpResponse<String> created = post("/" + resource.fhirType(), "application/fhir+json",
        FHIR.newJsonParser().encodeResourceToString(resource));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return resource.fhirType() + "/" + FHIR.newJsonParser().parseResource(created.body()).getIdElement().getIdPart();
  }

  String cardPatient() {
    Patient p = new Patient();
    p.addIdentifier().setSystem(CARD).setValue(IdentityNumbers.next());
    return create(p);
  }

  String mrnPatient() {
    Patient p = new Patient();
    p.addIdentifier().setSystem("https://hub.healthcard.cn/fhir/NamingSystem/clinic-7/mrn").setValue("M" + UUID.randomUUID());
    return create(p);
  }

  String observationOf(String patient) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(new CodeableConcept(new Coding("http://loinc.org", "29463-7", "Body weight")));
    o.setSubject(new Reference(patient));
    return create(o);
  }

  HttpResponse<String> operation(String path, Parameters parameters) {
    return send(HttpRequest.newBuilder(URI.create(base() + path))
        .header("Content-Type", "application/fhir+json")
        .header("X-Hub-Actor", "dr-wang@clinic-7")
        .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(parameters)))
        .build());
  }

  static Parameters merge(String source, String target) {
    Parameters p = new Parameters();
    p.addParameter().setName("source-patient").setValue(new Reference(source));
    p.addParameter().setName("target-patient").setValue(new Reference(target));
    return p;
  }

  <T extends Resource> T read(Class<T> type, String reference) {
    HttpResponse<String> response = get("/" + reference);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(type, response.body());
  }

  Bundle search(String query) {
    HttpResponse<String> response = get("/" + query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  @Test
  void mergingMovesReferencesToTheCardRecordAndCanBeUndone() {
    String survivor = cardPatient();
    String duplicate = mrnPatient();
    String weight = observationOf(duplicate);

    HttpResponse<String> merged = operation("/Patient/$merge", merge(duplicate, survivor));

    assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
    assertThat(read(Observation.class, weight).getSubject().getReference()).isEqualTo(survivor);
    Patient gone = read(Patient.class, duplicate);
    assertThat(gone.getActive()).isFalse();
    assertThat(gone.getLink()).anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY && survivor.equals(l.getOther().getReference()));
    assertThat(read(Patient.class, survivor).getIdentifier()).anyMatch(i -> i.getSystem().endsWith("/mrn"));
    Bundle provenance = search("Provenance?target=" + survivor);
    assertThat(provenance.getEntry()).isNotEmpty();

    HttpResponse<String> undone = operation("/Patient/$hapi.fhir.undo-merge", merge(duplicate, survivor));

    assertThat(undone.statusCode()).as(undone.body()).isEqualTo(200);
    assertThat(read(Observation.class, weight).getSubject().getReference()).isEqualTo(duplicate);
    assertThat(read(Patient.class, duplicate).getLink()).isEmpty();
  }

  @Test
  void aMergeIntoTheRecordWithoutTheCardIsRefused() {
    String card = cardPatient();
    String other = mrnPatient();

    HttpResponse<String> refused = operation("/Patient/$merge", merge(card, other));

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, refused.body());
    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Parameters.parameter[target-patient]");
    assertThat(read(Patient.class, card).hasActive() && !read(Patient.class, card).getActive()).isFalse();
  }

  @Test
  void twoRecordsWithDifferentCardNumbersAreNeverMerged() {
    HttpResponse<String> refused = operation("/Patient/$merge", merge(cardPatient(), cardPatient()));
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
    assertThat(refused.body()).contains("two persons");
  }

  @Test
  void aMergeOlderThanTheGracePeriodCannotBeUndone() {
    String survivor = cardPatient();
    String duplicate = mrnPatient();
    assertThat(operation("/Patient/$merge", merge(duplicate, survivor)).statusCode()).isEqualTo(200);
    // the merge happened 31 days ago
    for (Bundle.BundleEntryComponent e : search("Provenance?target=" + survivor).getEntry()) {
      Provenance p = (Provenance) e.getResource();
      p.setRecorded(new Date(System.currentTimeMillis() - 31L * 24 * 3600 * 1000));
      HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(base() + "/Provenance/" + p.getIdElement().getIdPart()))
          .header("Content-Type", "application/fhir+json")
          .PUT(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(p))).build());
      assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
    }

    HttpResponse<String> late = operation("/Patient/$hapi.fhir.undo-merge", merge(duplicate, survivor));

    assertThat(late.statusCode()).as(late.body()).isEqualTo(422);
    assertThat(late.body()).contains("can be undone for 30 days");
    assertThat(read(Patient.class, duplicate).getActive()).isFalse();
  }

  @Test
  void transferOutChangesTheManagingInstitutionAndLeavesAProvenance() {
    String from = create(new Organization().setName("Heping community health centre"));
    String to = create(new Organization().setName("Shenhe community health centre"));
    Patient p = new Patient();
    p.addIdentifier().setSystem(CARD).setValue(IdentityNumbers.next());
    p.setManagingOrganization(new Reference(from));
    String patient = create(p);

    Parameters transfer = new Parameters();
    transfer.addParameter().setName("destination").setValue(new Reference(to));
    transfer.addParameter().setName("reason").setValue(new StringType("moved to Shenhe district"));
    HttpResponse<String> moved = operation("/" + patient + "/$transfer-out", transfer);

    assertThat(moved.statusCode()).as(moved.body()).isEqualTo(200);
    assertThat(read(Patient.class, patient).getManagingOrganization().getReference()).isEqualTo(to);
    assertThat(read(Patient.class, patient + "/_history/1").getManagingOrganization().getReference()).isEqualTo(from);
    Provenance provenance = (Provenance) search("Provenance?target=" + patient + "/_history/2").getEntryFirstRep().getResource();
    assertThat(provenance.getActivity().getCodingFirstRep().getCode()).isEqualTo("transfer-out");
    // the actor comes from the access token; the X-Hub-Actor header the request also sends is ignored
    assertThat(provenance.getAgentFirstRep().getWho().getDisplay()).isEqualTo("client:" + TEST_CLIENT);
    assertThat(provenance.getAgentFirstRep().getOnBehalfOf().getReference()).isEqualTo(from);
    assertThat(provenance.getEntityFirstRep().getWhat().getReference()).isEqualTo(patient + "/_history/1");
    cn.healthcard.hub.server.R4Validation.assertValid(provenance, read(Patient.class, patient));

    HttpResponse<String> again = operation("/" + patient + "/$transfer-out", transfer);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(409);
    Parameters nowhere = new Parameters();
    nowhere.addParameter().setName("destination").setValue(new Reference("Organization/does-not-exist"));
    assertThat(operation("/" + patient + "/$transfer-out", nowhere).statusCode()).isEqualTo(422);
  }

  @Test
  void cancellingARecordKeepsEverythingAndRefusesFurtherChanges() {
    String patient = cardPatient();
    String weight = observationOf(patient);
    Parameters cancel = new Parameters();
    cancel.addParameter().setName("reason").setValue(new CodeType("death"));
    cancel.addParameter().setName("date").setValue(new DateType("2026-11-01"));

    HttpResponse<String> cancelled = operation("/" + patient + "/$cancel-record", cancel);

    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
    Patient closed = read(Patient.class, patient);
    assertThat(closed.getActive()).isFalse();
    assertThat(closed.getDeceasedDateTimeType().getValueAsString()).isEqualTo("2026-11-01");
    assertThat(closed.getExtensionByUrl(RecordOperations.CANCELLATION_EXTENSION)).isNotNull();
    cn.healthcard.hub.server.R4Validation.assertValid(closed);
    assertThat(read(Observation.class, weight).getSubject().getReference()).isEqualTo(patient);
    assertThat(search("Provenance?target=" + patient + "/_history/2").getEntry()).hasSize(1);

    assertThat(operation("/" + patient + "/$cancel-record", cancel).statusCode()).isEqualTo(409);
    Parameters noReason = new Parameters();
    noReason.addParameter().setName("date").setValue(new DateType("2026-11-01"));
    HttpResponse<String> refused = operation("/" + cardPatient() + "/$cancel-record", noReason);
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("Parameters.parameter[reason]");
  }

  static Group household(String head, String spouse, String child, String childCode) {
    Group g = new Group();
    g.setType(Group.GroupType.PERSON).setActual(true);
    g.setCode(new CodeableConcept(new Coding(FamilyRecordRules.GROUP_KIND_SYSTEM, FamilyRecordRules.HOUSEHOLD, "Household")));
    g.setName("Household record");
    member(g, head, "02");
    member(g, spouse, "12");
    member(g, child, childCode);
    return g;
  }

  static void member(Group g, String patient, String code) {
    g.addMember().setEntity(new Reference(patient)).addExtension(FamilyRecordRules.RELATIONSHIP_EXTENSION,
        new Coding(HubCodeSystems.FAMILY_RELATIONSHIP, code, null));
  }

  @Test
  void aHouseholdIsAGroupWithGbt4761Relationships() {
    String head = cardPatient();
    String wife = cardPatient();
    String son = cardPatient();

    String group = create(household(head, wife, son, "20"));

    assertThat(search("Group?member=" + son).getEntry()).hasSize(1);
    cn.healthcard.hub.server.R4Validation.assertValid(read(Group.class, group));
    Bundle provenances = search("Provenance?target=" + group + "/_history/1");
    assertThat(provenances.getEntry()).as(FHIR.newJsonParser().encodeResourceToString(provenances)).hasSize(1);

    HttpResponse<String> badCode = post("/Group", "application/fhir+json",
        FHIR.newJsonParser().encodeResourceToString(household(head, wife, son, "2X")));
    assertThat(badCode.statusCode()).as(badCode.body()).isEqualTo(422);
    assertThat(badCode.body()).contains("Group.member[2].extension");

    Group twoHeads = household(head, wife, son, "02");
    HttpResponse<String> heads = post("/Group", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(twoHeads));
    assertThat(heads.statusCode()).as(heads.body()).isEqualTo(422);
    assertThat(heads.body()).contains("exactly one head");
  }
}
