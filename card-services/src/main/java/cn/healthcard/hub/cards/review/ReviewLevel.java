package cn.healthcard.hub.cards.review;

import java.util.Arrays;
import java.util.Optional;

public enum ReviewLevel {
  CITY("city"),
  PROVINCE("province");

  private final String code;

  ReviewLevel(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<ReviewLevel> fromCode(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }
}
