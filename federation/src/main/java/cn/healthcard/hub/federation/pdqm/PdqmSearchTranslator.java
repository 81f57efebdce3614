package cn.healthcard.hub.federation.pdqm;

import cn.healthcard.hub.federation.index.DemographicQuery;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which PDQm Patient searches the person index answers, and as what: the FHIR parameters a peer
 * sends ({@code family}, {@code given}, {@code birthdate}, {@code gender}, {@code telecom},
 * {@code identifier} with the card or identity-card system, and {@code _count}) with FHIR's
 * meaning (names start with the value, ignoring case; dates by their precision, with the
 * {@code eq ge gt le lt} prefixes). Anything else (another parameter, a modifier, a value list,
 * another identifier system) is left to the repository's own search.
 */
public final class PdqmSearchTranslator {
  static final Set<String> CONTROLS = Set.of("_count", "_format", "_pretty");

  private final String cardSystem;
  private final String identitySystem;

  public PdqmSearchTranslator(String cardSystem, String identitySystem) {
    this.cardSystem = cardSystem;
    this.identitySystem = identitySystem;
  }

  /** The query, or empty when the index cannot answer this search as FHIR means it. */
  public Optional<DemographicQuery> translate(Map<String, String[]> parameters) {
    List<String> families = new ArrayList<>();
    List<String> givens = new ArrayList<>();
    List<DemographicQuery.Range> births = new ArrayList<>();
    String gender = null;
    String phone = null;
    String identity = null;
    String card = null;
    boolean criterion = false;
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      if (CONTROLS.contains(name)) {
        continue;
      }
      for (String value : parameter.getValue()) {
        if (value == null || value.isBlank() || value.contains(",")) {
          return Optional.empty();
        }
        switch (name) {
          case "family" -> families.add(value.strip());
          case "given" -> givens.add(value.strip());
          case "birthdate" -> {
            Optional<DemographicQuery.Range> range = range(value.strip());
            if (range.isEmpty()) {
              return Optional.empty();
            }
            births.add(range.get());
          }
          case "gender" -> {
            if (gender != null) {
              return Optional.empty();
            }
            gender = value.strip();
          }
          case "telecom" -> {
            if (phone != null) {
              return Optional.empty();
            }
            int bar = value.indexOf('|');
            if (bar >= 0 && !value.substring(0, bar).equals("phone")) {
              return Optional.empty();
            }
            phone = value.substring(bar + 1).strip();
          }
          case "identifier" -> {
            int bar = value.indexOf('|');
            if (bar <= 0 || identity != null || card != null) {
              return Optional.empty();
            }
            String system = value.substring(0, bar);
            String number = value.substring(bar + 1).strip().toUpperCase(java.util.Locale.ROOT);
            if (system.equals(cardSystem)) {
              card = number;
            } else if (system.equals(identitySystem)) {
              identity = number;
            } else {
              return Optional.empty();
            }
          }
          default -> {
            return Optional.empty();
          }
        }
        criterion = true;
      }
    }
    if (!criterion) {
      return Optional.empty();
    }
    return Optional.of(new DemographicQuery(families, givens, births, gender, phone, identity, card));
  }

  /** A FHIR date search value as a range of days: its precision, and the prefix's side. */
  static Optional<DemographicQuery.Range> range(String value) {
    String prefix = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(0, 2) : "eq";
    String date = value.length() > 2 && Character.isLetter(value.charAt(0)) ? value.substring(2) : value;
    LocalDate from;
    LocalDate to;
    try {
      switch (date.length()) {
        case 4 -> {
          from = LocalDate.of(Integer.parseInt(date), 1, 1);
          to = from.plusYears(1);
        }
        case 7 -> {
          from = LocalDate.parse(date + "-01");
          to = from.plusMonths(1);
        }
        case 10 -> {
          from = LocalDate.parse(date);
          to = from.plusDays(1);
        }
        default -> {
          return Optional.empty();
        }
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      return Optional.empty();
    }
    return switch (prefix) {
      case "eq" -> Optional.of(new DemographicQuery.Range(from, to));
      case "ge" -> Optional.of(new DemographicQuery.Range(from, null));
      case "gt" -> Optional.of(new DemographicQuery.Range(to, null));
      case "lt" -> Optional.of(new DemographicQuery.Range(null, from));
      case "le" -> Optional.of(new DemographicQuery.Range(null, to));
      default -> Optional.empty();
    };
  }
}
