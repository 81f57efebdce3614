package cn.healthcard.hub.cards.review;

import java.util.Arrays;
import java.util.Optional;

public enum ReviewDecision {
  APPROVE("approve"),
  REJECT("reject");

  private final String code;

  ReviewDecision(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<ReviewDecision> fromCode(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }
}
