package cn.healthcard.hub.terminology.nip;

import static cn.healthcard.hub.terminology.nip.AdministeredDose.nip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Immunization.ImmunizationStatus;
import org.hl7.fhir.r4.model.ImmunizationRecommendation;
import org.hl7.fhir.r4.model.ImmunizationRecommendation.ImmunizationRecommendationRecommendationComponent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class NipImmunizationRecommendationTest {

  private final NipForecaster forecaster = new NipForecaster();
  private final FhirContext fhir = FhirContext.forR4Cached();

  private static LocalDate d(String iso) {
    return LocalDate.parse(iso);
  }

  private ImmunizationRecommendation twoMonthOld() {
    List<AdministeredDose> history = List.of(
        new AdministeredDose(HubCodeSystems.NIP_VACCINE, "HEPB", d("2026-01-15"), "Immunization/hepb-1"),
        new AdministeredDose(HubCodeSystems.NIP_VACCINE, "BCG", d("2026-01-15"), "Immunization/bcg-1"));
    return forecaster.toImmunizationRecommendation(new Reference("Patient/child-1"), d("2026-01-15"), history,
        d("2026-03-15"));
  }

  private static ImmunizationRecommendationRecommendationComponent series(ImmunizationRecommendation ir, String s) {
    return ir.getRecommendation().stream().filter(r -> r.getSeries().equals(s)).findFirst().orElseThrow();
  }

  private static List<String> codes(CodeableConcept cc, String system) {
    return cc.getCoding().stream().filter(c -> system.equals(c.getSystem())).map(Coding::getCode).toList();
  }

  @Test
  void immunizationRecommendationHasOneRecommendationPerSeriesForThePatientOnTheForecastDate() {
    ImmunizationRecommendation ir = twoMonthOld();

    assertThat(ir.getPatient().getReference()).isEqualTo("Patient/child-1");
    assertThat(ir.getDateElement().getValueAsString()).isEqualTo("2026-03-15");
    assertThat(ir.getDateElement().getPrecision()).isEqualTo(TemporalPrecisionEnum.DAY);
    assertThat(ir.getRecommendation()).extracting(r -> r.getSeries())
        .containsExactly("HEPB", "BCG", "POLIO", "DTP", "MMR", "JE", "MPSV-A", "MPSV-AC", "HEPA");
    assertThat(ir.getRecommendation()).allSatisfy(r -> {
      assertThat(r.hasVaccineCode() || r.hasTargetDisease()).isTrue(); // imr-1
      assertThat(r.hasForecastStatus()).isTrue();
      r.getDateCriterion().forEach(c -> assertThat(c.hasCode() && c.hasValue()).isTrue());
    });
  }

  @Test
  void overdueDoseCarriesNipAndCvxCodesHl7AndHubStatusAndLoincDates() {
    ImmunizationRecommendationRecommendationComponent hepb = series(twoMonthOld(), "HEPB");

    CodeableConcept vaccine = hepb.getVaccineCodeFirstRep();
    assertThat(codes(vaccine, HubCodeSystems.NIP_VACCINE)).containsExactly("HEPB");
    assertThat(codes(vaccine, HubCodeSystems.CVX)).containsExactly("08");
    assertThat(vaccine.getCodingFirstRep().getDisplay()).isEqualTo("乙肝疫苗");
    assertThat(hepb.getTargetDisease().getText()).contains("hepatitis B");
    assertThat(codes(hepb.getForecastStatus(), NipForecaster.HL7_RECOMMENDATION_STATUS)).containsExactly("overdue");
    assertThat(codes(hepb.getForecastStatus(), NipForecaster.FORECAST_STATUS_SYSTEM)).containsExactly("overdue");
    assertThat(hepb.getDateCriterion()).extracting(c -> c.getCode().getCodingFirstRep().getSystem())
        .containsOnly("http://loinc.org");
    assertThat(hepb.getDateCriterion())
        .extracting(c -> c.getCode().getCodingFirstRep().getCode(), c -> c.getValueElement().getValueAsString())
        .containsExactly(
            tuple("30981-5", "2026-02-15"),
            tuple("30980-7", "2026-02-15"),
            tuple("59778-1", "2026-03-15"),
            tuple("59777-3", "2044-01-14"));
    assertThat(hepb.getDoseNumberPositiveIntType().getValue()).isEqualTo(2);
    assertThat(hepb.getSeriesDosesPositiveIntType().getValue()).isEqualTo(3);
    assertThat(hepb.getSupportingImmunization()).extracting(Reference::getReference)
        .containsExactly("Immunization/hepb-1");
  }

  @Test
  void completeNotYetDueAndAgedOutUseValidHl7CodesOrOnlyTheHubCode() {
    ImmunizationRecommendation ir = twoMonthOld();
    ImmunizationRecommendationRecommendationComponent bcg = series(ir, "BCG");
    assertThat(codes(bcg.getForecastStatus(), NipForecaster.HL7_RECOMMENDATION_STATUS)).containsExactly("complete");
    assertThat(bcg.getDateCriterion()).isEmpty();
    assertThat(bcg.hasDoseNumber()).isFalse();
    ImmunizationRecommendationRecommendationComponent mmr = series(ir, "MMR");
    assertThat(codes(mmr.getForecastStatus(), NipForecaster.HL7_RECOMMENDATION_STATUS)).containsExactly("due");
    assertThat(codes(mmr.getForecastStatus(), NipForecaster.FORECAST_STATUS_SYSTEM)).containsExactly("not-yet-due");

    ImmunizationRecommendation old = forecaster.toImmunizationRecommendation(new Reference("Patient/p"),
        d("2024-01-01"), List.of(), d("2026-02-01"));
    ImmunizationRecommendationRecommendationComponent mpsvA = series(old, "MPSV-A");
    assertThat(codes(mpsvA.getForecastStatus(), NipForecaster.HL7_RECOMMENDATION_STATUS)).isEmpty();
    assertThat(codes(mpsvA.getForecastStatus(), NipForecaster.FORECAST_STATUS_SYSTEM)).containsExactly("aged-out");
    assertThat(mpsvA.getDateCriterion()).extracting(c -> c.getCode().getCodingFirstRep().getCode())
        .containsExactly("59777-3");
    assertThat(mpsvA.getDescription()).contains("24 months");
    // every HL7 status code used is one of that code system's codes
    for (var r : old.getRecommendation()) {
      assertThat(codes(r.getForecastStatus(), NipForecaster.HL7_RECOMMENDATION_STATUS))
          .isSubsetOf("due", "overdue", "immune", "contraindicated", "complete");
    }
  }

  @Test
  void wideCvxMappingIsSentForJeAndMpsv() {
    ImmunizationRecommendation ir = twoMonthOld();
    assertThat(codes(series(ir, "JE").getVaccineCodeFirstRep(), HubCodeSystems.CVX)).containsExactly("129");
    assertThat(codes(series(ir, "POLIO").getVaccineCodeFirstRep(), HubCodeSystems.CVX)).containsExactly("10");
    assertThat(codes(series(ir, "MPSV-A").getVaccineCodeFirstRep(), HubCodeSystems.CVX)).containsExactly("167");
  }

  /**
   * hapi-fhir-validation is not on this module's test classpath (and the 8.6.1 structures carry no
   * XSDs), so this checks what the R4 base definitions compiled into HAPI's model say: every
   * element's cardinality, recursively, and the resource's invariant imr-1; then a JSON round trip.
   */
  @Test
  void immunizationRecommendationRespectsEveryR4CardinalityAndSurvivesAJsonRoundTrip() {
    List<ImmunizationRecommendation> samples = new ArrayList<>();
    samples.add(twoMonthOld());
    samples.add(forecaster.toImmunizationRecommendation(new Reference("Patient/p"), d("2019-06-01"),
        NipForecasterTest.completeHistoryBornJune2019(), d("2026-11-26")));
    samples.add(forecaster.toImmunizationRecommendation(new Reference("Patient/p"), d("2006-01-01"), List.of(),
        d("2024-01-01")));
    for (ImmunizationRecommendation ir : samples) {
      List<String> problems = new ArrayList<>();
      checkCardinalities(fhir.getResourceDefinition(ir), ir, "ImmunizationRecommendation", problems);
      assertThat(problems).isEmpty();
      assertThat(ir.getRecommendation()).allMatch(r -> r.hasVaccineCode() || r.hasTargetDisease());
      String json = fhir.newJsonParser().encodeResourceToString(ir);
      ImmunizationRecommendation back = fhir.newJsonParser().parseResource(ImmunizationRecommendation.class, json);
      assertThat(back.equalsDeep(ir)).isTrue();
    }
  }

  @Test
  void cardinalityCheckCatchesAMissingRequiredElement() {
    ImmunizationRecommendation ir = twoMonthOld();
    ir.getRecommendationFirstRep().setForecastStatus(null);
    ir.setPatient(null);
    List<String> problems = new ArrayList<>();
    checkCardinalities(fhir.getResourceDefinition(ir), ir, "ImmunizationRecommendation", problems);
    assertThat(problems).containsExactlyInAnyOrder(
        "ImmunizationRecommendation.patient: 0 values, minimum 1",
        "ImmunizationRecommendation.recommendation[0].forecastStatus: 0 values, minimum 1");
  }

  private static void checkCardinalities(
      BaseRuntimeElementCompositeDefinition<?> def, IBase element, String path, List<String> problems) {
    for (BaseRuntimeChildDefinition child : def.getChildren()) {
      if (child.getElementName().equals("contained")) {
        continue;
      }
      List<IBase> values = child.getAccessor().getValues(element).stream()
          .filter(v -> !v.isEmpty())
          .toList();
      String childPath = path + "." + child.getElementName();
      if (values.size() < child.getMin()) {
        problems.add(childPath + ": " + values.size() + " values, minimum " + child.getMin());
      }
      if (child.getMax() != -1 && values.size() > child.getMax()) {
        problems.add(childPath + ": " + values.size() + " values, maximum " + child.getMax());
      }
      for (int i = 0; i < values.size(); i++) {
        IBase v = values.get(i);
        BaseRuntimeElementDefinition<?> vd = child.getChildElementDefinitionByDatatype(v.getClass());
        if (vd == null) {
          problems.add(childPath + ": type " + v.getClass().getSimpleName() + " not allowed");
        } else if (vd instanceof BaseRuntimeElementCompositeDefinition<?> composite) {
          checkCardinalities(composite, v, childPath + (child.getMax() == 1 ? "" : "[" + i + "]"), problems);
        }
      }
    }
  }

  @Test
  void administeredDoseIsReadFromACompletedImmunizationPreferringTheNipCoding() {
    Immunization im = new Immunization();
    im.setId("Immunization/im-7");
    im.setStatus(ImmunizationStatus.COMPLETED);
    im.getVaccineCode().addCoding(new Coding(HubCodeSystems.CVX, "08", null))
        .addCoding(new Coding(HubCodeSystems.NIP_VACCINE, "HEPB", null));
    im.setOccurrence(new DateTimeType("2026-01-15T23:30:00+08:00"));

    assertThat(AdministeredDose.fromImmunization(im)).hasValue(
        new AdministeredDose(HubCodeSystems.NIP_VACCINE, "HEPB", d("2026-01-15"), "Immunization/im-7"));

    im.setStatus(ImmunizationStatus.NOTDONE);
    assertThat(AdministeredDose.fromImmunization(im)).isEmpty();
    im.setStatus(ImmunizationStatus.COMPLETED);
    im.getVaccineCode().getCoding().removeIf(c -> HubCodeSystems.NIP_VACCINE.equals(c.getSystem()));
    assertThat(AdministeredDose.fromImmunization(im)).map(AdministeredDose::code).hasValue("08");
  }

  @Test
  void forecastStatusesAreTheSameInTheResourceAsInTheForecast() {
    List<AdministeredDose> history = List.of(nip("HEPB", d("2026-01-15")));
    List<Recommendation> recs = forecaster.forecast(d("2026-01-15"), history, d("2026-03-15"));
    ImmunizationRecommendation ir = forecaster.toImmunizationRecommendation(new Reference("Patient/p"), recs,
        d("2026-03-15"));
    for (int i = 0; i < recs.size(); i++) {
      assertThat(codes(ir.getRecommendation().get(i).getForecastStatus(), NipForecaster.FORECAST_STATUS_SYSTEM))
          .containsExactly(recs.get(i).status().code());
    }
  }
}
