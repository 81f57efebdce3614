package cn.healthcard.hub.insurance.scheme;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A scheme's benefit rules for one county and year, as the operator loaded them. Amounts in fen,
 * ratios in basis points (9000 = 90%), so that adjudication never rounds through floating point.
 *
 * @param inpatientDeductibleFen what the patient pays first, per admission, by hospital level
 * @param outpatientDeductibleFen what the patient pays first of outpatient costs, per year
 * @param ratioBp the fund's share of what is eligible after the deductible, by setting, level and
 *     class (A and B: class C is outside the scheme by definition)
 * @param annualCapFen the most the fund pays for one person in the year
 * @param outpatientAnnualCapFen the most it pays of that for outpatient care
 * @param excludedItems catalogue codes the scheme never pays
 * @param itemClasses the scheme's own class for catalogue codes (wins over the class a hospital sends)
 * @param frequencyLimits how many of an item the scheme pays per year or per claim
 * @param admissionsPerYear admissions paid per person and year (empty: no limit)
 * @param visitsPerYear outpatient visits paid per person and year (empty: no limit)
 * @param waitingPeriodDays days after a late enrolment's premium is paid before the fund pays
 * @param referralRequiredOutsideCounty care outside the scheme's county needs a referral
 * @param unreferredRatioFactorBp without one, the ratio is multiplied by this (0: not paid at all)
 * @param femaleOnlyItems items that only a woman can receive (a man's claim for one is flagged)
 * @param maleOnlyItems items that only a man can receive
 */
public record SchemeRules(
    Map<HospitalLevel, Long> inpatientDeductibleFen,
    long outpatientDeductibleFen,
    Map<CareSetting, Map<HospitalLevel, Map<ItemClass, Integer>>> ratioBp,
    long annualCapFen,
    long outpatientAnnualCapFen,
    Set<String> excludedItems,
    Map<String, ItemClass> itemClasses,
    List<FrequencyLimit> frequencyLimits,
    OptionalInt admissionsPerYear,
    OptionalInt visitsPerYear,
    int waitingPeriodDays,
    boolean referralRequiredOutsideCounty,
    int unreferredRatioFactorBp,
    Set<String> femaleOnlyItems,
    Set<String> maleOnlyItems) {

  public SchemeRules {
    inpatientDeductibleFen = Map.copyOf(inpatientDeductibleFen);
    ratioBp = Map.copyOf(ratioBp);
    excludedItems = Set.copyOf(excludedItems);
    itemClasses = Map.copyOf(itemClasses);
    frequencyLimits = List.copyOf(frequencyLimits);
    femaleOnlyItems = Set.copyOf(femaleOnlyItems);
    maleOnlyItems = Set.copyOf(maleOnlyItems);
  }

  public int ratio(CareSetting setting, HospitalLevel level, ItemClass itemClass) {
    return itemClass == ItemClass.C ? 0 : ratioBp.get(setting).get(level).get(itemClass);
  }

  public Optional<FrequencyLimit> frequencyLimit(String item) {
    return frequencyLimits.stream().filter(l -> l.item().equals(item)).findFirst();
  }
}
