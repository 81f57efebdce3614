package cn.healthcard.hub.insurance.enrolment;

import java.time.LocalDate;
import java.util.Optional;

/**
 * One person's place in a county's scheme for a year.
 *
 * @param coveredFrom the first day the fund pays (set when the premium is paid: the scheme year's
 *     first day, or after the waiting period for a late enrolment)
 * @param coverage the Coverage resource id, once written
 */
public record Enrolment(
    String id,
    String county,
    int year,
    String household,
    String cardNumber,
    String patient,
    boolean head,
    EnrolmentKind kind,
    EnrolmentStatus status,
    String premiumId,
    Optional<LocalDate> coveredFrom,
    Optional<String> coverage) {}
