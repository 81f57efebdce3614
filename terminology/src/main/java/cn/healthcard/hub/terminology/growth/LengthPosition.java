package cn.healthcard.hub.terminology.growth;

/**
 * How a child's length or height was measured. The WHO length/height-for-age standard is
 * recumbent length before 731 days and standing height from 731 days; a measurement taken the
 * other way is corrected by 0.7 cm first (WHO Child Growth Standards, and the WHO Anthro
 * software): standing height before 731 days + 0.7 cm, recumbent length from 731 days - 0.7 cm.
 */
public enum LengthPosition {
  /** Lying (LOINC 8306-3 "Body height --lying"). */
  RECUMBENT,
  /** Standing (LOINC 8308-9 "Body height --standing"). */
  STANDING,
  /**
   * Not recorded (LOINC 8302-2 "Body height"): taken to be the position the standard uses at that
   * age, so no correction.
   */
  NOT_STATED;

  /** The measurement in the position the standard expects at {@code ageInDays}, in cm. */
  double standardise(double centimetres, int ageInDays) {
    if (this == STANDING && ageInDays < GrowthStandards.FIRST_HEIGHT_DAY) {
      return centimetres + 0.7;
    }
    if (this == RECUMBENT && ageInDays >= GrowthStandards.FIRST_HEIGHT_DAY) {
      return centimetres - 0.7;
    }
    return centimetres;
  }
}
