package cn.healthcard.hub.terminology.growth;

import java.util.List;
import java.util.Optional;

/**
 * The WHO Child Growth Standards (0-5 years) indicators the hub holds, each with the LOINC codes
 * of the measurement it assesses and the LOINC code of its percentile.
 *
 * <p>Only LOINC codes that were checked against published FHIR material are listed (see the
 * package README); there is no z-score code: none was verified, so a z-score is reported without
 * one.
 */
public enum Indicator {
  /** Weight-for-age, kg. */
  WEIGHT_FOR_AGE(
      "wfa",
      "weight-for-age",
      "kg",
      List.of("29463-7", "3141-9"),
      "8336-0",
      "Body weight [Percentile] Per age",
      true,
      -6,
      5),
  /**
   * Length/height-for-age, cm: recumbent length before 731 days, standing height from 731 days
   * (see {@link LengthPosition}).
   */
  LENGTH_HEIGHT_FOR_AGE(
      "lhfa",
      "length/height-for-age",
      "cm",
      List.of("8302-2", "8306-3", "8308-9"),
      "8303-0",
      "Body height [Percentile]",
      false,
      -6,
      6),
  /** Head circumference-for-age, cm. */
  HEAD_CIRCUMFERENCE_FOR_AGE(
      "hcfa",
      "head circumference-for-age",
      "cm",
      List.of("9843-4"),
      "8289-1",
      "Head Occipital-frontal circumference Percentile",
      false,
      -5,
      5),
  /**
   * BMI-for-age, kg/m2; the standard's BMI is computed from recumbent length before 731 days and
   * standing height from 731 days.
   */
  BMI_FOR_AGE(
      "bfa",
      "BMI-for-age",
      "kg/m2",
      List.of("39156-5"),
      "59576-9",
      "Body mass index (BMI) [Percentile] Per age and sex",
      true,
      -5,
      5);

  private final String table;
  private final String title;
  private final String unit;
  private final List<String> measurementLoincs;
  private final String percentileLoinc;
  private final String percentileDisplay;
  private final boolean restricted;
  private final double flagBelow;
  private final double flagAbove;

  Indicator(
      String table,
      String title,
      String unit,
      List<String> measurementLoincs,
      String percentileLoinc,
      String percentileDisplay,
      boolean restricted,
      double flagBelow,
      double flagAbove) {
    this.table = table;
    this.title = title;
    this.unit = unit;
    this.measurementLoincs = measurementLoincs;
    this.percentileLoinc = percentileLoinc;
    this.percentileDisplay = percentileDisplay;
    this.restricted = restricted;
    this.flagBelow = flagBelow;
    this.flagAbove = flagAbove;
  }

  /** Name of the packaged table ({@code <table>.csv}). */
  String table() {
    return table;
  }

  /** English name, as the WHO writes it. */
  public String title() {
    return title;
  }

  /** UCUM unit the standard is tabulated in. */
  public String unit() {
    return unit;
  }

  /** LOINC codes of the measurements this indicator assesses (the first is the usual one). */
  public List<String> measurementLoincs() {
    return measurementLoincs;
  }

  /** LOINC code for the percentile of this indicator. */
  public String percentileLoinc() {
    return percentileLoinc;
  }

  /** LOINC display of {@link #percentileLoinc()}. */
  public String percentileDisplay() {
    return percentileDisplay;
  }

  /**
   * Whether the WHO computes z-scores beyond +-3 with the restricted rule (the distance between
   * the +-2 SD and +-3 SD curves as the unit beyond +-3 SD): weight-based indicators only.
   */
  public boolean restrictedBeyondThreeSd() {
    return restricted;
  }

  /**
   * Whether a z-score is outside the range the WHO Anthro software flags as biologically
   * implausible for this indicator (weight-for-age below -6 or above 5, length/height-for-age
   * beyond +-6, the others beyond +-5).
   */
  public boolean implausible(double zScore) {
    return zScore < flagBelow || zScore > flagAbove;
  }

  /** The indicator whose measurement has this LOINC code ({@code 29463-7}, {@code 8302-2}...). */
  public static Optional<Indicator> forLoinc(String code) {
    for (Indicator i : values()) {
      if (i.measurementLoincs.contains(code)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /**
   * How a length/height with this LOINC code was measured: {@code 8306-3} lying, {@code 8308-9}
   * standing, anything else not stated.
   */
  public static LengthPosition lengthPosition(String loincCode) {
    if ("8306-3".equals(loincCode)) {
      return LengthPosition.RECUMBENT;
    }
    if ("8308-9".equals(loincCode)) {
      return LengthPosition.STANDING;
    }
    return LengthPosition.NOT_STATED;
  }
}
