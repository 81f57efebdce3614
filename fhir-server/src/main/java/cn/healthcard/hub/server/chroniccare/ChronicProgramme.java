package cn.healthcard.hub.server.chroniccare;

import cn.healthcard.hub.terminology.HubCodeSystems;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;

/**
 * The chronic-disease programmes of the national basic public-health services (国家基本公共卫生服务
 * 规范, 3rd edition): hypertension and type 2 diabetes in adults. A person under control is
 * followed up face to face at least four times a year (here: every {@link #ROUTINE} days); one
 * whose last follow-up found the disease uncontrolled is seen again within two weeks.
 */
public enum ChronicProgramme {
  HYPERTENSION("hypertension", "Hypertension management", "38341003", "Hypertensive disorder", "I10", "Essential hypertension"),
  TYPE_2_DIABETES("t2dm", "Type 2 diabetes management", "44054006", "Diabetes mellitus type 2", "E11", "Type 2 diabetes mellitus");

  public static final String PROGRAMME_SYSTEM = HubCodeSystems.BASE + "/CodeSystem/chronic-care-programme";
  public static final String FOLLOW_UP_SYSTEM = HubCodeSystems.BASE + "/CodeSystem/chronic-care-follow-up";
  public static final String SNOMED = "http://snomed.info/sct";
  public static final String LOINC = "http://loinc.org";
  public static final Duration ROUTINE = Duration.ofDays(90);
  public static final Duration UNCONTROLLED = Duration.ofDays(14);
  static final String SYSTOLIC = "8480-6";
  static final String DIASTOLIC = "8462-4";
  static final String FASTING_GLUCOSE = "1558-6";

  private final String code;
  private final String display;
  private final String snomed;
  private final String snomedDisplay;
  private final String icd10;
  private final String icd10Display;

  ChronicProgramme(String code, String display, String snomed, String snomedDisplay, String icd10, String icd10Display) {
    this.code = code;
    this.display = display;
    this.snomed = snomed;
    this.snomedDisplay = snomedDisplay;
    this.icd10 = icd10;
    this.icd10Display = icd10Display;
  }

  public String code() {
    return code;
  }

  public static Optional<ChronicProgramme> of(String code) {
    return Arrays.stream(values()).filter(p -> p.code.equals(code)).findFirst();
  }

  /** The CarePlan category (and follow-up Encounter type) of this programme. */
  public Coding programme() {
    return new Coding(PROGRAMME_SYSTEM, code, display);
  }

  public Coding followUp() {
    return new Coding(FOLLOW_UP_SYSTEM, code, display + " follow-up");
  }

  public CodeableConcept condition() {
    return new CodeableConcept()
        .addCoding(new Coding(SNOMED, snomed, snomedDisplay))
        .addCoding(new Coding(HubCodeSystems.ICD10, icd10, icd10Display));
  }

  public String snomedCode() {
    return snomed;
  }

  /**
   * Whether a follow-up's measurements say the disease is under control: blood pressure below
   * 140/90 mmHg; fasting plasma glucose below 7.0 mmol/L. Empty when the visit measured neither.
   */
  public Optional<Boolean> controlled(Iterable<Observation> measurements) {
    Boolean controlled = null;
    for (Observation o : measurements) {
      if (this == HYPERTENSION) {
        for (Observation.ObservationComponentComponent c : o.getComponent()) {
          Optional<BigDecimal> value = c.hasValueQuantity() ? Optional.ofNullable(c.getValueQuantity().getValue()) : Optional.empty();
          if (value.isEmpty()) {
            continue;
          }
          if (has(c.getCode(), SYSTOLIC)) {
            controlled = and(controlled, value.get().compareTo(BigDecimal.valueOf(140)) < 0);
          } else if (has(c.getCode(), DIASTOLIC)) {
            controlled = and(controlled, value.get().compareTo(BigDecimal.valueOf(90)) < 0);
          }
        }
      } else if (has(o.getCode(), FASTING_GLUCOSE) && o.hasValueQuantity() && o.getValueQuantity().hasValue()) {
        controlled = and(controlled, o.getValueQuantity().getValue().compareTo(new BigDecimal("7.0")) < 0);
      }
    }
    return Optional.ofNullable(controlled);
  }

  private static Boolean and(Boolean sofar, boolean now) {
    return sofar == null ? now : sofar && now;
  }

  private static boolean has(CodeableConcept concept, String loinc) {
    return concept.getCoding().stream().anyMatch(c -> LOINC.equals(c.getSystem()) && loinc.equals(c.getCode()));
  }

  /** When the next follow-up is due after a visit (or the enrolment) on {@code since}. */
  public java.time.LocalDate nextDue(java.time.LocalDate since, Optional<Boolean> controlled) {
    Duration interval = controlled.orElse(true) ? ROUTINE : UNCONTROLLED;
    return since.plusDays(interval.toDays());
  }
}
