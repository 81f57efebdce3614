package cn.healthcard.hub.cards.national;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delay before the next attempt of a request that got no usable answer: {@code initial} after the
 * first attempt, multiplied by {@code multiplier} after each further one, never above
 * {@code max}; then spread by up to {@code jitter} (a fraction, 0 for none) either way so that
 * requests that failed together do not all come back together.
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter) {

  public Backoff {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("the initial delay must be positive");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("the maximum delay must be at least the initial one");
    }
    if (multiplier < 1.0) {
      throw new IllegalArgumentException("the multiplier must be at least 1");
    }
    if (jitter < 0.0 || jitter >= 1.0) {
      throw new IllegalArgumentException("jitter must be in [0, 1)");
    }
  }

  /** 1 s, doubling, capped at 5 min, 10 % jitter. */
  public static Backoff standard() {
    return new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5), 2.0, 0.1);
  }

  /** Without jitter: exactly initial x multiplier^(attempts - 1), capped. */
  public static Backoff exponential(Duration initial, Duration max) {
    return new Backoff(initial, max, 2.0, 0.0);
  }

  /** @param attempts attempts made so far, at least 1 */
  public Duration delayAfter(int attempts) {
    double millis = initial.toMillis() * Math.pow(multiplier, Math.max(0, attempts - 1));
    millis = Math.min(millis, max.toMillis());
    if (jitter > 0) {
      millis *= 1.0 + ThreadLocalRandom.current().nextDouble(-jitter, jitter);
    }
    return Duration.ofMillis(Math.max(1L, Math.round(millis)));
  }
}
