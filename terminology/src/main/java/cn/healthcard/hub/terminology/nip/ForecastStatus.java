package cn.healthcard.hub.terminology.nip;

/**
 * The state of a series on the forecast date. {@link #code()} is the code in the hub's system
 * {@link NipForecaster#FORECAST_STATUS_SYSTEM}; {@link #hl7Code()} the code of
 * {@code http://terminology.hl7.org/CodeSystem/immunization-recommendation-status} used alongside
 * it, where that system has one.
 */
public enum ForecastStatus {
  /** The next dose can be given now and is not yet overdue. */
  DUE("due", "Due", "due"),
  /** The next dose is past the age from which it is overdue. */
  OVERDUE("overdue", "Overdue", "overdue"),
  /**
   * The next dose cannot be given yet (minimum age or interval not reached). HL7's code system has
   * no separate code; like HL7's own example, "due" with a due date in the future is sent.
   */
  NOT_YET_DUE("not-yet-due", "Not yet due", "due"),
  /** Every dose of the series has been given. */
  COMPLETE("complete", "Complete", "complete"),
  /** The child is past the age up to which the programme gives the next dose. */
  AGED_OUT("aged-out", "Aged out", null);

  private final String code;
  private final String display;
  private final String hl7Code;

  ForecastStatus(String code, String display, String hl7Code) {
    this.code = code;
    this.display = display;
    this.hl7Code = hl7Code;
  }

  public String code() {
    return code;
  }

  public String display() {
    return display;
  }

  /** The HL7 immunization-recommendation-status code, or null when it has none (aged out). */
  public String hl7Code() {
    return hl7Code;
  }
}
