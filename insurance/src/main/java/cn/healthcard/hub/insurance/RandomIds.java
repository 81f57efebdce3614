package cn.healthcard.hub.insurance;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The insurance's record ids: a kind letter or two and random hex digits, so that an id says
 * nothing about the person or the order of events.
 */
public final class RandomIds {
  private static final SecureRandom RANDOM = new SecureRandom();

  private RandomIds() {}

  /** {@code prefix} and {@code bytes} random bytes in hex ({@code C} + 20 digits for 10 bytes). */
  public static String next(String prefix, int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return prefix + HexFormat.of().formatHex(b);
  }
}
