package cn.healthcard.hub.insurance.scheme;

import java.math.BigDecimal;

/**
 * At most {@code max} of an item paid by the scheme per {@code per} (the scheme year, or one
 * claim: an admission or a visit); what goes beyond is the patient's.
 */
public record FrequencyLimit(String item, BigDecimal max, Period per) {

  public enum Period {
    YEAR("year"),
    CLAIM("claim");

    private final String code;

    Period(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }
}
