package cn.healthcard.hub.insurance.supervision;

import java.util.Arrays;
import java.util.Optional;

/** The fund-supervision rules (DetectedIssue.code in code system {@link #SYSTEM}), each with its severity. */
public enum SupervisionRule {
  SAME_DAY_TWO_HOSPITALS("same-day-two-hospitals", "high", "The same card at two hospitals on the same day"),
  OVERLAPPING_ADMISSIONS("overlapping-admissions", "high", "Admissions that overlap in time"),
  CARD_NOT_LIVE("card-not-live", "high", "A claim on a cancelled, frozen or lost card"),
  DECEASED("deceased", "high", "Care after the recorded date of death"),
  SEX_CONTRADICTION("sex-contradiction", "high", "An item for the other sex than the card number's"),
  AGE_CONTRADICTION("age-contradiction", "high", "Care before the birth date in the card number"),
  REPEATED_CLAIM("repeated-claim", "moderate", "The same bill from the same hospital again within 30 days"),
  SPLIT_ADMISSION("split-admission", "moderate", "Readmission within 24 hours of a discharge"),
  COST_OUTLIER("cost-outlier", "low", "Cost far above others' for the diagnosis at this hospital level"),
  QUANTITY_OUTLIER("quantity-outlier", "low", "Quantities far above others' for the diagnosis at this hospital level");

  public static final String SYSTEM = "https://hub.healthcard.cn/fhir/CodeSystem/fund-supervision-rule";

  private final String code;
  private final String severity;
  private final String display;

  SupervisionRule(String code, String severity, String display) {
    this.code = code;
    this.severity = severity;
    this.display = display;
  }

  public String code() {
    return code;
  }

  /** DetectedIssue.severity: high, moderate or low. */
  public String severity() {
    return severity;
  }

  public String display() {
    return display;
  }

  public static Optional<SupervisionRule> fromCode(String code) {
    return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
  }
}
