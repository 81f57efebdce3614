package cn.healthcard.hub.insurance.supervision;

import cn.healthcard.hub.insurance.claims.SettledClaim;
import cn.healthcard.hub.insurance.scheme.CareSetting;
import cn.healthcard.hub.insurance.scheme.SchemeRules;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The fund-supervision rules that look at one claim beside the person's other claims and what the
 * record and card platform say about them. Pure: the caller gathers the history (the person's
 * claims within {@link #LOOK_AROUND} of this one). Run on every claim as it settles and again in
 * the nightly pass, which also catches what arrived in the other order.
 */
public final class FundSupervision {

  /** How far around a claim's care the person's other claims are looked at. */
  public static final Duration LOOK_AROUND = Duration.ofDays(30);
  /** Card statuses under which the card should not be used for care. */
  static final Set<String> NOT_LIVE = Set.of("cancelled", "frozen", "reported-lost", "replaced", "on-hold");
  private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);

  private FundSupervision() {}

  /**
   * @param usualCost what claims of this principal diagnosis usually cost at this level, if known
   */
  public static List<Finding> evaluate(SettledClaim claim, List<SettledClaim> others, PersonFacts person,
      SchemeRules rules, Optional<CostStatistic> usualCost) {
    return evaluate(claim, others, person, rules, usualCost, java.util.Map.of());
  }

  /**
   * @param usualQuantities what claims of this principal diagnosis usually bill of the claim's
   *     items at this level, by item
   */
  public static List<Finding> evaluate(SettledClaim claim, List<SettledClaim> others, PersonFacts person,
      SchemeRules rules, Optional<CostStatistic> usualCost, java.util.Map<String, QuantityStatistic> usualQuantities) {
    List<Finding> findings = new ArrayList<>();
    LocalDate day = LocalDate.ofInstant(claim.serviceFrom(), CHINA);
    LocalDate lastDay = LocalDate.ofInstant(claim.serviceTo(), CHINA);

    List<String> sameDay = others.stream()
        .filter(o -> !o.institution().equals(claim.institution()))
        .filter(o -> !LocalDate.ofInstant(o.serviceFrom(), CHINA).isAfter(lastDay)
            && !LocalDate.ofInstant(o.serviceTo(), CHINA).isBefore(day))
        .filter(o -> o.adjudication().setting() == CareSetting.OUTPATIENT
            || claim.adjudication().setting() == CareSetting.OUTPATIENT)
        .map(SettledClaim::id).toList();
    if (!sameDay.isEmpty()) {
      findings.add(new Finding(SupervisionRule.SAME_DAY_TWO_HOSPITALS,
          "care on " + day + " also claimed by another hospital", sameDay));
    }
    if (claim.adjudication().setting() == CareSetting.INPATIENT) {
      List<String> overlapping = others.stream()
          .filter(o -> o.adjudication().setting() == CareSetting.INPATIENT)
          .filter(o -> o.serviceFrom().isBefore(claim.serviceTo()) && o.serviceTo().isAfter(claim.serviceFrom()))
          .map(SettledClaim::id).toList();
      if (!overlapping.isEmpty()) {
        findings.add(new Finding(SupervisionRule.OVERLAPPING_ADMISSIONS,
            "admission " + day + " to " + lastDay + " overlaps another admission", overlapping));
      }
      List<String> split = others.stream()
          .filter(o -> o.adjudication().setting() == CareSetting.INPATIENT)
          .filter(o -> !o.serviceTo().isAfter(claim.serviceFrom())
              && Duration.between(o.serviceTo(), claim.serviceFrom()).compareTo(Duration.ofHours(24)) < 0)
          .map(SettledClaim::id).toList();
      if (!split.isEmpty()) {
        findings.add(new Finding(SupervisionRule.SPLIT_ADMISSION,
            "admitted within 24 hours of a discharge", split));
      }
    }
    person.cardStatus().filter(NOT_LIVE::contains).ifPresent(status ->
        findings.add(new Finding(SupervisionRule.CARD_NOT_LIVE, "the card is " + status, List.of())));
    person.deceased().filter(d -> d.isBefore(day)).ifPresent(d ->
        findings.add(new Finding(SupervisionRule.DECEASED, "care from " + day + ", death recorded on " + d, List.of())));
    Optional<ResidentIdNumber> number = ResidentIdNumber.tryParse(claim.cardNumber());
    if (number.isPresent()) {
      boolean male = number.get().sex() == ResidentIdNumber.Sex.MALE;
      Set<String> otherSex = male ? rules.femaleOnlyItems() : rules.maleOnlyItems();
      List<String> items = claim.adjudication().lines().stream().map(l -> l.item()).filter(otherSex::contains)
          .distinct().toList();
      if (!items.isEmpty()) {
        findings.add(new Finding(SupervisionRule.SEX_CONTRADICTION, (male ? "female" : "male")
            + "-only items " + items + " on a " + (male ? "male" : "female") + " card number", List.of()));
      }
      if (day.isBefore(number.get().birthDate())) {
        findings.add(new Finding(SupervisionRule.AGE_CONTRADICTION,
            "care on " + day + " before the birth date " + number.get().birthDate(), List.of()));
      }
    }
    List<String> repeated = others.stream()
        .filter(o -> o.institution().equals(claim.institution()) && o.fingerprint().equals(claim.fingerprint()))
        .map(SettledClaim::id).toList();
    if (!repeated.isEmpty()) {
      findings.add(new Finding(SupervisionRule.REPEATED_CLAIM, "the same items, quantities and prices as "
          + repeated.size() + " other claim(s) of this hospital", repeated));
    }
    usualCost.filter(s -> s.outlier(claim.adjudication().submittedFen())).ifPresent(s ->
        findings.add(new Finding(SupervisionRule.COST_OUTLIER, String.format(
            "billed %.2f CNY where %d claims of %s at %s level average %.2f (standard deviation %.2f)",
            claim.adjudication().submittedFen() / 100.0, s.claims(), s.diagnosis(), s.level(), s.meanFen() / 100.0,
            s.stddevFen() / 100.0), List.of())));
    List<String> heavy = claim.adjudication().lines().stream()
        .filter(l -> usualQuantities.containsKey(l.item()) && usualQuantities.get(l.item()).outlier(l.quantity()))
        .map(l -> String.format("%s x %s (usually %.1f)", l.item(), l.quantity().stripTrailingZeros().toPlainString(),
            usualQuantities.get(l.item()).meanQuantity()))
        .distinct().toList();
    if (!heavy.isEmpty()) {
      findings.add(new Finding(SupervisionRule.QUANTITY_OUTLIER, "quantities far above others' for "
          + (claim.diagnoses().isEmpty() ? "the diagnosis" : claim.diagnoses().get(0)) + ": " + String.join(", ", heavy),
          List.of()));
    }
    return findings;
  }
}
