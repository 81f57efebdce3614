package cn.healthcard.hub.insurance.scheme;

/** Where care was given: an admission (deductible per admission) or an outpatient visit (per year). */
public enum CareSetting {
  INPATIENT("inpatient"),
  OUTPATIENT("outpatient");

  private final String code;

  CareSetting(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
