package cn.healthcard.hub.server.births;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Flag;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Antenatal and postnatal care, high-risk pregnancy, child health checks: found by either card number. */
class MaternalChildCareIT extends BirthsIntegrationTest {
  @Autowired ChildCardApplications applications;
  @Autowired BirthRegistrations registrations;

  String create(Resource resource) {
    HttpResponse<String> created = post("/" + resource.fhirType(), "application/fhir+json",
        FHIR.newJsonParser().encodeResourceToString(resource));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return resource.fhirType() + "/" + FHIR.newJsonParser().parseResource(created.body()).getIdElement().getIdPart();
  }

  String visit(String patient, String snomed, String display, String day) {
    Encounter e = new Encounter();
    e.setStatus(Encounter.EncounterStatus.FINISHED);
    e.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
    e.addType(new CodeableConcept(new Coding("http://snomed.info/sct", snomed, display)));
    e.setSubject(new Reference(patient));
    e.getPeriod().setStartElement(new DateTimeType(day + "T10:00:00+08:00"));
    return create(e);
  }

  String measure(String patient, String encounter, String loinc, String display, String value, String unit, String day) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(new CodeableConcept(new Coding("http://loinc.org", loinc, display)));
    o.setSubject(new Reference(patient));
    o.setEncounter(new Reference(encounter));
    o.setEffective(new DateTimeType(day + "T10:10:00+08:00"));
    o.setValue(new Quantity().setValue(new BigDecimal(value)).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit));
    return create(o);
  }

  Set<String> everything(String cardNumber) {
    HttpResponse<String> response = get("/Patient/$everything?identifier=" + CARD + "%7C" + cardNumber + "&_count=500");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    return bundle.getEntry().stream()
        .map(e -> e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart())
        .collect(Collectors.toSet());
  }

  @Test
  void pregnancyBirthAndChildChecksAreFoundByTheMothersAndTheChildsCardNumbers() {
    String motherNumber = motherNumber();
    Patient m = new Patient();
    m.addIdentifier().setSystem(CARD).setValue(motherNumber);
    m.setGender(AdministrativeGender.FEMALE);
    String mother = create(m);

    // antenatal care: visits with blood pressure, weight, fundal height, fetal heart rate
    String antenatal = visit(mother, "424441002", "Prenatal initial visit", "2026-05-12");
    List<String> antenatalMeasurements = List.of(
        measure(mother, antenatal, "29463-7", "Body weight", "61.5", "kg", "2026-05-12"),
        measure(mother, antenatal, "11881-0", "Uterus Fundal height by Tape measure", "24", "cm", "2026-05-12"),
        measure(mother, antenatal, "55283-6", "Fetal Heart rate", "146", "/min", "2026-05-12"));
    Condition preeclampsia = new Condition();
    preeclampsia.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "398254007", "Pre-eclampsia")));
    preeclampsia.setSubject(new Reference(mother));
    preeclampsia.setClinicalStatus(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/condition-clinical", "active", null)));
    String condition = create(preeclampsia);
    Flag highRisk = new Flag();
    highRisk.setStatus(Flag.FlagStatus.ACTIVE);
    highRisk.setCode(new CodeableConcept(new Coding("http://snomed.info/sct", "47200007", "High risk pregnancy")));
    highRisk.setSubject(new Reference(mother));
    String flag = create(highRisk);

    // the birth, then household registration gives the child its number
    String servicePoint = registerInstitution("service-point", null);
    Child born = Child.of("2026-09-02T07:20:00+08:00");
    assertThat(transaction(birthReport(card(motherNumber), servicePoint, false, born)).statusCode()).isEqualTo(200);
    Patient child = patientWithCertificate(born.certificate());
    String childRef = "Patient/" + child.getIdElement().getIdPart();
    assertThat(cardSide(applications, registrations, child).state()).isEqualTo("applied");
    KeyPair key = PoliceHouseholdSystem.newKey();
    PoliceHouseholdSystem police = new PoliceHouseholdSystem("http://localhost:" + port,
        registerInstitution("household-registration", key), key);
    String childNumber = cn.healthcard.hub.server.IdentityNumbers.next(java.time.LocalDate.parse("2026-09-02"), true);
    assertThat(police.register(born.certificate(), childNumber).statusCode()).isEqualTo(200);

    // postnatal visit of the mother, child health checks at 1 and 3 months
    String postnatal = visit(mother, "133906008", "Postpartum care", "2026-09-30");
    String check1 = visit(childRef, "410620009", "Well child visit", "2026-10-02");
    String weight1 = measure(childRef, check1, "29463-7", "Body weight", "4.5", "kg", "2026-10-02");
    String check3 = visit(childRef, "410620009", "Well child visit", "2026-12-02");
    String length3 = measure(childRef, check3, "8306-3", "Body height --lying", "61.0", "cm", "2026-12-02");

    Set<String> mothers = everything(motherNumber);
    assertThat(mothers).contains(mother, antenatal, postnatal, condition, flag).containsAll(antenatalMeasurements);
    assertThat(mothers).doesNotContain(weight1);

    Set<String> childs = everything(childNumber);
    assertThat(childs).contains(childRef, check1, weight1, check3, length3);
    assertThat(childs).anyMatch(r -> r.startsWith("RelatedPerson/"));
    assertThat(childs.stream().filter(r -> r.startsWith("Observation/")).count()).isGreaterThanOrEqualTo(4 + 2);
    assertThat(childs).doesNotContain(flag, antenatal);

    // the child's weight at one month has its WHO percentile, derived from the measurement
    Bundle percentiles = search("Observation?subject=" + childRef + "&code=http://loinc.org|8336-0");
    assertThat(percentiles.getEntry()).hasSize(1);
    Observation percentile = (Observation) percentiles.getEntryFirstRep().getResource();
    assertThat(percentile.getDerivedFromFirstRep().getReference()).isEqualTo(weight1);
    double expected = cn.healthcard.hub.terminology.growth.GrowthStandards.standard()
        .assessLoinc("29463-7", cn.healthcard.hub.terminology.growth.Sex.FEMALE, 30, 4.5).orElseThrow().percentile();
    assertThat(percentile.getValueQuantity().getValue().doubleValue()).isCloseTo(expected, org.assertj.core.data.Offset.offset(0.06));
    assertThat(percentile.getValueQuantity().getUnit()).isEqualTo("%");
    cn.healthcard.hub.server.R4Validation.assertValid(percentile);
    // an adult's weight gets none
    assertThat(search("Observation?subject=" + mother + "&code=http://loinc.org|8336-0").getEntry()).isEmpty();

    // the mother's card number finds her children, and through them their records
    Bundle children = search("RelatedPerson?identifier=" + CARD + "|" + motherNumber + "&_include=RelatedPerson:patient");
    assertThat(children.getEntry()).extracting(e -> e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart())
        .contains(childRef);
  }
}
