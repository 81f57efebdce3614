package cn.healthcard.hub.terminology.growth;

import java.util.Optional;

/**
 * The sex a WHO growth standard is tabulated for. The standards have one table per sex; a child
 * whose recorded sex is neither (FHIR {@code other} or {@code unknown}) cannot be assessed.
 */
public enum Sex {
  MALE(1),
  FEMALE(2);

  private final int whoCode;

  Sex(int whoCode) {
    this.whoCode = whoCode;
  }

  /** The code the WHO tables use for this sex (1 = male, 2 = female). */
  public int whoCode() {
    return whoCode;
  }

  static Sex fromWhoCode(int code) {
    for (Sex s : values()) {
      if (s.whoCode == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("no WHO sex code " + code);
  }

  /**
   * The sex for a FHIR {@code administrative-gender} code: {@code male} and {@code female};
   * empty for {@code other}, {@code unknown}, null or anything else.
   */
  public static Optional<Sex> fromAdministrativeGender(String code) {
    if ("male".equals(code)) {
      return Optional.of(MALE);
    }
    if ("female".equals(code)) {
      return Optional.of(FEMALE);
    }
    return Optional.empty();
  }
}
