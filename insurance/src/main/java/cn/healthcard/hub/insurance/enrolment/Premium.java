package cn.healthcard.hub.insurance.enrolment;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

/** A household's premium for a year (one per enrolment act), due by {@code dueOn}. */
public record Premium(
    String id, String household, String county, int year, long amountFen, String status, LocalDate dueOn,
    Optional<Instant> paidAt, Optional<String> invoice) {}
