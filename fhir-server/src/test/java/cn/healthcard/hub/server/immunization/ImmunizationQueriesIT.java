package cn.healthcard.hub.server.immunization;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.AdverseEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImmunizationQueriesIT extends HubIntegrationTest {
  static final String DIVISION = "https://hub.healthcard.cn/fhir/StructureDefinition/address-division";
  static final String NIP = "https://hub.healthcard.cn/fhir/CodeSystem/nip-vaccine";
  static String lotPrefix;

  Patient resident(String county) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(IdentityNumbers.next());
    patient.addAddress().setText("test address").addExtension(DIVISION,
        new Coding("https://hub.healthcard.cn/fhir/CodeSystem/gbt2260", county, null));
    return patient;
  }

  String create(Patient patient) {
    return client().create().resource(patient).execute().getId().toUnqualifiedVersionless().getValue();
  }

  Immunization dose(String patient, String vaccine, String date, String lot) {
    Immunization immunization = new Immunization();
    immunization.setStatus(Immunization.ImmunizationStatus.COMPLETED);
    immunization.setVaccineCode(new CodeableConcept(new Coding(NIP, vaccine, null)));
    immunization.setPatient(new Reference(patient));
    immunization.setOccurrence(new DateTimeType(date));
    immunization.setLotNumber(lot);
    return immunization;
  }

  @BeforeAll
  static void lots() {
    lotPrefix = "LOT" + System.nanoTime() % 100000;
  }

  @Test
  void patientsAndImmunizationsAreFoundByResidenceDivisionAtEveryLevel() {
    String hohhot = create(resident("150102"));
    String baotou = create(resident("150202"));
    String urumqi = create(resident("650102"));
    for (String patient : List.of(hohhot, baotou, urumqi)) {
      client().create().resource(dose(patient, "HEPB", "2026-01-05", lotPrefix + "A")).execute();
    }

    assertThat(ids(search("Patient?division=1501"))).containsExactly(hohhot);
    assertThat(ids(search("Patient?division=150100"))).containsExactly(hohhot);
    assertThat(ids(search("Patient?division=150102"))).containsExactly(hohhot);
    assertThat(ids(search("Patient?division=15"))).containsExactlyInAnyOrder(hohhot, baotou);
    assertThat(ids(search("Patient?division=150000"))).containsExactlyInAnyOrder(hohhot, baotou);

    Bundle province = search("Immunization?patient.division=15&lot-number=" + lotPrefix + "A&_include=Immunization:patient");
    assertThat(province.getEntry().stream().filter(e -> e.getResource() instanceof Immunization)).hasSize(2);
    assertThat(search("Immunization?patient.division=150000&lot-number=" + lotPrefix + "A").getEntry()).hasSize(2);
    assertThat(ids(province)).contains(hohhot, baotou).doesNotContain(urumqi);
    Bundle county = search("Immunization?patient.division=650102&vaccine-code=" + NIP + "|HEPB&date=ge2026-01-01");
    assertThat(county.getEntry()).hasSize(1);

    HttpResponse<String> bad = get("/Patient?division=21x");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("division must be a GB/T 2260 code");
  }

  @Test
  void anAdverseEventIsLinkedToTheImmunizationItFollowed() {
    String patient = create(resident("540102"));
    String immunization =
        client().create().resource(dose(patient, "DTAP", "2026-03-01", lotPrefix + "B")).execute()
            .getId().toUnqualifiedVersionless().getValue();
    AdverseEvent aefi = new AdverseEvent();
    aefi.setActuality(AdverseEvent.AdverseEventActuality.ACTUAL);
    aefi.setSubject(new Reference(patient));
    aefi.setDate(new java.util.Date());
    aefi.setEvent(new CodeableConcept().setText("high fever after vaccination"));
    aefi.setSeriousness(new CodeableConcept(new Coding(
        "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness", "serious", "Serious")));
    aefi.setOutcome(new CodeableConcept(new Coding(
        "http://terminology.hl7.org/CodeSystem/adverse-event-outcome", "recovering", "Recovering")));
    aefi.setRecorder(new Reference().setDisplay("CDC reporter"));
    aefi.addSuspectEntity().setInstance(new Reference(immunization));
    client().create().resource(aefi).execute();

    Bundle found = search("AdverseEvent?substance=" + immunization);
    assertThat(found.getEntry()).hasSize(1);
    assertThat(((AdverseEvent) found.getEntryFirstRep().getResource()).getSeriousness().getCodingFirstRep().getCode())
        .isEqualTo("serious");
  }

  @Test
  void bulkExportOfImmunizationsIsAsyncNdjsonWithProgressAndRestrictedTypes() throws Exception {
    String patient = create(resident("540102"));
    client().create().resource(dose(patient, "MMR", "2026-06-01", lotPrefix + "C")).execute();

    HttpResponse<String> refused = send(HttpRequest.newBuilder(URI.create(base() + "/$export?_type=Observation"))
        .header("Prefer", "respond-async").header("Accept", "application/fhir+json").GET().build());
    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(refused.body()).contains("Immunization");

    HttpResponse<String> kickoff = send(HttpRequest.newBuilder(URI.create(base() + "/$export?_type=Immunization"))
        .header("Prefer", "respond-async").header("Accept", "application/fhir+json").GET().build());
    assertThat(kickoff.statusCode()).as(kickoff.body()).isEqualTo(202);
    String status = kickoff.headers().firstValue("Content-Location").orElseThrow();

    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    HttpResponse<String> poll;
    String progress = "";
    do {
      Thread.sleep(500);
      poll = send(HttpRequest.newBuilder(URI.create(status)).GET().build());
      if (poll.statusCode() == 202) {
        assertThat(poll.headers().firstValue("X-Progress")).isPresent();
        progress = poll.headers().firstValue("X-Progress").orElse("");
      }
    } while (poll.statusCode() == 202 && Instant.now().isBefore(deadline));
    assertThat(poll.statusCode()).as(progress + " " + poll.body()).isEqualTo(200);
    JsonNode manifest = new ObjectMapper().readTree(poll.body());
    JsonNode output = manifest.get("output");
    assertThat(output).isNotEmpty();
    StringBuilder ndjson = new StringBuilder();
    for (JsonNode file : output) {
      assertThat(file.get("type").asText()).isEqualTo("Immunization");
      ndjson.append(send(HttpRequest.newBuilder(URI.create(file.get("url").asText()))
          .header("Accept", "application/fhir+ndjson").GET().build()).body());
    }
    assertThat(ndjson.toString()).contains(lotPrefix + "C");
    for (String line : ndjson.toString().split("\n")) {
      if (!line.isBlank()) {
        assertThat(FHIR.newJsonParser().parseResource(line)).isInstanceOf(Immunization.class);
      }
    }
  }

  Patient child(String county, String born) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(IdentityNumbers.next(java.time.LocalDate.parse(born)));
    patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(born));
    patient.addAddress().setText("home").addExtension(DIVISION,
        new Coding("https://hub.healthcard.cn/fhir/CodeSystem/gbt2260", county, null));
    return patient;
  }

  @Test
  void theForecastNamesTheNextDueDosesOfTheProgramme() {
    String patient = create(child("230102", "2026-09-01"));
    client().create().resource(dose(patient, "HEPB", "2026-09-01", "F1")).execute();
    client().create().resource(dose(patient, "BCG", "2026-09-01", "F2")).execute();

    org.hl7.fhir.r4.model.ImmunizationRecommendation forecast =
        client().operation().onInstance(patient).named("$immunization-forecast")
            .withParameter(org.hl7.fhir.r4.model.Parameters.class, "asOf", new org.hl7.fhir.r4.model.DateType("2026-11-26"))
            .useHttpGet().returnResourceType(org.hl7.fhir.r4.model.ImmunizationRecommendation.class).execute();

    assertThat(forecast.getPatient().getReference()).isEqualTo(patient);
    var hepb = forecast.getRecommendation().stream()
        .filter(r -> r.getVaccineCode().stream().anyMatch(c -> c.getCoding().stream().anyMatch(x -> "HEPB".equals(x.getCode()))))
        .findFirst().orElseThrow();
    assertThat(hepb.getDoseNumberPositiveIntType().getValue()).isEqualTo(2);
    assertThat(hepb.getSupportingImmunization()).hasSize(1);
    assertThat(forecast.getRecommendation()).anySatisfy(r ->
        assertThat(r.getVaccineCode().get(0).getCodingFirstRep().getCode()).isEqualTo("BCG"));

    HttpResponse<String> beforeBirth = get("/" + patient + "/$immunization-forecast?asOf=2020-01-01");
    assertThat(beforeBirth.statusCode()).isEqualTo(422);
    assertThat(beforeBirth.body()).contains("Parameters.parameter[asOf]");
  }

  @Test
  void coverageCountsChildrenOfACohortWithEachValidDose() {
    String complete = create(child("220102", "2025-02-01"));
    String partial = create(child("220102", "2025-03-01"));
    create(child("220102", "2025-04-01"));
    create(child("220102", "2024-04-01"));
    client().create().resource(dose(complete, "HEPB", "2025-02-01", "C1")).execute();
    client().create().resource(dose(complete, "HEPB", "2025-03-03", "C2")).execute();
    client().create().resource(dose(complete, "HEPB", "2025-08-05", "C3")).execute();
    client().create().resource(dose(partial, "HEPB", "2025-03-01", "C4")).execute();

    org.hl7.fhir.r4.model.Parameters coverage = client().operation().onType(Immunization.class).named("$coverage")
        .withParameter(org.hl7.fhir.r4.model.Parameters.class, "division", new org.hl7.fhir.r4.model.StringType("220102"))
        .andParameter("birthYear", new org.hl7.fhir.r4.model.IntegerType(2025))
        .andParameter("asOf", new org.hl7.fhir.r4.model.DateType("2026-11-26"))
        .useHttpGet().execute();

    assertThat(coverage.getParameter("children").getValue().primitiveValue()).isEqualTo("3");
    java.util.Map<String, String> received = new java.util.HashMap<>();
    for (var dose : coverage.getParameters("dose")) {
      String series = dose.getPart().stream().filter(p -> p.getName().equals("series")).findFirst().orElseThrow().getValue().primitiveValue();
      String number = dose.getPart().stream().filter(p -> p.getName().equals("doseNumber")).findFirst().orElseThrow().getValue().primitiveValue();
      String count = dose.getPart().stream().filter(p -> p.getName().equals("received")).findFirst().orElseThrow().getValue().primitiveValue();
      received.put(series + "-" + number, count);
    }
    assertThat(received).containsEntry("HEPB-1", "2").containsEntry("HEPB-2", "1").containsEntry("HEPB-3", "1")
        .containsEntry("BCG-1", "0");

    HttpResponse<String> noCohort = get("/Immunization/$coverage?division=1501");
    assertThat(noCohort.statusCode()).isEqualTo(422);
    assertThat(noCohort.body()).contains("birthYear");
  }

  @Test
  void anExportWithoutTypeCoversExactlyTheImmunizationTypes() throws Exception {
    create(resident("540102"));
    HttpResponse<String> kickoff = send(HttpRequest.newBuilder(URI.create(base() + "/$export"))
        .header("Prefer", "respond-async").header("Accept", "application/fhir+json").GET().build());
    assertThat(kickoff.statusCode()).as(kickoff.body()).isEqualTo(202);
    String status = kickoff.headers().firstValue("Content-Location").orElseThrow();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(45));
    HttpResponse<String> poll;
    do {
      Thread.sleep(500);
      poll = send(HttpRequest.newBuilder(URI.create(status)).GET().build());
    } while (poll.statusCode() == 202 && Instant.now().isBefore(deadline));
    assertThat(poll.statusCode()).as(poll.headers().map() + " " + poll.body()).isEqualTo(200);
    JsonNode output = new ObjectMapper().readTree(poll.body()).get("output");
    assertThat(output).isNotEmpty();
    for (JsonNode file : output) {
      assertThat(ImmunizationExportScope.TYPES).contains(file.get("type").asText());
    }
  }

  @Test
  void aGroupExportHoldsOnlyTheMembersImmunizations() throws Exception {
    String member = create(resident("540102"));
    String outsider = create(resident("540102"));
    client().create().resource(dose(member, "MMR", "2026-02-01", lotPrefix + "G1")).execute();
    client().create().resource(dose(outsider, "MMR", "2026-02-01", lotPrefix + "G2")).execute();
    org.hl7.fhir.r4.model.Group group = new org.hl7.fhir.r4.model.Group();
    group.setType(org.hl7.fhir.r4.model.Group.GroupType.PERSON).setActual(true);
    group.addMember().setEntity(new Reference(member));
    String groupId = client().create().resource(group).execute().getId().toUnqualifiedVersionless().getValue();

    HttpResponse<String> kickoff = send(HttpRequest.newBuilder(URI.create(base() + "/" + groupId + "/$export?_type=Immunization"))
        .header("Prefer", "respond-async").header("Accept", "application/fhir+json").GET().build());
    assertThat(kickoff.statusCode()).as(kickoff.body()).isEqualTo(202);
    String status = kickoff.headers().firstValue("Content-Location").orElseThrow();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    HttpResponse<String> poll;
    do {
      Thread.sleep(500);
      poll = send(HttpRequest.newBuilder(URI.create(status)).GET().build());
    } while (poll.statusCode() == 202 && Instant.now().isBefore(deadline));
    assertThat(poll.statusCode()).as(poll.body()).isEqualTo(200);
    StringBuilder ndjson = new StringBuilder();
    for (JsonNode file : new ObjectMapper().readTree(poll.body()).get("output")) {
      ndjson.append(send(HttpRequest.newBuilder(URI.create(file.get("url").asText()))
          .header("Accept", "application/fhir+ndjson").GET().build()).body());
    }
    assertThat(ndjson.toString()).contains(lotPrefix + "G1").doesNotContain(lotPrefix + "G2");
  }

  @Test
  void theCoverageProjectionCanBeRebuiltWithProgress() throws Exception {
    String url = "http://localhost:" + port + "/admin/immunization/projection";
    HttpResponse<String> started = send(HttpRequest.newBuilder(URI.create(url + "/rebuild"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(started.statusCode()).isIn(202, 409);
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    JsonNode status;
    do {
      Thread.sleep(200);
      status = new ObjectMapper().readTree(send(HttpRequest.newBuilder(URI.create(url)).GET().build()).body());
    } while (status.get("running").asBoolean() && Instant.now().isBefore(deadline));
    assertThat(status.get("phase").asText()).isEqualTo("done");
    assertThat(status.get("lastBuilt").get("patients").asLong()).isGreaterThan(0);
  }

  Bundle search(String query) {
    return client().search().byUrl(query).returnBundle(Bundle.class).execute();
  }

  static List<String> ids(Bundle bundle) {
    return bundle.getEntry().stream()
        .filter(e -> e.getResource() instanceof Patient)
        .map(e -> e.getResource().getIdElement().toUnqualifiedVersionless().getValue())
        .toList();
  }
}
