package cn.healthcard.hub.insurance.enrolment;

import java.util.Optional;

/** Why someone enrols when they do: newborns and migrants enrol outside the window, newborns without waiting. */
public enum EnrolmentKind {
  REGULAR("regular"),
  NEWBORN("newborn"),
  MIGRANT("migrant");

  private final String code;

  EnrolmentKind(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<EnrolmentKind> fromCode(String code) {
    for (EnrolmentKind k : values()) {
      if (k.code.equals(code)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
