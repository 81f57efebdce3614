package cn.healthcard.hub.terminology.identity;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * A validated citizen identity number (GB 11643-1999), which is also the resident health-card
 * number. Always held in its 18-character form; 15-character legacy numbers (issued before 1999,
 * birth year in two digits, no check character) are converted on parsing.
 *
 * <p>{@link #toString()} is masked on purpose: the number is sensitive personal information and
 * must not leak into logs through string concatenation. Use {@link #value()} where the number
 * itself is needed.
 */
public final class ResidentIdNumber {

  /** Identifier system of the resident health-card number. */
  public static final String HEALTH_CARD_SYSTEM = "urn:oid:2.16.156.10011.1.19";

  /** Identifier system of the resident identity card. */
  public static final String ID_CARD_SYSTEM = "urn:oid:2.16.156.10011.1.3";

  /** Birth dates before this are treated as impossible (no living resident was born earlier). */
  static final LocalDate EARLIEST_BIRTH_DATE = LocalDate.of(1880, 1, 1);

  private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  private static final char[] CHECK_CHARACTERS = {
    '1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'
  };

  public enum Sex {
    MALE,
    FEMALE
  }

  private final String value;
  private final LocalDate birthDate;

  private ResidentIdNumber(String value, LocalDate birthDate) {
    this.value = value;
    this.birthDate = birthDate;
  }

  /**
   * Parses and validates a number, 18 characters or 15 (legacy). The check character may be a
   * lower-case {@code x}; surrounding white space is ignored.
   *
   * @throws InvalidResidentIdNumberException with a reason that never contains the number
   */
  public static ResidentIdNumber parse(String raw) {
    return parse(raw, LocalDate.now());
  }

  static ResidentIdNumber parse(String raw, LocalDate today) {
    if (raw == null || raw.isBlank()) {
      throw new InvalidResidentIdNumberException("the number is empty");
    }
    String s = raw.strip().toUpperCase();
    if (s.length() == 15) {
      requireDigits(s, 15);
      LocalDate birth = birthDate("19" + s.substring(6, 12), today);
      String body = s.substring(0, 6) + "19" + s.substring(6);
      return new ResidentIdNumber(body + checkCharacter(body), birth);
    }
    if (s.length() != 18) {
      throw new InvalidResidentIdNumberException(
          "must be 18 characters (or a 15-digit legacy number), got " + s.length());
    }
    requireDigits(s, 17);
    char check = s.charAt(17);
    if (!(Character.isDigit(check) || check == 'X')) {
      throw new InvalidResidentIdNumberException("the check character must be a digit or X");
    }
    LocalDate birth = birthDate(s.substring(6, 14), today);
    char expected = checkCharacter(s.substring(0, 17));
    if (check != expected) {
      throw new InvalidResidentIdNumberException(
          "the check character does not match (ISO 7064 MOD 11-2)");
    }
    return new ResidentIdNumber(s, birth);
  }

  /** Parses without throwing: empty when the number is not valid. */
  public static Optional<ResidentIdNumber> tryParse(String raw) {
    try {
      return Optional.of(parse(raw));
    } catch (InvalidResidentIdNumberException e) {
      return Optional.empty();
    }
  }

  /** The ISO 7064 MOD 11-2 check character for the first 17 characters. */
  public static char checkCharacter(String first17) {
    if (first17.length() != 17) {
      throw new IllegalArgumentException("17 digits expected");
    }
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      sum += (first17.charAt(i) - '0') * WEIGHTS[i];
    }
    return CHECK_CHARACTERS[sum % 11];
  }

  private static void requireDigits(String s, int count) {
    for (int i = 0; i < count; i++) {
      if (!Character.isDigit(s.charAt(i)) || s.charAt(i) > '9') {
        throw new InvalidResidentIdNumberException(
            "character " + (i + 1) + " must be a digit");
      }
    }
  }

  private static LocalDate birthDate(String yyyymmdd, LocalDate today) {
    LocalDate date;
    try {
      date =
          LocalDate.of(
              Integer.parseInt(yyyymmdd.substring(0, 4)),
              Integer.parseInt(yyyymmdd.substring(4, 6)),
              Integer.parseInt(yyyymmdd.substring(6, 8)));
    } catch (DateTimeException e) {
      throw new InvalidResidentIdNumberException("the encoded birth date is not a calendar date");
    }
    if (date.isAfter(today)) {
      throw new InvalidResidentIdNumberException("the encoded birth date is in the future");
    }
    if (date.isBefore(EARLIEST_BIRTH_DATE)) {
      throw new InvalidResidentIdNumberException(
          "the encoded birth date is before " + EARLIEST_BIRTH_DATE.getYear());
    }
    return date;
  }

  /** The 18-character number. */
  public String value() {
    return value;
  }

  /** The 6-digit administrative-division code of the place of registration at issue. */
  public String addressCode() {
    return value.substring(0, 6);
  }

  public LocalDate birthDate() {
    return birthDate;
  }

  /** Odd sequence numbers are assigned to men, even ones to women. */
  public Sex sex() {
    return (value.charAt(16) - '0') % 2 == 1 ? Sex.MALE : Sex.FEMALE;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ResidentIdNumber other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(value);
  }

  /** Masked: shows only the address code region and the last character count. */
  @Override
  public String toString() {
    return "ResidentIdNumber[" + value.substring(0, 2) + "****************]";
  }
}
