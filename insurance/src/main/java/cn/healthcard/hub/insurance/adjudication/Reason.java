package cn.healthcard.hub.insurance.adjudication;

/**
 * Why the fund pays less than was billed, on a line or a whole claim (ClaimResponse
 * {@code adjudication.reason}, code system {@code adjudication-reason}).
 */
public enum Reason {
  NOT_ENROLLED("not-enrolled", "Not enrolled in the scheme for the year of care"),
  PREMIUM_UNPAID("premium-unpaid", "The premium for the year is not paid"),
  WAITING_PERIOD("waiting-period", "Care within the waiting period after a late enrolment"),
  PROVIDER_NOT_DESIGNATED("provider-not-designated", "The hospital is not designated by the scheme"),
  ADMISSION_LIMIT("admission-limit", "Admissions paid per year used up"),
  VISIT_LIMIT("visit-limit", "Outpatient visits paid per year used up"),
  EXCLUDED("excluded", "Item excluded from the scheme"),
  SELF_PAID_CLASS("class-c", "Class C item: outside the scheme, paid by the patient"),
  FREQUENCY_LIMIT("frequency-limit", "Beyond the quantity the scheme pays for this item"),
  UNREFERRED("unreferred", "Care outside the scheme's county without a referral: reduced ratio"),
  ANNUAL_CAP("annual-cap", "The fund's annual cap for the person is reached");

  public static final String SYSTEM = "https://hub.healthcard.cn/fhir/CodeSystem/adjudication-reason";

  private final String code;
  private final String display;

  Reason(String code, String display) {
    this.code = code;
    this.display = display;
  }

  public String code() {
    return code;
  }

  public String display() {
    return display;
  }
}
