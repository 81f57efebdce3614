package cn.healthcard.hub.terminology.growth;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * FHIR R4 glue for {@link GrowthStandards}: assess a vital-signs Observation of a child, and state
 * the result as a percentile Observation.
 */
public final class GrowthObservations {

  public static final String LOINC = "http://loinc.org";
  public static final String UCUM = "http://unitsofmeasure.org";
  static final String OBSERVATION_CATEGORY =
      "http://terminology.hl7.org/CodeSystem/observation-category";

  private GrowthObservations() {}

  /**
   * Assesses an Observation of {@code patient} against the WHO standard its LOINC code names (see
   * {@link Indicator#forLoinc(String)}).
   *
   * <p>Empty when the Observation has no LOINC code of an indicator or no {@code valueQuantity},
   * when its effective date (dateTime, or the start of a Period) or the patient's birth date is
   * missing or less precise than a day, when the patient's gender is not male or female, or when
   * the age is outside 0..1856 days. The age is counted in calendar days between the two dates as
   * written (time of day and time zone are not used).
   *
   * @throws IllegalArgumentException when the quantity is not in a UCUM unit the indicator can
   *     take (weight kg or g, lengths cm, mm or m, BMI kg/m2) or not a positive number
   */
  public static Optional<GrowthResult> assess(
      GrowthStandards standards, Observation observation, Patient patient) {
    Objects.requireNonNull(standards, "standards");
    Objects.requireNonNull(observation, "observation");
    Objects.requireNonNull(patient, "patient");
    String loinc = null;
    Indicator indicator = null;
    for (Coding c : observation.getCode().getCoding()) {
      if (LOINC.equals(c.getSystem()) && c.hasCode()) {
        Optional<Indicator> i = Indicator.forLoinc(c.getCode());
        if (i.isPresent()) {
          loinc = c.getCode();
          indicator = i.get();
          break;
        }
      }
    }
    if (indicator == null || !observation.hasValueQuantity()) {
      return Optional.empty();
    }
    AdministrativeGender gender = patient.getGender();
    Optional<Sex> sex =
        Sex.fromAdministrativeGender(gender == null ? null : gender.toCode());
    Optional<LocalDate> born = day(patient.getBirthDateElement());
    Optional<LocalDate> measured = effectiveDay(observation);
    if (sex.isEmpty() || born.isEmpty() || measured.isEmpty()) {
      return Optional.empty();
    }
    double value = valueIn(indicator, observation.getValueQuantity());
    return standards.assess(
        indicator, sex.get(), born.get(), measured.get(), value, Indicator.lengthPosition(loinc));
  }

  /**
   * The result as a FHIR Observation of its percentile: LOINC {@link Indicator#percentileLoinc()},
   * value in UCUM {@code %} rounded to 1 decimal, the source's subject, effective time and
   * encounter, {@code derivedFrom} the source when it has an id, and the z-score (2 decimals) and
   * the standard in a note (no LOINC code for the z-score was verified).
   */
  public static Observation percentileObservation(GrowthResult result, Observation source) {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(source, "source");
    Indicator indicator = result.indicator();
    Observation o = new Observation();
    o.setStatus(ObservationStatus.FINAL);
    o.addCategory(
        new CodeableConcept(new Coding(OBSERVATION_CATEGORY, "vital-signs", "Vital Signs")));
    o.setCode(
        new CodeableConcept(
            new Coding(LOINC, indicator.percentileLoinc(), indicator.percentileDisplay())));
    if (source.hasSubject()) {
      o.setSubject(source.getSubject().copy());
    }
    if (source.hasEncounter()) {
      o.setEncounter(source.getEncounter().copy());
    }
    if (source.hasEffective()) {
      o.setEffective(source.getEffective().copy());
    }
    if (source.hasIdElement() && !source.getIdElement().isEmpty()) {
      o.addDerivedFrom(new Reference(source.getIdElement().toUnqualifiedVersionless()));
    }
    o.setValue(
        new Quantity()
            .setValue(Math.round(result.percentile() * 10) / 10.0)
            .setUnit("%")
            .setSystem(UCUM)
            .setCode("%"));
    o.addNote()
        .setText(
                "WHO Child Growth Standards (2006), "
                    + indicator.title()
                    + ", "
                    + (result.sex() == Sex.MALE ? "boys" : "girls")
                    + ", age "
                    + result.ageInDays()
                    + " days: z-score "
                    + String.format(Locale.ROOT, "%.2f", result.roundedZScore())
                    + (result.restrictedRuleApplied() ? " (WHO restricted rule beyond 3 SD)" : ""));
    return o;
  }

  private static Optional<LocalDate> effectiveDay(Observation observation) {
    Type effective = observation.getEffective();
    if (effective instanceof BaseDateTimeType dt) {
      return day(dt);
    }
    if (observation.hasEffectivePeriod()) {
      return day(observation.getEffectivePeriod().getStartElement());
    }
    return Optional.empty();
  }

  /** The calendar date as written; empty when missing or less precise than a day. */
  private static Optional<LocalDate> day(BaseDateTimeType dt) {
    if (dt == null || dt.getValue() == null
        || dt.getPrecision().ordinal() < TemporalPrecisionEnum.DAY.ordinal()) {
      return Optional.empty();
    }
    return Optional.of(LocalDate.of(dt.getYear(), dt.getMonth() + 1, dt.getDay()));
  }

  /** The quantity in the indicator's unit. */
  private static double valueIn(Indicator indicator, Quantity q) {
    if (!q.hasValue()) {
      throw new IllegalArgumentException(indicator.title() + ": the quantity has no value");
    }
    String code = q.hasCode() ? q.getCode() : null;
    if (!UCUM.equals(q.getSystem()) || code == null) {
      throw new IllegalArgumentException(
          indicator.title() + ": the quantity must be in a UCUM unit, got system "
              + q.getSystem() + " code " + code + " unit " + q.getUnit());
    }
    double v = q.getValue().doubleValue();
    double factor =
        switch (indicator) {
          case WEIGHT_FOR_AGE -> switch (code) {
            case "kg" -> 1;
            case "g" -> 0.001;
            default -> Double.NaN;
          };
          case LENGTH_HEIGHT_FOR_AGE, HEAD_CIRCUMFERENCE_FOR_AGE -> switch (code) {
            case "cm" -> 1;
            case "mm" -> 0.1;
            case "m" -> 100;
            default -> Double.NaN;
          };
          case BMI_FOR_AGE -> "kg/m2".equals(code) ? 1 : Double.NaN;
        };
    if (Double.isNaN(factor)) {
      throw new IllegalArgumentException(
          indicator.title() + ": cannot take UCUM unit " + code + " (expected " + indicator.unit()
              + ")");
    }
    return v * factor;
  }
}
