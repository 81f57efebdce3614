package cn.healthcard.hub.federation.fhir;

import cn.healthcard.hub.federation.match.Person;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.LocalDate;
import java.util.Optional;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * What matching compares of a Patient (the hub's records and a {@code $match} query alike): the
 * official (else the first) name, birth date, gender, identity and card numbers (normalised to
 * 18 characters), the first phone (a mobile first) and the county: the home address's division,
 * else the one the identity number was issued in.
 */
public final class PatientToPerson {

  static final String ADDRESS_DIVISION = HubCodeSystems.ADDRESS_DIVISION_EXTENSION;

  private PatientToPerson() {}

  /**
   * The person a record of the repository stands for; empty for a record merged into another
   * (replaced-by) or no longer active: it is not a candidate any more.
   */
  public static Optional<Person> indexed(Patient patient) {
    boolean replaced = patient.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY);
    if (replaced || (patient.hasActive() && !patient.getActive())) {
      return Optional.empty();
    }
    return Optional.of(person(patient.getIdElement().getIdPart(), patient));
  }

  /** The person a {@code $match} query describes (its id, if any, is ignored). */
  public static Person query(Patient patient) {
    return person("", patient);
  }

  private static Person person(String id, Patient patient) {
    HumanName name = name(patient);
    String family = null;
    String given = null;
    if (name != null) {
      family = blankToNull(name.getFamily());
      StringBuilder givens = new StringBuilder();
      for (StringType part : name.getGiven()) {
        if (part.hasValue()) {
          givens.append(part.getValue());
        }
      }
      given = blankToNull(givens.toString());
      if (family == null && given == null && name.hasText()) {
        // a Chinese name written whole: the first character is the family name (a compound
        // family name is then one character off, which matching tolerates)
        String text = name.getText().strip();
        if (!text.isEmpty() && Character.isIdeographic(text.codePointAt(0))) {
          int split = text.offsetByCodePoints(0, 1);
          family = text.substring(0, split);
          given = blankToNull(text.substring(split));
        }
      }
    }
    // a birth date written to the day (a year or month alone does not take part)
    String written = patient.hasBirthDateElement() ? patient.getBirthDateElement().getValueAsString() : null;
    LocalDate birth = written != null && written.length() == 10 ? LocalDate.parse(written) : null;
    String gender = patient.hasGender() && patient.getGender() != AdministrativeGender.NULL
        ? patient.getGender().toCode() : null;
    String identity = number(patient, ResidentIdNumber.ID_CARD_SYSTEM);
    String card = number(patient, ResidentIdNumber.HEALTH_CARD_SYSTEM);
    String county = division(patient);
    if (county == null) {
      String issued = identity != null ? identity : card;
      county = issued != null ? ResidentIdNumber.parse(issued).addressCode() : null;
    }
    return new Person(id, family, given, birth, gender, identity, card, blankToNull(phone(patient)), county);
  }

  private static HumanName name(Patient patient) {
    for (HumanName name : patient.getName()) {
      if (name.getUse() == HumanName.NameUse.OFFICIAL) {
        return name;
      }
    }
    return patient.getName().isEmpty() ? null : patient.getNameFirstRep();
  }

  /** The identifier's value as an 18-character number; null when absent or not a valid number. */
  private static String number(Patient patient, String system) {
    for (Identifier identifier : patient.getIdentifier()) {
      if (system.equals(identifier.getSystem()) && identifier.hasValue()) {
        Optional<ResidentIdNumber> parsed = ResidentIdNumber.tryParse(identifier.getValue());
        if (parsed.isPresent()) {
          return parsed.get().value();
        }
      }
    }
    return null;
  }

  private static String phone(Patient patient) {
    String first = null;
    for (ContactPoint telecom : patient.getTelecom()) {
      if (telecom.getSystem() == ContactPoint.ContactPointSystem.PHONE && telecom.hasValue()) {
        if (telecom.getUse() == ContactPoint.ContactPointUse.MOBILE) {
          return telecom.getValue();
        }
        if (first == null) {
          first = telecom.getValue();
        }
      }
    }
    return first;
  }

  private static String division(Patient patient) {
    for (Address address : patient.getAddress()) {
      if (address.hasUse() && address.getUse() != Address.AddressUse.HOME) {
        continue;
      }
      Extension extension = address.getExtensionByUrl(ADDRESS_DIVISION);
      if (extension != null && extension.getValue() instanceof Coding coding && coding.hasCode()
          && coding.getCode().length() == 6) {
        return coding.getCode();
      }
    }
    return null;
  }

  /** Longer than any real name or phone: a garbled record's field is cut, not carried whole. */
  static final int LONGEST = 64;

  private static String blankToNull(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String stripped = value.strip();
    return stripped.codePointCount(0, stripped.length()) <= LONGEST ? stripped
        : stripped.substring(0, stripped.offsetByCodePoints(0, LONGEST));
  }
}
