package cn.healthcard.hub.federation.match;

import java.time.LocalDate;

/**
 * What matching compares of a person: the written name (family and given, Chinese characters or
 * letters), birth date, gender, the identity and health-card numbers, a phone number and the
 * county (the 6-digit division code of the address or of the identity number). Any of it may be
 * missing (null or empty).
 *
 * @param id the person's id in the index (the Patient's logical id); empty for a query
 * @param gender {@code male}, {@code female} (FHIR's codes) or empty
 */
public record Person(String id, String family, String given, LocalDate birthDate, String gender,
    String identityNumber, String cardNumber, String phone, String county) {

  /** The phone's digits, the country code left out ({@code +86 138-0000-0000} is {@code 13800000000}). */
  public String phoneDigits() {
    if (phone == null) {
      return "";
    }
    String digits = phone.replaceAll("[^0-9]", "");
    return digits.length() > 11 && digits.startsWith("86") ? digits.substring(digits.length() - 11) : digits;
  }

  @Override
  public String toString() {
    // names, numbers and dates are the person's: never in a log line
    return "Person[" + (id == null ? "query" : id) + "]";
  }
}
