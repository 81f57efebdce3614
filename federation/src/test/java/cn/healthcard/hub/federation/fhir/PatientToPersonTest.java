package cn.healthcard.hub.federation.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.federation.match.Person;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class PatientToPersonTest {

  private static final String NUMBER_17 = "21010219800412003";
  private static final String NUMBER = NUMBER_17 + ResidentIdNumber.checkCharacter(NUMBER_17);

  private static Patient patient() {
    Patient patient = new Patient();
    patient.setId("Patient/p1/_history/3");
    patient.addName().setUse(HumanName.NameUse.USUAL).setFamily("Zhang").addGiven("Wei");
    patient.addName().setUse(HumanName.NameUse.OFFICIAL).setFamily("张").addGiven("伟");
    patient.setGender(AdministrativeGender.MALE);
    patient.getBirthDateElement().setValueAsString("1980-04-12");
    patient.addIdentifier().setSystem(ResidentIdNumber.ID_CARD_SYSTEM).setValue(NUMBER.toLowerCase());
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.HOME)
        .setValue("024-12345678");
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.MOBILE)
        .setValue("+86 139 0000 0001");
    return patient;
  }

  @Test
  void theOfficialNameTheNumbersAMobileAndTheIdentityNumbersCountyWithoutAnAddress() {
    Person person = PatientToPerson.indexed(patient()).orElseThrow();
    assertThat(person.id()).isEqualTo("p1");
    assertThat(person.family()).isEqualTo("张");
    assertThat(person.given()).isEqualTo("伟");
    assertThat(person.birthDate()).isEqualTo(LocalDate.of(1980, 4, 12));
    assertThat(person.gender()).isEqualTo("male");
    assertThat(person.identityNumber()).isEqualTo(NUMBER);
    assertThat(person.cardNumber()).isNull();
    assertThat(person.phoneDigits()).isEqualTo("13900000001");
    assertThat(person.county()).isEqualTo("210102");
  }

  @Test
  void theHomeAddresssDivisionIsTheCountyAndAWholeChineseNameIsSplitAfterItsFirstCharacter() {
    Patient patient = new Patient();
    patient.addName().setText("欧阳春");
    patient.addAddress().addExtension(PatientToPerson.ADDRESS_DIVISION, new Coding().setCode("210211"));
    patient.getBirthDateElement().setValueAsString("1980");
    Person person = PatientToPerson.query(patient);
    assertThat(person.family()).isEqualTo("欧");
    assertThat(person.given()).isEqualTo("阳春");
    assertThat(person.county()).isEqualTo("210211");
    // a year alone does not take part
    assertThat(person.birthDate()).isNull();
  }

  @Test
  void aRecordMergedIntoAnotherOrInactiveIsNoCandidate() {
    Patient merged = patient();
    merged.addLink().setType(Patient.LinkType.REPLACEDBY).setOther(new Reference("Patient/p2"));
    assertThat(PatientToPerson.indexed(merged)).isEmpty();
    assertThat(PatientToPerson.indexed(patient().setActive(false))).isEmpty();
    assertThat(PatientToPerson.indexed(patient().setActive(true))).isPresent();
  }

  @Test
  void anInvalidNumberIsLeftOut() {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(ResidentIdNumber.HEALTH_CARD_SYSTEM).setValue("123");
    assertThat(PatientToPerson.query(patient).cardNumber()).isNull();
    assertThat(PatientToPerson.query(patient).county()).isNull();
  }
}
