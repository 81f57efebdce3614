package cn.healthcard.hub.routes.his;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The character set to assume for a sender whose messages leave MSH-18 empty: configured per
 * sending facility (MSH-4), else the hub-wide default.
 */
public final class SenderCharsets {

  private final Charset fallback;
  private final Map<String, Charset> bySender;

  public SenderCharsets(Charset fallback, Map<String, Charset> bySender) {
    this.fallback = fallback;
    this.bySender = Map.copyOf(bySender);
  }

  public static SenderCharsets utf8() {
    return new SenderCharsets(StandardCharsets.UTF_8, Map.of());
  }

  /** The default for the sender of these raw bytes (MSH-4 read without decoding). */
  public Charset forMessage(byte[] raw) {
    String sender = sendingFacility(raw);
    return sender == null ? fallback : bySender.getOrDefault(sender, fallback);
  }

  /**
   * MSH-4.1 read straight from the bytes: the header fields before MSH-18 are ASCII in every
   * encoding HL7 allows, so they can be read before the charset is known.
   */
  static String sendingFacility(byte[] raw) {
    int start = 0;
    while (start < raw.length && (raw[start] == '\r' || raw[start] == '\n' || raw[start] == 0x0b)) {
      start++;
    }
    if (raw.length - start < 8 || raw[start] != 'M' || raw[start + 1] != 'S' || raw[start + 2] != 'H') {
      return null;
    }
    byte fieldSep = raw[start + 3];
    byte componentSep = raw[start + 4];
    int field = 1;
    int fieldStart = -1;
    for (int i = start + 3; i < raw.length && raw[i] != '\r' && raw[i] != '\n'; i++) {
      if (raw[i] == fieldSep) {
        field++;
        if (field == 4) {
          fieldStart = i + 1;
        } else if (field == 5) {
          return component(raw, fieldStart, i, componentSep);
        }
      }
    }
    return null;
  }

  private static String component(byte[] raw, int from, int to, byte componentSep) {
    int end = from;
    while (end < to && raw[end] != componentSep) {
      end++;
    }
    if (end == from) {
      return null;
    }
    return new String(raw, from, end - from, StandardCharsets.US_ASCII);
  }
}
