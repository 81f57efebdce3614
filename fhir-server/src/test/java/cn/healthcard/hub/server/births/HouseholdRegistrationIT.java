package cn.healthcard.hub.server.births;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.IdentityNumbers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.LocalDate;
import java.util.UUID;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class HouseholdRegistrationIT extends BirthsIntegrationTest {
  @Autowired ChildCardApplications applications;
  @Autowired BirthRegistrations registrations;

  PoliceHouseholdSystem police;
  String servicePoint;

  @BeforeEach
  void policeIsRegistered() {
    KeyPair key = PoliceHouseholdSystem.newKey();
    police = new PoliceHouseholdSystem("http://localhost:" + port, registerInstitution("household-registration", key), key);
    servicePoint = registerInstitution("service-point", null);
  }

  /** A girl born on {@code day}, reported with a card application; her certificate. */
  Child bornAndApplied(String day) {
    Child child = Child.of(day + "T09:00:00+08:00");
    assertThat(transaction(birthReport(card(motherNumber()), servicePoint, false, child)).statusCode()).isEqualTo(200);
    Patient stored = patientWithCertificate(child.certificate());
    assertThat(cardSide(applications, registrations, stored).state()).isEqualTo("applied");
    return child;
  }

  static String girlsNumber(String day) {
    return IdentityNumbers.next(LocalDate.parse(day), true);
  }

  Parameters cardStatus(String number) {
    HttpResponse<String> response = get("/Patient/$card-status?cardNumber=" + number);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  @Test
  void householdRegistrationGivesTheChildItsNumberAndItsWaitingCard() {
    Child child = bornAndApplied("2026-10-02");
    String number = girlsNumber("2026-10-02");

    HttpResponse<String> registered = police.register(child.certificate(), number);

    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    assertThat(registered.body()).contains("\"cardStatus\":\"applied\"").doesNotContain(number);
    Patient stored = patientWithCertificate(child.certificate());
    assertThat(stored.getIdentifier()).anyMatch(i -> CARD.equals(i.getSystem()) && number.equals(i.getValue()));
    Parameters status = cardStatus(number);
    assertThat(status.getParameter("status").getValue().primitiveValue()).isEqualTo("applied");
    assertThat(((org.hl7.fhir.r4.model.Reference) status.getParameter("patient").getValue()).getReference())
        .isEqualTo("Patient/" + stored.getIdElement().getIdPart());

    // the same registration again changes nothing
    HttpResponse<String> again = police.register(child.certificate(), number);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    assertThat(again.body()).contains("\"alreadyRegistered\":true");
    assertThat(search("Patient?identifier=" + CARD + "|" + number).getEntry()).hasSize(1);
  }

  @Test
  void aNumberAlreadyHeldByAnotherChildIsAClashAndNoSecondRecord() {
    Child first = bornAndApplied("2026-10-03");
    Child second = bornAndApplied("2026-10-03");
    String number = girlsNumber("2026-10-03");
    assertThat(police.register(first.certificate(), number).statusCode()).isEqualTo(200);

    HttpResponse<String> clash = police.register(second.certificate(), number);

    assertThat(clash.statusCode()).as(clash.body()).isEqualTo(409);
    assertThat(clash.body()).contains("\"code\":\"id-number-clash\"").doesNotContain(number);
    assertThat(patientWithCertificate(second.certificate()).getIdentifier()).noneMatch(i -> CARD.equals(i.getSystem()));
    assertThat(search("Patient?identifier=" + CARD + "|" + number).getEntry()).hasSize(1);
  }

  @Test
  void aChildWithANumberDoesNotGetASecondOne() {
    Child child = bornAndApplied("2026-10-04");
    assertThat(police.register(child.certificate(), girlsNumber("2026-10-04")).statusCode()).isEqualTo(200);

    HttpResponse<String> other = police.register(child.certificate(), girlsNumber("2026-10-04"));

    assertThat(other.statusCode()).as(other.body()).isEqualTo(409);
    assertThat(other.body()).contains("child-already-registered");
  }

  @Test
  void aNumberThatContradictsTheBirthRecordIsRefused() {
    Child child = bornAndApplied("2026-10-05");

    HttpResponse<String> wrongDay = police.register(child.certificate(), girlsNumber("2026-10-06"));
    assertThat(wrongDay.statusCode()).as(wrongDay.body()).isEqualTo(422);
    assertThat(wrongDay.body()).contains("birth-date-mismatch");

    HttpResponse<String> boy = police.register(child.certificate(), IdentityNumbers.next(LocalDate.parse("2026-10-05"), false));
    assertThat(boy.statusCode()).as(boy.body()).isEqualTo(422);
    assertThat(boy.body()).contains("sex-mismatch");

    String valid = girlsNumber("2026-10-05");
    HttpResponse<String> broken = police.register(child.certificate(), valid.substring(0, 17) + (valid.charAt(17) == '0' ? '1' : '0'));
    assertThat(broken.statusCode()).as(broken.body()).isEqualTo(422);
    assertThat(broken.body()).contains("invalid-id-number");
  }

  @Test
  void unknownCertificatesUnsignedAndForeignSendersAreRefused() {
    assertThat(police.register("P-unknown-" + UUID.randomUUID(), girlsNumber("2026-10-07")).statusCode()).isEqualTo(404);

    byte[] body = "{\"birthCertificate\":\"x\",\"idNumber\":\"y\"}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> unsigned = police.send(body, false);
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(unsigned.body()).contains("signature-refused");

    KeyPair kioskKey = PoliceHouseholdSystem.newKey();
    PoliceHouseholdSystem kiosk = new PoliceHouseholdSystem("http://localhost:" + port, registerInstitution("kiosk", kioskKey), kioskKey);
    HttpResponse<String> foreign = kiosk.register("x", girlsNumber("2026-10-07"));
    assertThat(foreign.statusCode()).isEqualTo(403);

    HttpResponse<String> malformed = police.send("not json".getBytes(StandardCharsets.UTF_8), true);
    assertThat(malformed.statusCode()).as(malformed.body()).isEqualTo(400);
  }

  @Test
  void aRegistrationBeforeTheCardApplicationStillEndsWithANumberedCard() {
    // the birth institution is registered for card issuance only later: the application waits
    String lateServicePoint = "service-point-late-" + UUID.randomUUID().toString().substring(0, 6);
    Child child = Child.of("2026-10-08T10:00:00+08:00").gender(AdministrativeGender.FEMALE);
    assertThat(transaction(birthReport(card(motherNumber()), lateServicePoint, false, child)).statusCode()).isEqualTo(200);
    Patient stored = patientWithCertificate(child.certificate());
    UUID birth = UUID.fromString(birthId(stored));
    for (int i = 0; i < 40 && !String.valueOf(registrations.cardSide(birth).orElseThrow().note()).contains("institution"); i++) {
      applications.drainOnce();
      sleep();
    }
    assertThat(registrations.cardSide(birth).orElseThrow().state()).isEqualTo("pending");
    assertThat(registrations.cardSide(birth).orElseThrow().note()).contains("institution not registered");

    String number = girlsNumber("2026-10-08");
    HttpResponse<String> registered = police.register(child.certificate(), number);
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
    assertThat(registered.body()).doesNotContain("cardStatus");
    assertThat(registrations.cardSide(birth).orElseThrow().state()).isEqualTo("pending");
  }

  static void sleep() {
    try {
      Thread.sleep(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
