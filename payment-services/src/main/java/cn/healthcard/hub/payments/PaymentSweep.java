package cn.healthcard.hub.payments;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Payments#sweep} every {@code interval}: a payment whose notification was lost is
 * recorded within a minute or two even if no one reads its status, an order never paid is closed
 * when the channel's QR code expires, and a refund the channel never confirmed is settled.
 */
public final class PaymentSweep implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(PaymentSweep.class);
  private static final int LIMIT = 500;

  private final Payments payments;
  private final Duration interval;
  private final Duration quiet;
  private final Duration expiry;
  private final Clock clock;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "payment-sweep");
    t.setDaemon(true);
    return t;
  });

  public PaymentSweep(Payments payments, Duration interval, Duration quiet, Duration expiry, Clock clock) {
    this.payments = payments;
    this.interval = interval;
    this.quiet = quiet;
    this.expiry = expiry;
    this.clock = clock;
  }

  public void start() {
    executor.scheduleWithFixedDelay(this::once, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void once() {
    try {
      Payments.Swept swept = payments.sweep(clock.instant(), quiet, expiry, LIMIT);
      if (swept.paid() + swept.closed() + swept.refundsSettled() > 0) {
        log.info("Payment sweep: asked about {} open orders: {} paid, {} closed; {} refunds settled", swept.asked(),
            swept.paid(), swept.closed(), swept.refundsSettled());
      }
    } catch (RuntimeException e) {
      log.warn("Payment sweep failed ({}); trying again in {}", e.getClass().getSimpleName(), interval);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
