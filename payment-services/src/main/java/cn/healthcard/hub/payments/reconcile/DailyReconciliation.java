package cn.healthcard.hub.payments.reconcile;

import cn.healthcard.hub.payments.channel.ChannelUnavailable;
import cn.healthcard.hub.payments.channel.StatementNotReady;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles every configured channel's previous day once a day, at a time of day in China
 * (channels make their statements in the morning after). A statement not ready yet or a channel
 * that cannot be reached is tried again later the same day. Several hub instances may each run it:
 * a reconciliation of the same day gives the same report.
 */
public final class DailyReconciliation implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DailyReconciliation.class);
  private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
  private static final int ATTEMPTS = 6;

  private final ReconciliationJob job;
  private final Set<String> channels;
  private final LocalTime at;
  private final Duration retryAfter;
  private final Clock clock;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "daily-reconciliation");
    t.setDaemon(true);
    return t;
  });

  public DailyReconciliation(ReconciliationJob job, Set<String> channels, LocalTime at, Duration retryAfter, Clock clock) {
    this.job = job;
    this.channels = Set.copyOf(channels);
    this.at = at;
    this.retryAfter = retryAfter;
    this.clock = clock;
  }

  public void start() {
    scheduleNext();
  }

  private void scheduleNext() {
    ZonedDateTime now = ZonedDateTime.now(clock.withZone(CHINA));
    ZonedDateTime next = now.toLocalDate().atTime(at).atZone(CHINA);
    if (!next.isAfter(now)) {
      next = next.plusDays(1);
    }
    LocalDate day = next.toLocalDate().minusDays(1);
    executor.schedule(() -> {
      for (String channel : channels) {
        attempt(channel, day, 1);
      }
      scheduleNext();
    }, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
  }

  private void attempt(String channel, LocalDate day, int attempt) {
    try {
      ReconciliationReport report = job.reconcile(channel, day);
      if (!report.allMatched()) {
        log.warn("Reconciliation of {} {}: not everything matches ({}): see $reconcile-payments", channel, day,
            report.counts());
      }
    } catch (StatementNotReady | ChannelUnavailable e) {
      if (attempt < ATTEMPTS) {
        log.info("Reconciliation of {} {} not done ({}); trying again in {}", channel, day, e.getMessage(), retryAfter);
        executor.schedule(() -> attempt(channel, day, attempt + 1), retryAfter.toMillis(), TimeUnit.MILLISECONDS);
      } else {
        log.error("Reconciliation of {} {} not done after {} attempts: {}", channel, day, ATTEMPTS, e.getMessage());
      }
    } catch (RuntimeException e) {
      log.error("Reconciliation of {} {} failed", channel, day, e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
