package cn.healthcard.hub.cards.review;

import java.util.Arrays;
import java.util.Optional;

/** Where a batch application stands in its two-level review. */
public enum ReviewState {
  AWAITING_CITY("awaiting-city-review"),
  AWAITING_PROVINCE("awaiting-province-review"),
  APPROVED("approved"),
  REJECTED("rejected"),
  /** Closed without a decision: the card was cancelled while it waited for review. */
  WITHDRAWN("withdrawn");

  private final String code;

  ReviewState(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public boolean isFinal() {
    return this == APPROVED || this == REJECTED || this == WITHDRAWN;
  }

  public static Optional<ReviewState> fromCode(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }
}
