package cn.healthcard.hub.federation.index;

import java.time.LocalDate;
import java.util.List;

/**
 * A demographic search the person index answers (PDQm's ITI-78 Patient search): prefixes of the family and given
 * names, birth-date ranges, gender, phone, identity or card number; each list is ANDed, as FHIR
 * repeats parameters.
 *
 * @param birthDates ranges, each {@code [from, to)}; a null bound is open
 */
public record DemographicQuery(List<String> families, List<String> givens, List<Range> birthDates, String gender,
    String phone, String identityNumber, String cardNumber) {

  public record Range(LocalDate from, LocalDate to) {}

  public DemographicQuery {
    families = List.copyOf(families);
    givens = List.copyOf(givens);
    birthDates = List.copyOf(birthDates);
  }
}
