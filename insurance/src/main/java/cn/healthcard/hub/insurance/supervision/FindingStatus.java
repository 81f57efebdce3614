package cn.healthcard.hub.insurance.supervision;

import java.util.Map;

/**
 * A finding's review, in one place: {@code open -confirm-> confirmed} (the fund's payment for the
 * claim is held), {@code open -dismiss-> dismissed}. Both are final.
 */
public enum FindingStatus {
  OPEN("open", "preliminary"),
  CONFIRMED("confirmed", "final"),
  DISMISSED("dismissed", "cancelled");

  public enum Decision { CONFIRM, DISMISS }

  private static final Map<FindingStatus, Map<Decision, FindingStatus>> TRANSITIONS = Map.of(
      OPEN, Map.of(Decision.CONFIRM, CONFIRMED, Decision.DISMISS, DISMISSED),
      CONFIRMED, Map.of(),
      DISMISSED, Map.of());

  private final String code;
  private final String detectedIssueStatus;

  FindingStatus(String code, String detectedIssueStatus) {
    this.code = code;
    this.detectedIssueStatus = detectedIssueStatus;
  }

  public String code() {
    return code;
  }

  /** DetectedIssue.status for this review state. */
  public String detectedIssueStatus() {
    return detectedIssueStatus;
  }

  public static FindingStatus fromCode(String code) {
    for (FindingStatus s : values()) {
      if (s.code.equals(code)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no finding status " + code);
  }

  /** @throws IllegalStateException when the finding was already reviewed */
  public FindingStatus next(Decision decision) {
    FindingStatus to = TRANSITIONS.get(this).get(decision);
    if (to == null) {
      throw new IllegalStateException("the finding is already " + code + ": it cannot be "
          + (decision == Decision.CONFIRM ? "confirmed" : "dismissed"));
    }
    return to;
  }
}
