package cn.healthcard.hub.insurance.enrolment;

import java.util.Map;
import java.util.Set;

/**
 * An enrolment's lifecycle, in one place:
 *
 * <pre>
 * pending -premium-paid-> active
 * pending -premium-lapsed-> lapsed      (unpaid past the due date and the grace period)
 * pending|active -cancel-> cancelled    (death, emigration, a duplicate found by roll verification)
 * </pre>
 *
 * Lapsed and cancelled are final: the person may enrol again (a new enrolment).
 */
public enum EnrolmentStatus {
  PENDING("pending"),
  ACTIVE("active"),
  LAPSED("lapsed"),
  CANCELLED("cancelled");

  public enum Event { PREMIUM_PAID, PREMIUM_LAPSED, CANCEL }

  private static final Map<EnrolmentStatus, Map<Event, EnrolmentStatus>> TRANSITIONS = Map.of(
      PENDING, Map.of(Event.PREMIUM_PAID, ACTIVE, Event.PREMIUM_LAPSED, LAPSED, Event.CANCEL, CANCELLED),
      ACTIVE, Map.of(Event.CANCEL, CANCELLED),
      LAPSED, Map.of(),
      CANCELLED, Map.of());

  private final String code;

  EnrolmentStatus(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static EnrolmentStatus fromCode(String code) {
    for (EnrolmentStatus s : values()) {
      if (s.code.equals(code)) {
        return s;
      }
    }
    throw new IllegalArgumentException("no enrolment status " + code);
  }

  /** @throws IllegalStateException naming the status and the event when the event is not allowed */
  public EnrolmentStatus next(Event event) {
    EnrolmentStatus to = TRANSITIONS.get(this).get(event);
    if (to == null) {
      throw new IllegalStateException("an enrolment that is " + code + " cannot take " + event.name().toLowerCase()
          + " (allowed: " + TRANSITIONS.get(this).keySet() + ")");
    }
    return to;
  }

  /** Statuses in which the person holds the year's place (one per person and year). */
  public static final Set<EnrolmentStatus> HOLDING = Set.of(PENDING, ACTIVE);
}
