package cn.healthcard.hub.payments.channel;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a channel's simulator delivers a notification: at once, then again after each delay of the
 * channel's schedule until the merchant's answer says it took it (each channel has its own
 * test: a 2xx, the text {@code success}, an HTTP 200).
 */
public final class NotificationSchedule {

  private static final Logger log = LoggerFactory.getLogger(NotificationSchedule.class);

  /** One delivery attempt: the notification as it is at that moment, sent to the merchant. */
  @FunctionalInterface
  public interface Attempt {
    HttpResponse<String> send() throws IOException, InterruptedException;
  }

  private final String channel;
  private final List<Duration> retries;
  private final ScheduledExecutorService scheduler;
  private final Predicate<HttpResponse<String>> taken;

  /**
   * @param channel names the channel in the simulator's log lines
   * @param retries the delays before the second, third... attempt
   * @param taken whether the merchant's answer means it took the notification
   */
  public NotificationSchedule(String channel, List<Duration> retries, ScheduledExecutorService scheduler,
      Predicate<HttpResponse<String>> taken) {
    this.channel = channel;
    this.retries = List.copyOf(retries);
    this.scheduler = scheduler;
    this.taken = taken;
  }

  public void deliver(Attempt attempt) {
    schedule(attempt, 0);
  }

  private void schedule(Attempt attempt, int number) {
    long delay = number == 0 ? 0 : retries.get(number - 1).toMillis();
    scheduler.schedule(() -> {
      try {
        HttpResponse<String> answer = attempt.send();
        if (taken.test(answer)) {
          return;
        }
        log.info("{} simulator: merchant answered {} to a notification, attempt {}", channel, answer.statusCode(), number + 1);
      } catch (IOException e) {
        log.info("{} simulator: notification not delivered ({}), attempt {}", channel, e.getClass().getSimpleName(), number + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (number < retries.size()) {
        schedule(attempt, number + 1);
      }
    }, delay, TimeUnit.MILLISECONDS);
  }
}
