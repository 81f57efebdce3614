package cn.healthcard.hub.routes.his;

import java.util.regex.Pattern;

/**
 * Facility ids, control ids and message types as they may appear in logs and metric tags: only
 * short plain tokens pass. They are read from the MSH of whatever arrived, and in a broken
 * message that field may hold anything, patient data included.
 */
final class PlainTokens {
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.:^\\-]{1,64}");

  private PlainTokens() {}

  static String plain(String value, String otherwise) {
    return value != null && PLAIN.matcher(value).matches() ? value : otherwise;
  }
}
