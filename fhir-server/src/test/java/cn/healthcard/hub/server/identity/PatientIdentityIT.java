package cn.healthcard.hub.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class PatientIdentityIT extends HubIntegrationTest {

  private static String patientJson(String cardNumber, String extra) {
    return "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + CARD + "\",\"value\":\""
        + cardNumber + "\"}]" + extra + "}";
  }

  private OperationOutcome outcome(HttpResponse<String> response) {
    return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
  }

  private void assertRejected(HttpResponse<String> response, String expression, String reason) {
    assertThat(response.statusCode()).isEqualTo(422);
    OperationOutcome outcome = outcome(response);
    assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo(expression);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains(reason);
  }

  @Test
  void wrongLengthIsRejectedWith422NamingTheIdentifier() {
    assertRejected(
        post("/Patient", "application/fhir+json", patientJson("2101021980010100", "")),
        "Patient.identifier[0].value",
        "must be 18 characters");
  }

  @Test
  void badCheckCharacterIsRejectedWith422() {
    String valid = IdentityNumbers.next();
    char wrong = valid.charAt(17) == '1' ? '2' : '1';
    assertRejected(
        post("/Patient", "application/fhir+json", patientJson(valid.substring(0, 17) + wrong, "")),
        "Patient.identifier[0].value",
        "check character does not match");
  }

  @Test
  void impossibleBirthDateInTheNumberIsRejectedWith422() {
    String body = "21010219900230001";
    String number = body + cn.healthcard.hub.terminology.identity.ResidentIdNumber.checkCharacter(body);
    assertRejected(
        post("/Patient", "application/fhir+json", patientJson(number, "")),
        "Patient.identifier[0].value",
        "not a calendar date");
  }

  @Test
  void birthDateContradictingTheCardNumberIsRejectedWith422() {
    String number = IdentityNumbers.next(LocalDate.of(1975, 6, 1));
    assertRejected(
        post("/Patient", "application/fhir+json", patientJson(number, ",\"birthDate\":\"1975-06-02\"")),
        "Patient.birthDate",
        "contradicts the birth date encoded");
    // a year-only birth date that agrees is fine
    assertThat(post("/Patient", "application/fhir+json", patientJson(number, ",\"birthDate\":\"1975\"")).statusCode())
        .isEqualTo(201);
  }

  @Test
  void invalidIdentityCardNumberIsRejectedToo() {
    String json = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"urn:oid:2.16.156.10011.1.3\",\"value\":\"12345\"}]}";
    assertRejected(post("/Patient", "application/fhir+json", json), "Patient.identifier[0].value", "identity-card number");
  }

  @Test
  void invalidPatientInsideATransactionRejectsTheWholeTransaction() {
    String good = IdentityNumbers.next();
    String transaction =
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
            + "{\"fullUrl\":\"urn:uuid:a\",\"resource\":" + patientJson(good, "") + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
            + "{\"fullUrl\":\"urn:uuid:b\",\"resource\":" + patientJson("210102198001010011", "") + ",\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}";
    HttpResponse<String> response = post("", "application/fhir+json", transaction);
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(outcome(response).getIssueFirstRep().getDiagnostics()).contains("check character");
    assertThat(searchByCard(good).getTotal()).isZero();
  }

  @Test
  void legacyFifteenDigitNumberIsStoredAsEighteenAndFoundByEither() {
    String legacy = "210102" + "870707" + "135";
    String full = "210102198707071350".substring(0, 17);
    full = full + cn.healthcard.hub.terminology.identity.ResidentIdNumber.checkCharacter(full);
    HttpResponse<String> created = post("/Patient", "application/fhir+json", patientJson(legacy, ""));
    assertThat(created.statusCode()).isEqualTo(201);
    Patient stored = FHIR.newJsonParser().parseResource(Patient.class, created.body());
    assertThat(stored.getIdentifierFirstRep().getValue()).isEqualTo(full);

    assertThat(searchByCard(legacy).getTotal()).isEqualTo(1);
    assertThat(searchByCard(full).getTotal()).isEqualTo(1);
    assertThat(searchByCard(full).getEntryFirstRep().getResource().getIdElement().getIdPart())
        .isEqualTo(stored.getIdElement().getIdPart());
  }

  @Test
  void secondPlainCreateWithTheSameCardNumberFailsWithAClearConflict() {
    String number = IdentityNumbers.next();
    HttpResponse<String> first = post("/Patient", "application/fhir+json", patientJson(number, ""));
    assertThat(first.statusCode()).isEqualTo(201);
    String firstId = FHIR.newJsonParser().parseResource(Patient.class, first.body()).getIdElement().getIdPart();

    HttpResponse<String> second = post("/Patient", "application/fhir+json", patientJson(number, ""));
    assertThat(second.statusCode()).isEqualTo(409);
    OperationOutcome outcome = outcome(second);
    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.DUPLICATE);
    assertThat(outcome.getIssueFirstRep().getDiagnostics())
        .contains("already has this health-card number")
        .contains("Patient/" + firstId)
        .doesNotContain(number);
    assertThat(searchByCard(number).getTotal()).isEqualTo(1);
  }

  @Test
  void sixteenConcurrentConditionalCreatesLeaveExactlyOnePatient() throws Exception {
    String number = IdentityNumbers.next();
    int writers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> results = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      results.add(
          pool.submit(
              () -> {
                start.await();
                return send(
                    HttpRequest.newBuilder(URI.create(base() + "/Patient"))
                        .header("Content-Type", "application/fhir+json")
                        .header("If-None-Exist", "identifier=" + CARD + "|" + number)
                        .POST(HttpRequest.BodyPublishers.ofString(patientJson(number, "")))
                        .build());
              }));
    }
    start.countDown();
    List<Integer> statuses = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (Future<HttpResponse<String>> result : results) {
      HttpResponse<String> response = result.get();
      statuses.add(response.statusCode());
      if (response.statusCode() < 300) {
        ids.add(FHIR.newJsonParser().parseResource(Patient.class, response.body()).getIdElement().getIdPart());
      }
    }
    pool.shutdown();
    assertThat(statuses).containsOnly(200, 201);
    assertThat(statuses.stream().filter(s -> s == 201).count()).isEqualTo(1);
    assertThat(ids).hasSize(writers).containsOnly(ids.get(0));
    assertThat(searchByCard(number).getTotal()).isEqualTo(1);
  }

  @Test
  void conditionalUpdateByCardNumberCreatesThenUpdatesTheSamePatient() {
    String number = IdentityNumbers.next(LocalDate.of(1966, 3, 3));
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(number);
    patient.addName().setFamily("李").addGiven("四");
    MethodOutcome created =
        client().update().resource(patient).conditionalByUrl("Patient?identifier=" + CARD + "|" + number).execute();
    assertThat(created.getCreated()).isTrue();

    patient.getNameFirstRep().setFamily("王");
    patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("1966-03-03"));
    MethodOutcome updated =
        client().update().resource(patient).conditionalByUrl("Patient?identifier=" + CARD + "|" + number).execute();
    assertThat(updated.getCreated()).isNotEqualTo(Boolean.TRUE);
    assertThat(updated.getId().getIdPart()).isEqualTo(created.getId().getIdPart());
    assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

    Bundle found = searchByCard(number);
    assertThat(found.getTotal()).isEqualTo(1);
    assertThat(((Patient) found.getEntryFirstRep().getResource()).getNameFirstRep().getFamily()).isEqualTo("王");
  }

  @Test
  void patientsWithoutACardNumberAreAcceptedByTheirOtherIdentifiers() {
    Patient unknown = new Patient();
    unknown.addIdentifier().setSystem("urn:oid:2.16.156.10011.0.1.210102.MRN").setValue("EMERG-0042");
    MethodOutcome outcome = client().create().resource(unknown).execute();
    assertThat(outcome.getCreated()).isTrue();
    Bundle found =
        client().search().forResource(Patient.class)
            .where(Patient.IDENTIFIER.exactly().systemAndCode("urn:oid:2.16.156.10011.0.1.210102.MRN", "EMERG-0042"))
            .returnBundle(Bundle.class).execute();
    assertThat(found.getEntry()).hasSize(1);
  }

  @Test
  void hubMintedIdsNeverContainTheCardNumberAndClientIdsMayNot() {
    String number = IdentityNumbers.next();
    HttpResponse<String> created = post("/Patient", "application/fhir+json", patientJson(number, ""));
    assertThat(created.statusCode()).isEqualTo(201);
    String id = FHIR.newJsonParser().parseResource(Patient.class, created.body()).getIdElement().getIdPart();
    assertThat(id).doesNotContain(number).doesNotContain(number.substring(6, 14));
    assertThat(created.headers().firstValue("Location").orElseThrow()).doesNotContain(number);

    String other = IdentityNumbers.next();
    HttpResponse<String> put =
        send(HttpRequest.newBuilder(URI.create(base() + "/Patient/p" + other))
            .header("Content-Type", "application/fhir+json")
            .PUT(HttpRequest.BodyPublishers.ofString(
                "{\"resourceType\":\"Patient\",\"id\":\"p" + other + "\"}"))
            .build());
    assertThat(put.statusCode()).isEqualTo(422);
    assertThat(outcome(put).getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Patient.id");
  }

  private Bundle searchByCard(String number) {
    return client().search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndCode(CARD, number))
        .returnBundle(Bundle.class).execute();
  }
}
