package cn.healthcard.hub.cards.national;

import cn.healthcard.hub.cards.signing.RequestVerifier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Nonces seen within a window, in memory: enough for the signatures of answers the hub receives
 * (each instance checks its own answers) and for the simulator. Entries older than the window
 * (by their signing time) are dropped as new nonces arrive; a signature that old is refused for
 * its timestamp anyway.
 */
public final class InMemoryNonceLog implements RequestVerifier.NonceLog {
  private final Map<String, Instant> seen = new ConcurrentHashMap<>();
  private final Duration window;
  private final Clock clock;
  private volatile Instant nextPurge;

  /** @param window at least the verifier's allowed skew */
  public InMemoryNonceLog(Duration window, Clock clock) {
    this.window = window;
    this.clock = clock;
    this.nextPurge = clock.instant().plus(window);
  }

  @Override
  public boolean firstUse(String keyId, String nonce, Instant timestamp) {
    Instant now = clock.instant();
    if (now.isAfter(nextPurge)) {
      nextPurge = now.plus(window);
      Instant oldest = now.minus(window.multipliedBy(2));
      seen.values().removeIf(at -> at.isBefore(oldest));
    }
    return seen.putIfAbsent(keyId + '\n' + nonce, timestamp) == null;
  }

  int size() {
    return seen.size();
  }
}
