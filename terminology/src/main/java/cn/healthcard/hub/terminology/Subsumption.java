package cn.healthcard.hub.terminology;

/** Outcome of {@code $subsumes} (codes of the FHIR concept-subsumption-outcome value set). */
public enum Subsumption {
  EQUIVALENT("equivalent"),
  SUBSUMES("subsumes"),
  SUBSUMED_BY("subsumed-by"),
  NOT_SUBSUMED("not-subsumed");

  private final String code;

  Subsumption(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
