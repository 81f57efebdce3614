package cn.healthcard.hub.server.births;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.birth.BirthReportShape;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class BirthReportIT extends BirthsIntegrationTest {
  @Autowired ChildCardApplications applications;
  @Autowired BirthRegistrations registrations;

  String motherWithPatient() {
    String number = motherNumber();
    Patient mother = new Patient();
    mother.addIdentifier().setSystem(CARD).setValue(number);
    mother.setGender(AdministrativeGender.FEMALE);
    HttpResponse<String> created = post("/Patient", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(mother));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return number;
  }

  @Test
  void aBirthReportStoresTheChildLinkedToItsMotherAndAppliesForTheChildCard() {
    String mother = motherWithPatient();
    String servicePoint = registerInstitution("service-point", null);
    Child child = Child.of("2026-11-20T08:42:00+08:00");

    HttpResponse<String> response = transaction(birthReport(card(mother), servicePoint, false, child));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    Patient stored = patientWithCertificate(child.certificate());
    assertThat(stored.getIdentifier()).noneMatch(i -> CARD.equals(i.getSystem()));
    assertThat(((DateTimeType) stored.getBirthDateElement().getExtensionByUrl(BirthReportShape.BIRTH_TIME).getValue())
        .getValueAsString()).isEqualTo("2026-11-20T08:42:00+08:00");
    String childId = stored.getIdElement().getIdPart();
    assertThat(childId).doesNotContain(mother);

    // the mother's card number finds her children
    Bundle children = search("RelatedPerson?identifier=" + CARD + "|" + mother + "&_include=RelatedPerson:patient");
    assertThat(children.getEntry()).extracting(e -> e.getResource().fhirType()).containsExactlyInAnyOrder("RelatedPerson", "Patient");
    assertThat(search("Observation?subject=Patient/" + childId).getEntry()).hasSize(4);
    assertThat(search("Encounter?subject=Patient/" + childId + "&type=" + BirthReportShape.SNOMED + "|" + BirthReportShape.DELIVERY)
        .getEntry()).hasSize(1);

    BirthRegistrations.CardSide side = cardSide(applications, registrations, stored);
    assertThat(side.state()).as(side.note()).isEqualTo("applied");
    assertThat(side.childPatientId()).isEqualTo(childId);
    assertThat(side.cardId()).isNotNull();
    assertThat(side.motherLinked()).isTrue();
    Patient motherPatient = (Patient) search("Patient?identifier=" + CARD + "|" + mother).getEntryFirstRep().getResource();
    String relatedPerson = children.getEntry().stream().filter(e -> e.getResource() instanceof RelatedPerson)
        .findFirst().orElseThrow().getResource().getIdElement().toUnqualifiedVersionless().getValue();
    cn.healthcard.hub.server.R4Validation.assertValid(stored, motherPatient,
        children.getEntry().stream().filter(e -> e.getResource() instanceof RelatedPerson).findFirst().orElseThrow().getResource());
    assertThat(motherPatient.getLink()).anyMatch(l -> l.getType() == Patient.LinkType.SEEALSO
        && relatedPerson.equals(l.getOther().getReference()));
  }

  @Test
  void theSameBirthReportedTwiceYieldsOneChild() {
    String mother = motherNumber();
    Child child = Child.of("2026-11-21T23:05:00+08:00");
    assertThat(transaction(birthReport(card(mother), null, false, child)).statusCode()).isEqualTo(200);
    // the second report: new fullUrls, a new temporary number, the same birth
    HttpResponse<String> again = transaction(birthReport(card(mother), null, false, child));
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);

    Bundle found = search("RelatedPerson?identifier=" + CARD + "|" + mother + "&_include=RelatedPerson:patient");
    assertThat(found.getEntry()).hasSize(2);
    String childId = found.getEntry().stream().filter(e -> e.getResource() instanceof Patient).findFirst().orElseThrow()
        .getResource().getIdElement().getIdPart();
    assertThat(search("Observation?subject=Patient/" + childId).getEntry()).hasSize(4);
    assertThat(search("Encounter?subject=Patient/" + childId).getEntry()).hasSize(1);
  }

  @Test
  void aReportContradictingTheFirstIsRefusedNamingTheFacts() {
    String mother = motherNumber();
    Child child = Child.of("2026-11-22T10:15:00+08:00");
    assertThat(transaction(birthReport(card(mother), null, false, child)).statusCode()).isEqualTo(200);

    HttpResponse<String> contradicting =
        transaction(birthReport(card(mother), null, false, child.weighing("2980").gender(AdministrativeGender.MALE)));

    assertThat(contradicting.statusCode()).as(contradicting.body()).isEqualTo(409);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, contradicting.body());
    assertThat(outcome.getIssue()).extracting(i -> i.getExpression().get(0).getValue())
        .containsExactlyInAnyOrder("Patient.gender", "Observation[8339-4].value");
    assertThat(outcome.getIssue()).allMatch(i -> i.getCode() == OperationOutcome.IssueType.CONFLICT);
    assertThat(contradicting.body()).doesNotContain(mother);
  }

  @Test
  void twinsAreTwoChildrenOfOneMother() {
    String mother = motherNumber();
    Child first = Child.of("2026-11-23T14:01:00+08:00");
    Child second = first.order(2).gender(AdministrativeGender.MALE);

    HttpResponse<String> response = transaction(birthReport(card(mother), null, true, first.order(1), second));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);

    Bundle found = search("RelatedPerson?identifier=" + CARD + "|" + mother + "&_include=RelatedPerson:patient");
    List<Patient> twins = found.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance).map(Patient.class::cast).toList();
    assertThat(twins).hasSize(2);
    assertThat(twins).extracting(p -> p.getMultipleBirthIntegerType().getValue()).containsExactlyInAnyOrder(1, 2);
    // the second twin alone, reported again: still two children
    assertThat(transaction(birthReport(card(mother), null, true, second)).statusCode()).isEqualTo(200);
    assertThat(search("RelatedPerson?identifier=" + CARD + "|" + mother).getEntry()).hasSize(2);
  }

  @Test
  void aStillbornChildIsRecordedButGetsNoCard() {
    String mother = motherNumber();
    String servicePoint = registerInstitution("service-point", null);
    Child child = Child.of("2026-11-24T03:30:00+08:00").asStillbirth();
    assertThat(transaction(birthReport(card(mother), servicePoint, false, child)).statusCode()).isEqualTo(200);

    Patient stored = patientWithCertificate(child.certificate());
    assertThat(stored.getDeceasedBooleanType().getValue()).isTrue();
    BirthRegistrations.CardSide side = cardSide(applications, registrations, stored);
    assertThat(side.state()).isEqualTo("not-applicable");
    assertThat(side.cardId()).isNull();
  }

  @Test
  void aMotherWithoutACardIsIdentifiedByAnotherIdentifier() {
    Identifier passport = new Identifier().setSystem("urn:oid:2.16.156.10011.1.33").setValue("E" + UUID.randomUUID().toString().substring(0, 8));
    Child child = Child.of("2026-11-24T11:11:00+08:00");
    assertThat(transaction(birthReport(passport, null, false, child)).statusCode()).isEqualTo(200);
    assertThat(transaction(birthReport(passport, null, false, child)).statusCode()).isEqualTo(200);

    assertThat(search("RelatedPerson?identifier=" + passport.getSystem() + "|" + passport.getValue()).getEntry()).hasSize(1);
    Patient stored = patientWithCertificate(child.certificate());
    BirthRegistrations.CardSide side = cardSide(applications, registrations, stored);
    // no birth institution named: the card is left to the institution; the mother has no Patient to link
    assertThat(side.state()).isEqualTo("not-applicable");
    assertThat(side.motherLinked()).isFalse();
  }

  @Test
  void anUnknownMotherStillGetsTheBirthRecordedUnlinked() {
    String mother = motherNumber();
    Child child = Child.of("2026-11-25T06:45:00+08:00");
    assertThat(transaction(birthReport(card(mother), null, false, child)).statusCode()).isEqualTo(200);
    Patient stored = patientWithCertificate(child.certificate());
    assertThat(cardSide(applications, registrations, stored).motherLinked()).isFalse();
    assertThat(search("Patient?identifier=" + CARD + "|" + mother).getEntry()).isEmpty();
  }

  @Test
  void anInvalidMotherCardNumberIsRefusedNamingTheIdentifier() {
    String mother = motherNumber();
    String broken = mother.substring(0, 17) + (mother.charAt(17) == '0' ? '1' : '0');
    HttpResponse<String> response = transaction(birthReport(card(broken), null, false, Child.of("2026-11-25T07:00:00+08:00")));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Bundle.entry[1].resource.identifier[0]");
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("check character");
    assertThat(response.body()).doesNotContain(broken);
  }

  @Test
  void aMaleMotherNumberIsRefused() {
    String male = cn.healthcard.hub.server.IdentityNumbers.next(java.time.LocalDate.of(1990, 1, 1), false);
    HttpResponse<String> response = transaction(birthReport(card(male), null, false, Child.of("2026-11-25T07:30:00+08:00")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.body()).contains("encodes a male");
  }

  @Test
  void aBirthTimeWithoutTheMinuteIsRefused() {
    Bundle report = birthReport(card(motherNumber()), null, false, Child.of("2026-11-25T07:30:00+08:00"));
    Patient child = (Patient) report.getEntryFirstRep().getResource();
    DateType date = new DateType("2026-11-25");
    date.addExtension(BirthReportShape.BIRTH_TIME, new DateTimeType("2026-11-25"));
    child.setBirthDateElement(date);

    HttpResponse<String> response = transaction(report);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Bundle.entry[0].resource.birthDate.extension('" + BirthReportShape.BIRTH_TIME + "')");
  }

  @Test
  void aMultipleBirthWithoutItsOrderIsRefused() {
    Bundle report = birthReport(card(motherNumber()), null, false, Child.of("2026-11-25T08:30:00+08:00"));
    ((Patient) report.getEntryFirstRep().getResource()).setMultipleBirth(new org.hl7.fhir.r4.model.BooleanType(true));

    HttpResponse<String> response = transaction(report);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.body()).contains("Bundle.entry[0].resource.multipleBirthBoolean");
  }
}
