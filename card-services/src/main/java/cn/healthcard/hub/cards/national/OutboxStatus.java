package cn.healthcard.hub.cards.national;

import java.time.Duration;

/**
 * The outbox at a glance, for a health indicator and metrics: rows by state, and how long the
 * oldest request still waiting (pending or retrying) has waited ({@link Duration#ZERO} when none).
 */
public record OutboxStatus(
    long pending, long retrying, long done, long conflict, long failed, Duration oldestPendingAge) {

  /** Requests not yet answered for good. */
  public long waiting() {
    return pending + retrying;
  }
}
