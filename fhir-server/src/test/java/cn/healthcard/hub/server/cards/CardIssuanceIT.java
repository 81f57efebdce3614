package cn.healthcard.hub.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.cards.signing.SignedRequest;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class CardIssuanceIT extends CardsIntegrationTest {

  @Test
  void kioskIssuesAnActiveCardOnTheSpotAndShowsItOnThePatient() {
    String kiosk = registerInstitution("kiosk", null);
    String number = newCardNumber();
    String chip = chip();

    Parameters issued = parameters(operation("/Patient/$issue-card", issue("kiosk", withSex(number), kiosk, chip)));

    assertThat(value(issued, "cardNumber")).isEqualTo(number);
    assertThat(value(issued, "status")).isEqualTo("active");
    assertThat(value(issued, "chipSerial")).isEqualTo(chip);
    String patientRef = reference(issued, "patient");
    Patient patient = client().read().resource(Patient.class).withId(patientRef).execute();
    Identifier card =
        patient.getIdentifier().stream().filter(i -> CARD.equals(i.getSystem())).findFirst().orElseThrow();
    assertThat(card.getValue()).isEqualTo(number);
    assertThat(card.getPeriod().getStart()).isNotNull();
    assertThat(card.getPeriod().getEnd()).isAfter(card.getPeriod().getStart());
    Coding status = (Coding) card.getExtensionByUrl(FhirCardHolders.CARD_STATUS_EXTENSION).getValue();
    assertThat(status.getCode()).isEqualTo("active");
    assertThat(patient.getIdElement().getIdPart()).doesNotContain(number);

    Parameters status1 = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(value(status1, "status")).isEqualTo("active");
    assertThat(status1.getParameters("history")).hasSize(1);
    assertThat(status1.getParameters("history").get(0).getPart().get(0).getValue().primitiveValue())
        .isEqualTo("issue");
  }

  @Test
  void aSecondIssuanceForAnExistingPersonReusesTheirPatient() {
    String kiosk = registerInstitution("kiosk", null);
    String number = newCardNumber();
    client().create().resource(person(number)).execute();
    Bundle before = client().search().byUrl("Patient?identifier=" + CARD + "|" + number).returnBundle(Bundle.class).execute();
    assertThat(before.getEntry()).hasSize(1);

    Parameters issued = parameters(operation("/Patient/$issue-card", issue("kiosk", person(number), kiosk, chip())));

    assertThat(reference(issued, "patient"))
        .isEqualTo("Patient/" + before.getEntryFirstRep().getResource().getIdElement().getIdPart());
  }

  @Test
  void kioskDataThatContradictsTheCardNumberIsRefusedNamingTheElement() {
    String kiosk = registerInstitution("kiosk", null);
    String number = newCardNumber();

    Patient wrongBirth = person(number).setBirthDateElement(new DateType("1999-09-09"));
    OperationOutcome birth = outcome(operation("/Patient/$issue-card", issue("kiosk", wrongBirth, kiosk, chip())), 422);
    assertThat(birth.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter[patient].resource.birthDate");

    String badCheck = number.substring(0, 17) + (number.charAt(17) == '0' ? '1' : '0');
    OperationOutcome check = outcome(operation("/Patient/$issue-card", issue("kiosk", person(badCheck), kiosk, chip())), 422);
    assertThat(check.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter[patient].resource.identifier[0].value");
    assertThat(check.getIssueFirstRep().getDiagnostics()).contains("check character").doesNotContain(badCheck);

    String unknownArea = "990101" + number.substring(6, 17);
    unknownArea = unknownArea + cn.healthcard.hub.terminology.identity.ResidentIdNumber.checkCharacter(unknownArea);
    OperationOutcome area = outcome(operation("/Patient/$issue-card", issue("kiosk", person(unknownArea), kiosk, chip())), 422);
    assertThat(area.getIssueFirstRep().getDiagnostics()).contains("GB/T 2260");

    OperationOutcome noChip = outcome(operation("/Patient/$issue-card", issue("kiosk", person(number), kiosk, null)), 422);
    assertThat(noChip.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter[chipSerial]");

    OperationOutcome noChannel =
        outcome(operation("/Patient/$issue-card", issue("post-office", person(number), kiosk, chip())), 422);
    assertThat(noChannel.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter[channel]");

    assertThat(get("/Patient/$card-status?cardNumber=" + number).statusCode()).isEqualTo(404);
  }

  @Test
  void unknownOrMismatchedInstitutionsMayNotIssue() {
    String number = newCardNumber();
    OperationOutcome unknown =
        outcome(operation("/Patient/$issue-card", issue("kiosk", person(number), "nobody", chip())), 403);
    assertThat(unknown.getIssueFirstRep().getDiagnostics()).contains("not registered");

    String servicePoint = registerInstitution("service-point", null);
    OperationOutcome wrongKind =
        outcome(operation("/Patient/$issue-card", issue("kiosk", person(number), servicePoint, chip())), 403);
    assertThat(wrongKind.getIssueFirstRep().getDiagnostics()).contains("not a kiosk");
  }

  @Test
  void bankBranchRequestsMustBeSignedByTheBanksKeyAndCannotBeReplayed() {
    KeyPair bankKey = Sm2.generateKeyPair();
    String bank = registerInstitution("bank-branch", bankKey);
    String number = newCardNumber();
    Parameters request = issue("bank-branch", person(number), bank, chip());

    OperationOutcome unsigned = outcome(operation("/Patient/$issue-card", request), 403);
    assertThat(unsigned.getIssueFirstRep().getDiagnostics()).contains("signed");

    KeyPair otherKey = Sm2.generateKeyPair();
    assertThat(signedOperation("/Patient/$issue-card", request, bank, otherKey).statusCode()).isEqualTo(401);

    byte[] body = FHIR.newJsonParser().encodeResourceToString(request).getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        SignedRequest.sign(bank, bankKey.getPrivate(), "POST", "/fhir/Patient/$issue-card", body, Instant.now());
    Parameters issued = parameters(signedSend("/Patient/$issue-card", body, headers));
    assertThat(value(issued, "status")).isEqualTo("active");
    assertThat(value(issued, "channel")).isEqualTo("bank-branch");

    HttpResponse<String> replay = signedSend("/Patient/$issue-card", body, headers);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(replay.body()).contains("nonce already used");

    Map<String, String> stale =
        SignedRequest.sign(bank, bankKey.getPrivate(), "POST", "/fhir/Patient/$issue-card", body,
            Instant.now().minusSeconds(3600));
    assertThat(signedSend("/Patient/$issue-card", body, stale).body()).contains("away from the hub clock");

    byte[] tampered = new String(body, StandardCharsets.UTF_8).replace("张三丰", "李四").getBytes(StandardCharsets.UTF_8);
    Map<String, String> fresh =
        SignedRequest.sign(bank, bankKey.getPrivate(), "POST", "/fhir/Patient/$issue-card", body, Instant.now());
    assertThat(signedSend("/Patient/$issue-card", tampered, fresh).statusCode()).isEqualTo(401);
  }

  @Test
  void concurrentIssuanceFromDifferentChannelsLeavesExactlyOneLiveCard() throws Exception {
    KeyPair bankKey = Sm2.generateKeyPair();
    String bank = registerInstitution("bank-branch", bankKey);
    String kiosk = registerInstitution("kiosk", null);
    String number = newCardNumber();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<HttpResponse<String>>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      boolean viaBank = i % 2 == 0;
      Callable<HttpResponse<String>> call =
          viaBank
              ? () -> signedOperation("/Patient/$issue-card", issue("bank-branch", person(number), bank, chip()), bank, bankKey)
              : () -> operation("/Patient/$issue-card", issue("kiosk", person(number), kiosk, chip()));
      results.add(pool.submit(call));
    }
    int ok = 0;
    int conflict = 0;
    for (Future<HttpResponse<String>> result : results) {
      HttpResponse<String> response = result.get();
      if (response.statusCode() == 200) {
        ok++;
      } else {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(409);
        assertThat(response.body()).contains("already has a live card").doesNotContain(number);
        conflict++;
      }
    }
    pool.shutdown();
    assertThat(ok).isEqualTo(1);
    assertThat(conflict).isEqualTo(7);
    Bundle patients = client().search().byUrl("Patient?identifier=" + CARD + "|" + number).returnBundle(Bundle.class).execute();
    assertThat(patients.getEntry()).hasSize(1);
    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(status.getParameters("history")).hasSize(1);
  }

  @Test
  void aPatientNamedByIdMustCarryTheCardNumberOrNone() {
    String kiosk = registerInstitution("kiosk", null);
    String carried = newCardNumber();
    String requested = newCardNumber();
    String other = client().create().resource(person(carried)).execute().getId().getIdPart();

    Patient named = person(requested);
    named.setId(other);
    HttpResponse<String> refused = operation("/Patient/$issue-card", issue("kiosk", named, kiosk, chip()));
    OperationOutcome mismatch = outcome(refused, 422);
    assertThat(mismatch.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter[patient].resource.id");
    assertThat(mismatch.getIssueFirstRep().getDiagnostics()).contains("different health-card number");
    assertThat(refused.body()).doesNotContain(carried).doesNotContain(requested);
    assertThat(get("/Patient/$card-status?cardNumber=" + requested).statusCode()).isEqualTo(404);

    // a Patient without a card number may be named: the card is shown on it
    Patient unnumbered = new Patient().addName(new HumanName().setText("张三丰"));
    String id = client().create().resource(unnumbered).execute().getId().getIdPart();
    Patient byId = person(requested);
    byId.setId(id);
    Parameters issued = parameters(operation("/Patient/$issue-card", issue("kiosk", byId, kiosk, chip())));
    assertThat(reference(issued, "patient")).isEqualTo("Patient/" + id);
    Patient shown = client().read().resource(Patient.class).withId(id).execute();
    assertThat(shown.getIdentifier()).anyMatch(i -> CARD.equals(i.getSystem()) && requested.equals(i.getValue()));

    // ... unless another Patient already carries that number
    String elsewhere = newCardNumber();
    client().create().resource(person(elsewhere)).execute();
    String another = client().create().resource(new Patient().addName(new HumanName().setText("李四"))).execute().getId().getIdPart();
    Patient duplicate = person(elsewhere);
    duplicate.setId(another);
    HttpResponse<String> taken = operation("/Patient/$issue-card", issue("kiosk", duplicate, kiosk, chip()));
    assertThat(outcome(taken, 409).getIssueFirstRep().getDiagnostics()).contains("another Patient");
    assertThat(taken.body()).doesNotContain(elsewhere);
  }

  @Test
  void cardProjectionsAndConcurrentHospitalUpdatesOfThePatientLoseNothing() throws Exception {
    KioskCard issued = issueAtKiosk();
    String number = issued.number();
    String patientId = issued.patientId();
    int hospitalUpdates = 10;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Future<?> hospital =
        pool.submit(
            () -> {
              for (int i = 0; i < hospitalUpdates; i++) {
                // read-modify-write with If-Match, as a careful HIS does
                while (true) {
                  HttpResponse<String> read = get("/Patient/" + patientId);
                  Patient patient = FHIR.newJsonParser().parseResource(Patient.class, read.body());
                  patient.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue("024-" + i);
                  HttpResponse<String> written =
                      send(
                          java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/Patient/" + patientId))
                              .header("Content-Type", "application/fhir+json")
                              .header("If-Match", "W/\"" + patient.getIdElement().getVersionIdPart() + "\"")
                              .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                                  FHIR.newJsonParser().encodeResourceToString(patient)))
                              .build());
                  if (written.statusCode() == 200) {
                    break;
                  }
                  assertThat(written.statusCode()).as(written.body()).isIn(409, 412);
                }
              }
              return null;
            });
    Future<List<String>> cardEvents =
        pool.submit(
            () -> {
              // after each event: what the registry answered, and what the Patient shows
              List<String> seen = new ArrayList<>();
              for (int i = 0; i < 20; i++) {
                Parameters after =
                    parameters(
                        operation(
                            "/Patient/$card-event",
                            i % 2 == 0 ? event(number, "freeze", "check " + i) : event(number, "unfreeze", null)));
                Patient shown = FHIR.newJsonParser().parseResource(Patient.class, get("/Patient/" + patientId).body());
                seen.add(value(after, "status") + " shown as " + cardStatus(shown));
              }
              return seen;
            });
    hospital.get();
    List<String> seen = cardEvents.get();
    pool.shutdown();

    // no projection was lost to a hospital's concurrent update (nor answered with an error)
    assertThat(seen).hasSize(20).allMatch(s -> s.equals("frozen shown as frozen") || s.equals("active shown as active"));
    Patient patient = client().read().resource(Patient.class).withId(patientId).execute();
    assertThat(patient.getTelecom()).extracting(t -> t.getValue()).hasSize(hospitalUpdates);
    assertThat(cardStatus(patient)).isEqualTo("active");
  }

  @Test
  void aHospitalsUpdateFromACopyReadBeforeTheCardWasFrozenStillShowsTheFrozenCard() throws Exception {
    KioskCard issued = issueAtKiosk();
    String number = issued.number();
    String patientId = issued.patientId();
    Patient copy = readPatient(patientId);
    assertThat(cardStatus(copy)).isEqualTo("active");

    assertThat(freezeAsLost(number)).isEqualTo("frozen");
    // the hospital writes its old copy back (no If-Match): its telephone is kept, the card it
    // shows is the registry's, also when the copy drops the card status altogether
    copy.addTelecom().setSystem(org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem.PHONE).setValue("024-1");
    copy.setId(patientId);
    client().update().resource(copy).execute();
    Patient stored = readPatient(patientId);
    assertThat(cardStatus(stored)).isEqualTo("frozen");
    assertThat(stored.getTelecom()).extracting(t -> t.getValue()).containsExactly("024-1");
    java.util.Date validFrom = card(stored).getPeriod().getStart();
    assertThat(validFrom).isNotNull();

    stored.getIdentifier().stream()
        .filter(i -> CARD.equals(i.getSystem()))
        .forEach(
            i -> {
              i.removeExtension(FhirCardHolders.CARD_STATUS_EXTENSION);
              i.setPeriod(null);
            });
    client().update().resource(stored).execute();
    Patient again = readPatient(patientId);
    assertThat(cardStatus(again)).isEqualTo("frozen");
    assertThat(card(again).getPeriod().getStart()).isEqualTo(validFrom);
  }

  /** What an ADT^A40 merge does to the card number: the record that goes gives it up, the survivor takes it. */
  @Test
  void aCardEventAfterTheNumberMovedToAnotherPatientIsShownOnThatPatient() throws Exception {
    KioskCard issued = issueAtKiosk();
    String number = issued.number();
    String issuedTo = issued.patientId();
    Patient goes = readPatient(issuedTo);
    Identifier moving = card(goes).copy();
    goes.getIdentifier().removeIf(i -> CARD.equals(i.getSystem()));
    goes.setActive(false);
    client().update().resource(goes).execute();
    Patient survivor = new Patient();
    survivor.addName(new HumanName().setFamily("张").addGiven("三丰"));
    survivor.addIdentifier(moving);
    String survivorId = client().create().resource(survivor).execute().getId().getIdPart();

    assertThat(freezeAsLost(number)).isEqualTo("frozen");

    assertThat(cardStatus(readPatient(survivorId))).isEqualTo("frozen");
    assertThat(readPatient(issuedTo).getIdentifier())
        .noneMatch(i -> CARD.equals(i.getSystem()));
  }

  private record KioskCard(String number, String patientId) {}

  private Patient readPatient(String id) {
    return client().read().resource(Patient.class).withId(id).execute();
  }

  /** The status the registry answers after a freeze. */
  private String freezeAsLost(String number) {
    return value(parameters(operation("/Patient/$card-event", event(number, "freeze", "reported lost"))), "status");
  }

  /** A new card number issued at a new kiosk to a new Patient. */
  private KioskCard issueAtKiosk() {
    String kiosk = registerInstitution("kiosk", null);
    String number = newCardNumber();
    Parameters issued = parameters(operation("/Patient/$issue-card", issue("kiosk", person(number), kiosk, chip())));
    return new KioskCard(number, reference(issued, "patient").substring("Patient/".length()));
  }

  private static Identifier card(Patient patient) {
    return patient.getIdentifier().stream().filter(i -> CARD.equals(i.getSystem())).findFirst().orElseThrow();
  }

  private static String cardStatus(Patient patient) {
    return ((Coding) card(patient).getExtensionByUrl(FhirCardHolders.CARD_STATUS_EXTENSION).getValue()).getCode();
  }
}
