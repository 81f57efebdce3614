package cn.healthcard.hub.insurance.adjudication;

import cn.healthcard.hub.insurance.scheme.ItemClass;
import java.math.BigDecimal;
import java.util.List;

/**
 * How one line was settled, in fen: {@code submitted = eligible-excluded + deductible + copay +
 * benefit}, where what was not eligible is the patient's too.
 *
 * @param itemClass the class applied (the scheme's own where it has one)
 * @param eligibleQuantity the quantity the scheme counted (frequency limits)
 * @param ratioBp the fund's ratio applied, in basis points
 * @param rules which of the scheme's rules applied, by their place in the rule table
 */
public record LineAdjudication(
    int sequence,
    String item,
    ItemClass itemClass,
    BigDecimal quantity,
    BigDecimal eligibleQuantity,
    long submittedFen,
    long eligibleFen,
    long deductibleFen,
    long copayFen,
    long benefitFen,
    int ratioBp,
    List<Reason> reasons,
    List<String> rules) {

  public LineAdjudication {
    reasons = List.copyOf(reasons);
    rules = List.copyOf(rules);
  }

  /** What the patient pays for this line: everything the fund does not. */
  public long patientShareFen() {
    return submittedFen - benefitFen;
  }
}
