package cn.healthcard.hub.server.cards;

import cn.healthcard.hub.cards.national.NationalRegistrationOutbox;
import cn.healthcard.hub.cards.national.OutboxStatus;
import java.time.Duration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} component {@code nationalRegistry}: the outbox of registrations with
 * the national card registry. Waiting registrations are normal (the national system may be down;
 * nothing is lost); it
 * counts failed and conflicting ones, which need an operator. It stays UP (the hub serves
 * without the national link) and flags {@code stale} when the oldest registration has waited
 * longer than an hour.
 */
@Component
public class NationalRegistryHealthIndicator implements HealthIndicator {
  static final Duration STALE = Duration.ofHours(1);
  private final NationalRegistrationOutbox outbox;
  private final NationalRegistryConfiguration.NationalSender sender;

  public NationalRegistryHealthIndicator(
      NationalRegistrationOutbox outbox, NationalRegistryConfiguration.NationalSender sender) {
    this.outbox = outbox;
    this.sender = sender;
  }

  @Override
  public Health health() {
    try {
      OutboxStatus status = outbox.counts();
      boolean stale = status.oldestPendingAge().compareTo(STALE) > 0;
      return Health.up()
          .withDetail("configured", sender.configured())
          .withDetail("stale", stale)
          .withDetail("pending", status.pending())
          .withDetail("retrying", status.retrying())
          .withDetail("done", status.done())
          .withDetail("conflict", status.conflict())
          .withDetail("failed", status.failed())
          .withDetail("oldestPendingSeconds", status.oldestPendingAge().toSeconds())
          .build();
    } catch (java.sql.SQLException e) {
      return Health.down().withDetail("error", e.getClass().getSimpleName()).build();
    }
  }
}
