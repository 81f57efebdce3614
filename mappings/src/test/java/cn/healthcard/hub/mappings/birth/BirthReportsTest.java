package cn.healthcard.hub.mappings.birth;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.math.BigDecimal;
import java.util.Map;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class BirthReportsTest {
  /** A woman born 1995-03-15 (17th digit even). */
  static final String MOTHER = number("11010519950315002");
  static final String MAN = number("11010519950315001");

  static String number(String first17) {
    return first17 + ResidentIdNumber.checkCharacter(first17);
  }

  static Bundle report(String motherNumber, String birthTime, Object order) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    Patient child = new Patient();
    child.setGender(AdministrativeGender.FEMALE);
    DateType date = new DateType(birthTime.substring(0, 10));
    date.addExtension(BirthReportShape.BIRTH_TIME, new DateTimeType(birthTime));
    child.setBirthDateElement(date);
    if (order instanceof Integer n) {
      child.setMultipleBirth(new IntegerType(n));
    } else if (order instanceof Boolean b) {
      child.setMultipleBirth(new BooleanType(b));
    }
    add(bundle, "urn:uuid:child", child);
    RelatedPerson mother = new RelatedPerson();
    mother.setPatient(new Reference("urn:uuid:child"));
    mother.addRelationship(new CodeableConcept(new Coding(BirthReportShape.ROLE_CODE_SYSTEM, "MTH", null)));
    mother.addIdentifier(new Identifier().setSystem(ResidentIdNumber.HEALTH_CARD_SYSTEM).setValue(motherNumber));
    add(bundle, "urn:uuid:mother", mother);
    Encounter delivery = new Encounter();
    delivery.setSubject(new Reference("urn:uuid:child"));
    add(bundle, "urn:uuid:delivery", delivery);
    Observation weight = new Observation();
    weight.setCode(new CodeableConcept(new Coding(BirthReportShape.LOINC, BirthReportShape.BIRTH_WEIGHT, null)));
    weight.setSubject(new Reference("urn:uuid:child"));
    weight.setValue(new Quantity().setValue(new BigDecimal("3250.0")).setCode("g"));
    add(bundle, "urn:uuid:weight", weight);
    return bundle;
  }

  static void add(Bundle bundle, String fullUrl, Resource resource) {
    bundle.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest().setMethod(Bundle.HTTPVerb.POST)
        .setUrl(resource.fhirType());
  }

  @Test
  void aBirthReportIsReadWithItsKeyAndFacts() {
    BirthReports.Read read = BirthReports.read(report(MOTHER, "2026-11-20T08:42:00+08:00", false));

    assertThat(read.problems()).isEmpty();
    BirthReport report = read.reports().get(0);
    assertThat(report.key().motherValue()).isEqualTo(MOTHER);
    assertThat(report.birthOrder()).isEqualTo(1);
    assertThat(report.related()).hasSize(3);
    assertThat(report.facts()).containsEntry("Patient.gender", "female").containsEntry("Observation[8339-4].value", "3250 g");
  }

  @Test
  void makingItIdempotentKeysEveryResourceOnTheBirthAndKeepsTheChildsFullUrl() {
    Bundle bundle = report(MOTHER, "2026-11-20T08:42:00+08:00", 2);
    BirthReport report = BirthReports.read(bundle).reports().get(0);

    BirthReports.makeIdempotent(report, "b1");

    assertThat(bundle.getEntry()).extracting(e -> e.getRequest().getIfNoneExist()).containsExactly(
        "identifier=" + BirthReportShape.BIRTH_SYSTEM + "|b1",
        "identifier=" + BirthReportShape.BIRTH_SYSTEM + "|b1/mother",
        "identifier=" + BirthReportShape.BIRTH_SYSTEM + "|b1/delivery",
        "identifier=" + BirthReportShape.BIRTH_SYSTEM + "|b1/8339-4");
    assertThat(bundle.getEntryFirstRep().getFullUrl()).isEqualTo("urn:uuid:child");
    // a transaction retried after a race is not keyed twice
    assertThat(BirthReports.read(bundle).isEmpty()).isTrue();
  }

  @Test
  void problemsNameTheElement() {
    assertThat(BirthReports.read(report(MAN, "2026-11-20T08:42:00+08:00", false)).problems())
        .extracting(BirthProblem::location).containsExactly("Bundle.entry[1].resource.identifier[0]");
    assertThat(BirthReports.read(report(MOTHER, "2026-11-20", false)).problems())
        .extracting(BirthProblem::location)
        .containsExactly("Bundle.entry[0].resource.birthDate.extension('" + BirthReportShape.BIRTH_TIME + "')");
    assertThat(BirthReports.read(report(MOTHER, "2026-11-20T08:42:00+08:00", true)).problems())
        .extracting(BirthProblem::location).containsExactly("Bundle.entry[0].resource.multipleBirthBoolean");
    assertThat(BirthReports.read(report(MOTHER, "2026-11-20T08:42:00+08:00", 0)).problems())
        .extracting(BirthProblem::location).containsExactly("Bundle.entry[0].resource.multipleBirthInteger");
  }

  @Test
  void aPatientWithoutAMotherLinkIsNotABirthReport() {
    Bundle bundle = report(MOTHER, "2026-11-20T08:42:00+08:00", false);
    ((RelatedPerson) bundle.getEntry().get(1).getResource()).getRelationshipFirstRep().getCodingFirstRep().setCode("FTH");
    assertThat(BirthReports.read(bundle).isEmpty()).isTrue();
  }

  @Test
  void contradictionsListEveryFactThatDiffers() {
    Map<String, String> first = Map.of("Patient.gender", "female", "Observation[8339-4].value", "3250 g");
    assertThat(BirthReports.contradictions(first, Map.of("Patient.gender", "female"))).isEmpty();
    assertThat(BirthReports.contradictions(first, Map.of("Patient.gender", "male", "Observation[8339-4].value", "3100 g",
        "Observation[9272-6].value", "9")))
        .extracting(BirthProblem::location).containsExactlyInAnyOrder("Patient.gender", "Observation[8339-4].value");
  }
}
