package cn.healthcard.hub.insurance.scheme;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A scheme as the operator writes it: one JSON document per county and year (the README shows the
 * sample the hub loads by default). Reading checks everything at once and names each problem by
 * its JSON pointer, so a rule table is fixed in one round.
 */
public final class SchemeDocument {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode root;
  private final List<InvalidScheme.Problem> problems = new ArrayList<>();

  private SchemeDocument(JsonNode root) {
    this.root = root;
  }

  /**
   * @param version the version this load becomes (the store numbers them)
   * @throws InvalidScheme naming every problem
   */
  public static Scheme read(String json, int version) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidScheme(List.of(new InvalidScheme.Problem("", "not JSON: " + e.getOriginalMessage())));
    }
    if (root == null || !root.isObject()) {
      throw new InvalidScheme(List.of(new InvalidScheme.Problem("", "a scheme is a JSON object")));
    }
    return new SchemeDocument(root).scheme(version);
  }

  private Scheme scheme(int version) {
    String county = text("/county");
    if (county != null && !county.matches("\\d{6}") ) {
      problem("/county", "a six-digit GB/T 2260 county code");
    }
    int year = integer("/year", 2000, 2100);
    String product = text("/product");
    String name = text("/name");
    long contribution = fen("/contributionPerPersonFen");
    LocalDate from = date("/enrolmentWindow/from");
    LocalDate to = date("/enrolmentWindow/to");
    if (from != null && to != null && to.isBefore(from)) {
      problem("/enrolmentWindow/to", "ends before it starts");
    }
    int grace = integer("/premiumGraceDays", 0, 366);
    SchemeRules rules = rules();
    if (!problems.isEmpty()) {
      throw new InvalidScheme(problems);
    }
    return new Scheme(county, year, version, product, name, contribution, from, to, grace, rules);
  }

  private SchemeRules rules() {
    Map<HospitalLevel, Long> inpatientDeductible = new EnumMap<>(HospitalLevel.class);
    for (HospitalLevel level : HospitalLevel.values()) {
      inpatientDeductible.put(level, fen("/deductible/inpatientPerAdmissionFen/" + level.code()));
    }
    long outpatientDeductible = fen("/deductible/outpatientPerYearFen");
    Map<CareSetting, Map<HospitalLevel, Map<ItemClass, Integer>>> ratios = new EnumMap<>(CareSetting.class);
    for (CareSetting setting : CareSetting.values()) {
      Map<HospitalLevel, Map<ItemClass, Integer>> byLevel = new EnumMap<>(HospitalLevel.class);
      for (HospitalLevel level : HospitalLevel.values()) {
        Map<ItemClass, Integer> byClass = new EnumMap<>(ItemClass.class);
        for (ItemClass itemClass : List.of(ItemClass.A, ItemClass.B)) {
          String at = "/reimbursementBp/" + setting.code() + "/" + level.code() + "/" + itemClass.name();
          byClass.put(itemClass, integer(at, 0, 10_000));
        }
        byLevel.put(level, byClass);
      }
      ratios.put(setting, byLevel);
    }
    long cap = fen("/annualCapFen");
    long outpatientCap = fen("/outpatientAnnualCapFen");
    if (outpatientCap > cap) {
      problem("/outpatientAnnualCapFen", "more than the annual cap it is part of");
    }
    Set<String> excluded = codes("/excludedItems");
    Map<String, ItemClass> classes = new HashMap<>();
    JsonNode classNode = root.at("/itemClasses");
    if (!classNode.isMissingNode()) {
      if (!classNode.isObject()) {
        problem("/itemClasses", "an object of catalogue code -> A, B or C");
      } else {
        classNode.fields().forEachRemaining(e -> ItemClass.fromCode(e.getValue().asText()).ifPresentOrElse(
            c -> classes.put(e.getKey(), c), () -> problem("/itemClasses/" + e.getKey(), "A, B or C")));
      }
    }
    List<FrequencyLimit> limits = new ArrayList<>();
    JsonNode limitNodes = root.at("/frequencyLimits");
    if (!limitNodes.isMissingNode()) {
      if (!limitNodes.isArray()) {
        problem("/frequencyLimits", "an array");
      } else {
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < limitNodes.size(); i++) {
          String at = "/frequencyLimits/" + i;
          String item = text(at + "/item");
          BigDecimal max = decimal(at + "/max");
          String per = text(at + "/per");
          FrequencyLimit.Period period = null;
          for (FrequencyLimit.Period p : FrequencyLimit.Period.values()) {
            if (p.code().equals(per)) {
              period = p;
            }
          }
          if (per != null && period == null) {
            problem(at + "/per", "year or claim");
          }
          if (item != null && !seen.add(item)) {
            problem(at + "/item", "a second limit for " + item);
          }
          if (item != null && max != null && period != null) {
            limits.add(new FrequencyLimit(item, max, period));
          }
        }
      }
    }
    OptionalInt admissions = optionalInteger("/limits/admissionsPerYear");
    OptionalInt visits = optionalInteger("/limits/visitsPerYear");
    int waiting = integer("/waitingPeriodDays", 0, 366);
    boolean referral = bool("/outOfCounty/referralRequired");
    int factor = integer("/outOfCounty/unreferredRatioFactorBp", 0, 10_000);
    return new SchemeRules(inpatientDeductible, outpatientDeductible, ratios, cap, outpatientCap, excluded, classes,
        limits, admissions, visits, waiting, referral, factor,
        codes("/sexSpecificItems/female"), codes("/sexSpecificItems/male"));
  }

  private void problem(String path, String message) {
    problems.add(new InvalidScheme.Problem(path, message));
  }

  private String text(String at) {
    JsonNode node = root.at(at);
    if (!node.isTextual() || node.asText().isBlank()) {
      problem(at, "required text");
      return null;
    }
    return node.asText().strip();
  }

  private int integer(String at, int min, int max) {
    JsonNode node = root.at(at);
    if (!node.isIntegralNumber() || node.asLong() < min || node.asLong() > max) {
      problem(at, "required whole number from " + min + " to " + max);
      return min;
    }
    return node.asInt();
  }

  private OptionalInt optionalInteger(String at) {
    JsonNode node = root.at(at);
    if (node.isMissingNode() || node.isNull()) {
      return OptionalInt.empty();
    }
    if (!node.isIntegralNumber() || node.asLong() < 0 || node.asLong() > 10_000) {
      problem(at, "a whole number from 0 to 10000, or null for no limit");
      return OptionalInt.empty();
    }
    return OptionalInt.of(node.asInt());
  }

  private long fen(String at) {
    JsonNode node = root.at(at);
    if (!node.isIntegralNumber() || node.asLong() < 0) {
      problem(at, "required amount in fen (a whole number, 0 or more)");
      return 0;
    }
    return node.asLong();
  }

  private BigDecimal decimal(String at) {
    JsonNode node = root.at(at);
    if (!node.isNumber() || node.decimalValue().signum() < 0) {
      problem(at, "required number, 0 or more");
      return null;
    }
    return node.decimalValue();
  }

  private boolean bool(String at) {
    JsonNode node = root.at(at);
    if (!node.isBoolean()) {
      problem(at, "required true or false");
      return false;
    }
    return node.asBoolean();
  }

  private LocalDate date(String at) {
    String text = text(at);
    if (text == null) {
      return null;
    }
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      problem(at, "a date YYYY-MM-DD");
      return null;
    }
  }

  private Set<String> codes(String at) {
    JsonNode node = root.at(at);
    Set<String> codes = new LinkedHashSet<>();
    if (node.isMissingNode()) {
      return codes;
    }
    if (!node.isArray()) {
      problem(at, "an array of catalogue codes");
      return codes;
    }
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isTextual() || node.get(i).asText().isBlank()) {
        problem(at + "/" + i, "a catalogue code");
      } else {
        codes.add(node.get(i).asText().strip());
      }
    }
    return codes;
  }
}
