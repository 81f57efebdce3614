package cn.healthcard.hub.federation.match;

/**
 * How sure a match is, in the words of FHIR's {@code match-grade} extension (the PDQm and
 * {@code $match} answers): certain only on a shared identity or card number; probable and
 * possible from the evidence's weight; certainly-not when the evidence says another person.
 */
public enum MatchGrade {
  CERTAIN("certain"),
  PROBABLE("probable"),
  POSSIBLE("possible"),
  CERTAINLY_NOT("certainly-not");

  private final String code;

  MatchGrade(String code) {
    this.code = code;
  }

  /** The code of {@code http://hl7.org/fhir/StructureDefinition/match-grade}. */
  public String code() {
    return code;
  }
}
