package cn.healthcard.hub.cards.national;

import java.util.regex.Pattern;

/**
 * Keeps card numbers out of texts the hub stores or logs (last errors, conflict reasons), whatever
 * the national system wrote into them, and bounds their length.
 */
final class Redaction {
  static final int MAX_LENGTH = 500;

  /** 18-character and legacy 15-digit identity numbers, not inside longer digit runs. */
  private static final Pattern CARD_NUMBER =
      Pattern.compile("(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])");

  private Redaction() {}

  static String text(String raw) {
    if (raw == null) {
      return null;
    }
    String redacted = CARD_NUMBER.matcher(raw).replaceAll("[card number]");
    StringBuilder clean = new StringBuilder(Math.min(redacted.length(), MAX_LENGTH));
    for (int i = 0; i < redacted.length() && clean.length() < MAX_LENGTH; i++) {
      char c = redacted.charAt(i);
      clean.append(Character.isISOControl(c) ? ' ' : c);
    }
    return clean.toString();
  }
}
