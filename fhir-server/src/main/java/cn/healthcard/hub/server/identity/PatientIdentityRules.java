package cn.healthcard.hub.server.identity;

import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * The identity rules for a Patient (architecture page, "Identity"), as a pure function: validates
 * every health-card and identity-card identifier, normalises legacy 15-digit numbers to 18
 * characters in place, and checks the birth date against the one the number encodes.
 */
public final class PatientIdentityRules {

  /** One broken rule, located by a FHIRPath expression. Never carries the number itself. */
  public record Violation(String expression, String message) {}

  private PatientIdentityRules() {}

  public static boolean isResidentIdSystem(String system) {
    return ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(system)
        || ResidentIdNumber.ID_CARD_SYSTEM.equals(system);
  }

  /** Applies the rules; normalises identifiers in place and returns what is wrong. */
  public static List<Violation> apply(Patient patient) {
    List<Violation> violations = new ArrayList<>();
    ResidentIdNumber cardNumber = null;
    List<Identifier> identifiers = patient.getIdentifier();
    for (int i = 0; i < identifiers.size(); i++) {
      Identifier identifier = identifiers.get(i);
      if (!isResidentIdSystem(identifier.getSystem())) {
        continue;
      }
      String kind =
          ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(identifier.getSystem())
              ? "health-card number"
              : "identity-card number";
      String where = "Patient.identifier[" + i + "].value";
      ResidentIdNumber number;
      try {
        number = ResidentIdNumber.parse(identifier.getValue());
      } catch (InvalidResidentIdNumberException e) {
        violations.add(new Violation(where, "Invalid " + kind + ": " + e.getMessage()));
        continue;
      }
      identifier.setValue(number.value());
      if (ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(identifier.getSystem())) {
        if (cardNumber != null && !cardNumber.equals(number)) {
          violations.add(
              new Violation(
                  where, "A Patient has one health-card number; this one differs from an earlier one"));
        }
        cardNumber = number;
      }
      checkBirthDate(patient, number, kind, violations);
    }
    return violations;
  }

  private static void checkBirthDate(
      Patient patient, ResidentIdNumber number, String kind, List<Violation> violations) {
    if (!patient.hasBirthDateElement() || patient.getBirthDateElement().getValue() == null) {
      return;
    }
    var element = patient.getBirthDateElement();
    LocalDate encoded = number.birthDate();
    // compare the fields as written; converting through java.util.Date would drag in time zones
    boolean sameYear = element.getYear() == encoded.getYear();
    boolean sameMonth = sameYear && element.getMonth() + 1 == encoded.getMonthValue();
    boolean contradicts =
        switch (element.getPrecision()) {
          case YEAR -> !sameYear;
          case MONTH -> !sameMonth;
          default -> !(sameMonth && element.getDay() == encoded.getDayOfMonth());
        };
    if (contradicts) {
      String message =
          "Patient.birthDate contradicts the birth date encoded in the " + kind;
      if (violations.stream().noneMatch(v -> v.message().equals(message))) {
        violations.add(new Violation("Patient.birthDate", message));
      }
    }
  }
}
