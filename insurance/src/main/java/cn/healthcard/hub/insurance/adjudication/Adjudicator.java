package cn.healthcard.hub.insurance.adjudication;

import cn.healthcard.hub.insurance.scheme.CareSetting;
import cn.healthcard.hub.insurance.scheme.FrequencyLimit;
import cn.healthcard.hub.insurance.scheme.ItemClass;
import cn.healthcard.hub.insurance.scheme.Scheme;
import cn.healthcard.hub.insurance.scheme.SchemeRules;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Adjudicates a claim under a scheme's rules, given what the person has already used this year.
 * Lines are taken in sequence order, so that a deductible met or a cap reached mid-claim falls on
 * a definite line:
 *
 * <ol>
 *   <li>excluded items and class C are not eligible; frequency limits cut the eligible quantity;
 *   <li>the deductible (per admission by hospital level, or what is left of the outpatient
 *       deductible for the year) takes eligible amounts first;
 *   <li>the fund pays the ratio for the setting, the hospital's level and the item's class (reduced
 *       for unreferred care outside the scheme's county), rounded half up to the fen;
 *   <li>the annual cap (and the outpatient cap within it) stops the fund's share where it is
 *       reached: the rest of that line and every later line are the patient's.
 * </ol>
 *
 * A claim refused as a whole (not covered, limits used up) has every line at zero for the fund.
 */
public final class Adjudicator {

  private Adjudicator() {}

  /**
   * @param refusal why the person is not covered for this care at all, if so (decided from the
   *     enrolment: not enrolled, premium unpaid, waiting period, provider not designated)
   */
  public static Adjudication adjudicate(Scheme scheme, Optional<Reason> refusal, Usage usage, ClaimToAdjudicate claim) {
    SchemeRules rules = scheme.rules();
    List<Reason> claimReasons = new ArrayList<>();
    refusal.ifPresent(claimReasons::add);
    if (claimReasons.isEmpty() && claim.setting() == CareSetting.INPATIENT && rules.admissionsPerYear().isPresent()
        && usage.admissions() >= rules.admissionsPerYear().getAsInt()) {
      claimReasons.add(Reason.ADMISSION_LIMIT);
    }
    if (claimReasons.isEmpty() && claim.setting() == CareSetting.OUTPATIENT && rules.visitsPerYear().isPresent()
        && usage.visits() >= rules.visitsPerYear().getAsInt()) {
      claimReasons.add(Reason.VISIT_LIMIT);
    }
    boolean inpatient = claim.setting() == CareSetting.INPATIENT;
    long deductibleLeft = inpatient
        ? rules.inpatientDeductibleFen().get(claim.level())
        : Math.max(0, rules.outpatientDeductibleFen() - usage.outpatientDeductibleFen());
    String deductibleRule = inpatient
        ? "deductible.inpatientPerAdmissionFen." + claim.level().code()
        : "deductible.outpatientPerYearFen";
    long capLeft = Math.max(0, rules.annualCapFen() - usage.fundPaidFen());
    boolean outpatientCapBinds = false;
    if (!inpatient) {
      long outpatientLeft = Math.max(0, rules.outpatientAnnualCapFen() - usage.outpatientFundPaidFen());
      if (outpatientLeft < capLeft) {
        capLeft = outpatientLeft;
        outpatientCapBinds = true;
      }
    }
    boolean unreferred = claim.outsideSchemeCounty() && !claim.referred() && rules.referralRequiredOutsideCounty();
    Map<String, BigDecimal> countedThisClaim = new HashMap<>();

    List<LineAdjudication> lines = new ArrayList<>();
    for (ClaimLine line : claim.lines()) {
      long submitted = line.submittedFen();
      List<Reason> reasons = new ArrayList<>();
      List<String> applied = new ArrayList<>();
      ItemClass itemClass = line.declaredClass();
      ItemClass own = rules.itemClasses().get(line.item());
      if (own != null) {
        itemClass = own;
        applied.add("itemClasses." + line.item());
      }
      if (!claimReasons.isEmpty()) {
        lines.add(new LineAdjudication(line.sequence(), line.item(), itemClass, line.quantity(), BigDecimal.ZERO,
            submitted, 0, 0, 0, 0, 0, claimReasons, applied));
        continue;
      }
      if (rules.excludedItems().contains(line.item())) {
        reasons.add(Reason.EXCLUDED);
        applied.add("excludedItems");
        lines.add(new LineAdjudication(line.sequence(), line.item(), itemClass, line.quantity(), BigDecimal.ZERO,
            submitted, 0, 0, 0, 0, 0, reasons, applied));
        continue;
      }
      if (itemClass == ItemClass.C) {
        reasons.add(Reason.SELF_PAID_CLASS);
        lines.add(new LineAdjudication(line.sequence(), line.item(), itemClass, line.quantity(), BigDecimal.ZERO,
            submitted, 0, 0, 0, 0, 0, reasons, applied));
        continue;
      }
      BigDecimal quantity = line.quantity();
      long eligible = submitted;
      Optional<FrequencyLimit> limit = rules.frequencyLimit(line.item());
      if (limit.isPresent()) {
        BigDecimal used = countedThisClaim.getOrDefault(line.item(), BigDecimal.ZERO);
        if (limit.get().per() == FrequencyLimit.Period.YEAR) {
          used = used.add(usage.quantity(line.item()));
        }
        BigDecimal allowed = limit.get().max().subtract(used).max(BigDecimal.ZERO);
        if (quantity.compareTo(allowed) > 0) {
          quantity = allowed;
          eligible = ClaimLine.amount(quantity, line.unitPriceFen());
          reasons.add(Reason.FREQUENCY_LIMIT);
          applied.add("frequencyLimits." + line.item());
        }
        countedThisClaim.merge(line.item(), quantity, BigDecimal::add);
      }
      long deductible = Math.min(eligible, deductibleLeft);
      deductibleLeft -= deductible;
      if (deductible > 0) {
        applied.add(deductibleRule);
      }
      long base = eligible - deductible;
      int ratio = rules.ratio(claim.setting(), claim.level(), itemClass);
      applied.add("reimbursementBp." + claim.setting().code() + "." + claim.level().code() + "." + itemClass.name());
      if (unreferred) {
        ratio = (int) ((ratio * (long) rules.unreferredRatioFactorBp() + 5_000) / 10_000);
        reasons.add(Reason.UNREFERRED);
        applied.add("outOfCounty.unreferredRatioFactorBp");
      }
      long benefit = (base * ratio + 5_000) / 10_000;
      if (benefit > capLeft) {
        benefit = capLeft;
        reasons.add(Reason.ANNUAL_CAP);
        applied.add(outpatientCapBinds ? "outpatientAnnualCapFen" : "annualCapFen");
      }
      capLeft -= benefit;
      lines.add(new LineAdjudication(line.sequence(), line.item(), itemClass, line.quantity(), quantity,
          submitted, eligible, deductible, base - benefit, benefit, ratio, reasons, applied));
    }
    return new Adjudication(scheme.reference(), claim.setting(), lines, claimReasons);
  }
}
