package cn.healthcard.hub.insurance.adjudication;

import cn.healthcard.hub.insurance.scheme.CareSetting;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A claim's settlement: each line, and the reasons that apply to the whole claim (not enrolled,
 * limits used up). Pure data: the same rules, usage and claim always give the same adjudication.
 *
 * @param scheme the rules it was adjudicated under ({@code 210124/2026/v3})
 */
public record Adjudication(String scheme, CareSetting setting, List<LineAdjudication> lines, List<Reason> claimReasons) {

  public Adjudication {
    lines = List.copyOf(lines);
    claimReasons = List.copyOf(claimReasons);
  }

  public long submittedFen() {
    return sum(LineAdjudication::submittedFen);
  }

  public long eligibleFen() {
    return sum(LineAdjudication::eligibleFen);
  }

  public long deductibleFen() {
    return sum(LineAdjudication::deductibleFen);
  }

  public long copayFen() {
    return sum(LineAdjudication::copayFen);
  }

  public long benefitFen() {
    return sum(LineAdjudication::benefitFen);
  }

  public long patientShareFen() {
    return sum(LineAdjudication::patientShareFen);
  }

  /** Whether the fund takes part at all (a claim refused as a whole counts no visit or admission). */
  public boolean refused() {
    return !claimReasons.isEmpty();
  }

  private long sum(ToLongFunction<LineAdjudication> amount) {
    return lines.stream().mapToLong(amount).sum();
  }
}
