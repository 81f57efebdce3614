package cn.healthcard.hub.terminology.nip;

import cn.healthcard.hub.terminology.HubCodeSystems;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Immunization.ImmunizationStatus;

/**
 * One vaccination in a child's history.
 *
 * @param system {@link HubCodeSystems#NIP_VACCINE} or {@link HubCodeSystems#CVX}; other systems
 *     are accepted and evaluated as unrecognised
 * @param code the vaccine code in that system
 * @param date the day the dose was given (dates only: ages and intervals are counted in days)
 * @param reference optional reference to the Immunization it came from ({@code Immunization/123}),
 *     used as {@code supportingImmunization}; may be null
 */
public record AdministeredDose(String system, String code, LocalDate date, String reference) {

  public AdministeredDose {
    Objects.requireNonNull(system, "system");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(date, "date");
  }

  public AdministeredDose(String system, String code, LocalDate date) {
    this(system, code, date, null);
  }

  /** A dose recorded with an NIP vaccine code. */
  public static AdministeredDose nip(String code, LocalDate date) {
    return new AdministeredDose(HubCodeSystems.NIP_VACCINE, code, date);
  }

  /** A dose recorded with a CDC CVX code. */
  public static AdministeredDose cvx(String code, LocalDate date) {
    return new AdministeredDose(HubCodeSystems.CVX, code, date);
  }

  /**
   * The dose an Immunization records, if it records one: status {@code completed} (or absent),
   * an occurrence date, and a vaccine coding. The NIP coding is preferred, then CVX, then the
   * first coding (which will evaluate as unrecognised). The date is the calendar day as written
   * in {@code occurrenceDateTime}, in the time zone it was written with.
   */
  public static Optional<AdministeredDose> fromImmunization(Immunization immunization) {
    if (immunization.hasStatus() && immunization.getStatus() != ImmunizationStatus.COMPLETED) {
      return Optional.empty();
    }
    if (!immunization.hasOccurrenceDateTimeType()
        || immunization.getOccurrenceDateTimeType().getValue() == null) {
      return Optional.empty();
    }
    var when = immunization.getOccurrenceDateTimeType();
    LocalDate date = LocalDate.of(when.getYear(), when.getMonth() + 1, when.getDay());
    Coding coding = pick(immunization, HubCodeSystems.NIP_VACCINE)
        .or(() -> pick(immunization, HubCodeSystems.CVX))
        .or(() -> immunization.getVaccineCode().getCoding().stream()
            .filter(c -> c.hasSystem() && c.hasCode()).findFirst())
        .orElse(null);
    if (coding == null) {
      return Optional.empty();
    }
    String reference = immunization.getIdElement().hasIdPart()
        ? "Immunization/" + immunization.getIdElement().getIdPart()
        : null;
    return Optional.of(new AdministeredDose(coding.getSystem(), coding.getCode(), date, reference));
  }

  private static Optional<Coding> pick(Immunization immunization, String system) {
    return immunization.getVaccineCode().getCoding().stream()
        .filter(c -> system.equals(c.getSystem()) && c.hasCode())
        .findFirst();
  }
}
