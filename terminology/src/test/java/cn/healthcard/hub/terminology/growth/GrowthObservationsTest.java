package cn.healthcard.hub.terminology.growth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ca.uhn.fhir.context.FhirContext;
import java.math.BigDecimal;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class GrowthObservationsTest {

  private static final GrowthStandards WHO = GrowthStandards.standard();

  private static Patient child(AdministrativeGender gender, String born) {
    Patient p = new Patient();
    p.setId("Patient/c1");
    p.setGender(gender);
    p.setBirthDateElement(new DateType(born));
    return p;
  }

  private static Observation observation(String loinc, double value, String ucum, String when) {
    Observation o = new Observation();
    o.setId("Observation/w1");
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.getCode().addCoding().setSystem("http://loinc.org").setCode(loinc);
    o.setSubject(new Reference("Patient/c1"));
    o.setEffective(new DateTimeType(when));
    o.setValue(new Quantity().setValue(BigDecimal.valueOf(value)).setSystem(GrowthObservations.UCUM)
        .setCode(ucum).setUnit(ucum));
    return o;
  }

  @Test
  void weightObservationOfABoy() {
    Patient boy = child(AdministrativeGender.MALE, "2024-01-01");
    Observation w = observation("29463-7", 9.6479, "kg", "2024-12-31T10:00:00+08:00");
    GrowthResult r = GrowthObservations.assess(WHO, w, boy).orElseThrow();
    assertThat(r.indicator()).isEqualTo(Indicator.WEIGHT_FOR_AGE);
    assertThat(r.sex()).isEqualTo(Sex.MALE);
    assertThat(r.ageInDays()).isEqualTo(365);
    assertThat(r.zScore()).isCloseTo(0, within(0.01));

    Observation grams = observation("29463-7", 9647.9, "g", "2024-12-31");
    assertThat(GrowthObservations.assess(WHO, grams, boy).orElseThrow().zScore())
        .isCloseTo(r.zScore(), within(1e-9));
  }

  @Test
  void lyingLengthAfterTwoYearsIsCorrected() {
    Patient girl = child(AdministrativeGender.FEMALE, "2022-06-15");
    Observation lying = observation("8306-3", 0.9, "m", "2024-09-01");
    GrowthResult r = GrowthObservations.assess(WHO, lying, girl).orElseThrow();
    assertThat(r.indicator()).isEqualTo(Indicator.LENGTH_HEIGHT_FOR_AGE);
    assertThat(r.value()).isCloseTo(90.0, within(1e-9));
    assertThat(r.standardisedValue()).isCloseTo(89.3, within(1e-9));
  }

  @Test
  void effectivePeriodStartIsTheDayOfMeasurement() {
    Patient girl = child(AdministrativeGender.FEMALE, "2024-01-01");
    Observation hc = observation("9843-4", 40.0, "cm", "2024-01-01");
    hc.setEffective(new Period().setStartElement(new DateTimeType("2024-04-10")));
    assertThat(GrowthObservations.assess(WHO, hc, girl).orElseThrow().ageInDays()).isEqualTo(100);
  }

  @Test
  void whatCannotBeAssessedIsEmpty() {
    Patient boy = child(AdministrativeGender.MALE, "2024-01-01");
    assertThat(GrowthObservations.assess(WHO, observation("8867-4", 120, "/min", "2024-05-01"), boy))
        .isEmpty();
    assertThat(GrowthObservations.assess(
            WHO, observation("29463-7", 8, "kg", "2024-05-01"), child(AdministrativeGender.UNKNOWN, "2024-01-01")))
        .isEmpty();
    assertThat(GrowthObservations.assess(
            WHO, observation("29463-7", 8, "kg", "2024-05-01"), child(AdministrativeGender.MALE, "2024-01")))
        .isEmpty();
    assertThat(GrowthObservations.assess(WHO, observation("29463-7", 25, "kg", "2030-05-01"), boy))
        .isEmpty();
    Observation noValue = observation("29463-7", 8, "kg", "2024-05-01");
    noValue.setValue(null);
    assertThat(GrowthObservations.assess(WHO, noValue, boy)).isEmpty();
  }

  @Test
  void unitsItCannotTakeAreRejected() {
    Patient boy = child(AdministrativeGender.MALE, "2024-01-01");
    assertThatThrownBy(() ->
            GrowthObservations.assess(WHO, observation("29463-7", 20, "[lb_av]", "2024-05-01"), boy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[lb_av]");
    Observation noSystem = observation("29463-7", 8, "kg", "2024-05-01");
    noSystem.getValueQuantity().setSystem(null);
    assertThatThrownBy(() -> GrowthObservations.assess(WHO, noSystem, boy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UCUM");
    assertThatThrownBy(() ->
            GrowthObservations.assess(WHO, observation("29463-7", -8, "kg", "2024-05-01"), boy))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
  }

  @Test
  void percentileObservation() {
    Patient boy = child(AdministrativeGender.MALE, "2024-01-01");
    Observation w = observation("29463-7", 11.0, "kg", "2024-12-31");
    GrowthResult r = GrowthObservations.assess(WHO, w, boy).orElseThrow();
    Observation p = GrowthObservations.percentileObservation(r, w);
    assertThat(p.getCode().getCodingFirstRep().getSystem()).isEqualTo("http://loinc.org");
    assertThat(p.getCode().getCodingFirstRep().getCode()).isEqualTo("8336-0");
    assertThat(p.getValueQuantity().getCode()).isEqualTo("%");
    assertThat(p.getValueQuantity().getValue().doubleValue())
        .isCloseTo(r.percentile(), within(0.05));
    assertThat(p.getSubject().getReference()).isEqualTo("Patient/c1");
    assertThat(p.getDerivedFromFirstRep().getReference()).isEqualTo("Observation/w1");
    assertThat(p.getEffectiveDateTimeType().getValueAsString()).isEqualTo("2024-12-31");
    assertThat(p.getNoteFirstRep().getText()).contains("z-score").contains("boys");
    // it is a valid FHIR resource as far as the parser is concerned
    String json = FhirContext.forR4Cached().newJsonParser().encodeResourceToString(p);
    assertThat(json).contains("\"8336-0\"");
  }
}
