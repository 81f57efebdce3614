package cn.healthcard.hub.insurance.scheme;

import java.time.LocalDate;

/**
 * One county's scheme for one year, in the version the operator loaded last (or the version a
 * settled claim was adjudicated under: a new version never changes a settled claim).
 *
 * @param county GB/T 2260 county code
 * @param year the scheme year (1 January to 31 December)
 * @param version 1 for the first load, one more for each later load of the same county and year
 * @param product the product code (InsurancePlan.identifier, Coverage.class plan)
 * @param contributionFen the premium per enrolled person for the year
 * @param enrolmentFrom first day enrolment is open
 * @param enrolmentTo last day enrolment is open (newborns and migrants enrol at any time)
 * @param premiumGraceDays days after the due date before an unpaid enrolment lapses
 */
public record Scheme(
    String county,
    int year,
    int version,
    String product,
    String name,
    long contributionFen,
    LocalDate enrolmentFrom,
    LocalDate enrolmentTo,
    int premiumGraceDays,
    SchemeRules rules) {

  /** How a settled claim names the rules it was adjudicated under: {@code 210124/2026/v3}. */
  public String reference() {
    return county + "/" + year + "/v" + version;
  }

  public LocalDate firstDay() {
    return LocalDate.of(year, 1, 1);
  }

  public LocalDate lastDay() {
    return LocalDate.of(year, 12, 31);
  }

  public boolean covers(LocalDate day) {
    return !day.isBefore(firstDay()) && !day.isAfter(lastDay());
  }
}
