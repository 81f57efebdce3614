package cn.healthcard.hub.insurance.scheme;

import java.util.Arrays;
import java.util.Optional;

/**
 * The level of a designated hospital, which sets the deductible and the reimbursement ratio: the
 * scheme pays more at the township health centre than at the provincial hospital, to keep
 * ordinary care close to home.
 */
public enum HospitalLevel {
  TOWNSHIP("township"),
  COUNTY("county"),
  CITY("city"),
  PROVINCE("province");

  private final String code;

  HospitalLevel(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<HospitalLevel> fromCode(String code) {
    return Arrays.stream(values()).filter(l -> l.code.equals(code)).findFirst();
  }
}
