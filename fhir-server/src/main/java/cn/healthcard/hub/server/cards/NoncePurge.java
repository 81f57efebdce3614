package cn.healthcard.hub.server.cards;

import cn.healthcard.hub.cards.signing.JdbcNonceLog;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Deletes the nonces of signed requests ({@code hub.signed_request_nonce}) older than twice the
 * allowed clock skew, every {@link #INTERVAL}, on a daemon thread of its own: a request that old
 * is refused for its timestamp anyway, so its nonce need not be remembered. Every instance runs
 * it; the deletes are idempotent.
 */
public class NoncePurge implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(NoncePurge.class);
  /** How often spent nonces are purged. */
  public static final Duration INTERVAL = Duration.ofMinutes(5);

  private final JdbcNonceLog nonces;
  private final Duration age;
  private final Duration interval;
  private final AtomicLong runs = new AtomicLong();
  private ScheduledExecutorService executor;

  public NoncePurge(JdbcNonceLog nonces, Duration age, Duration interval) {
    this.nonces = nonces;
    this.age = age;
    this.interval = interval;
  }

  /** Nonces older than this are deleted. */
  public Duration age() {
    return age;
  }

  public Duration interval() {
    return interval;
  }

  /** How many purges have run since the start (failed ones included). */
  public long runs() {
    return runs.get();
  }

  /** Purges once, now; how many nonces were deleted (0 when the database failed). */
  public int purgeOnce() {
    runs.incrementAndGet();
    try {
      int deleted = nonces.purgeOlderThan(age);
      if (deleted > 0) {
        log.debug("Purged {} spent signed-request nonces", deleted);
      }
      return deleted;
    } catch (RuntimeException e) {
      log.warn("Signed-request nonce purge failed ({}); next in {}", e.getClass().getSimpleName(), interval);
      return 0;
    }
  }

  @Override
  public synchronized void start() {
    if (executor != null) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "signed-request-nonce-purge");
              thread.setDaemon(true);
              return thread;
            });
    executor.scheduleWithFixedDelay(
        this::purgeOnce, 0, Math.max(1, interval.toMillis()), TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void stop() {
    if (executor != null) {
      executor.shutdownNow();
      executor = null;
    }
  }

  @Override
  public synchronized boolean isRunning() {
    return executor != null;
  }
}
