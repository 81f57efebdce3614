package cn.healthcard.hub.mappings.hl7v2.codec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The MSH segment of a message read without a parser, tolerant of anything: what the hub needs
 * to answer even a message it cannot parse (who sent it, its control id, version, type).
 * Values are kept as sent ({@link #raw}) or unescaped ({@link #text}).
 */
public final class RawHeader {

  /** Copied values are capped so a huge field cannot make a huge ACK. */
  static final int MAX_FIELD = 256;

  private final Delimiters delimiters;
  private final List<String> fields;

  private RawHeader(Delimiters delimiters, List<String> fields) {
    this.delimiters = delimiters;
    this.fields = fields;
  }

  /**
   * The MSH at the start of the text (after leading white space, BOM or MLLP start byte); empty
   * when the text does not start with an MSH segment that has at least its delimiters.
   */
  public static Optional<RawHeader> read(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int start = skipLeadingJunk(text);
    if (text.length() - start < 8 || !text.startsWith("MSH", start)) {
      return Optional.empty();
    }
    int end = start;
    while (end < text.length() && text.charAt(end) != '\r' && text.charAt(end) != '\n') {
      end++;
    }
    String line = text.substring(start, end);
    if (line.length() < 5) {
      return Optional.empty();
    }
    char fieldSep = line.charAt(3);
    int encEnd = line.indexOf(fieldSep, 4);
    String enc = encEnd < 0 ? line.substring(4) : line.substring(4, encEnd);
    Delimiters d = new Delimiters(
        fieldSep,
        enc.length() > 0 ? enc.charAt(0) : '^',
        enc.length() > 1 ? enc.charAt(1) : '~',
        enc.length() > 2 ? enc.charAt(2) : '\\',
        enc.length() > 3 ? enc.charAt(3) : '&');
    List<String> fields = new ArrayList<>();
    fields.add("MSH");
    fields.add(String.valueOf(fieldSep));
    int from = 4;
    while (true) {
      int next = line.indexOf(fieldSep, from);
      fields.add(next < 0 ? line.substring(from) : line.substring(from, next));
      if (next < 0) {
        break;
      }
      from = next + 1;
    }
    return Optional.of(new RawHeader(d, fields));
  }

  /** Index of the first character that is not white space, BOM or MLLP framing. */
  public static int skipLeadingJunk(String text) {
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c == '\uFEFF' || c == 0x0b || c == 0x1c || Character.isWhitespace(c)) {
        i++;
      } else {
        break;
      }
    }
    return i;
  }

  public Delimiters delimiters() {
    return delimiters;
  }

  /** MSH-n as sent (escaped, all repetitions and components), capped; "" when absent. */
  public String raw(int n) {
    if (n < 0 || n >= fields.size()) {
      return "";
    }
    String v = fields.get(n);
    return v.length() > MAX_FIELD ? v.substring(0, MAX_FIELD) : v;
  }

  /** Component {@code c} (1-based) of the first repetition of MSH-n, as sent. */
  public String rawComponent(int n, int c) {
    String f = raw(n);
    if (n <= 2) {
      return c == 1 ? f : "";
    }
    int rep = f.indexOf(delimiters.repetition());
    if (rep >= 0) {
      f = f.substring(0, rep);
    }
    String[] comps = split(f, delimiters.component());
    return c >= 1 && c <= comps.length ? comps[c - 1] : "";
  }

  /** Component {@code c} of the first repetition of MSH-n, first subcomponent, unescaped and trimmed. */
  public String text(int n, int c) {
    String v = rawComponent(n, c);
    int sub = v.indexOf(delimiters.subcomponent());
    if (sub >= 0) {
      v = v.substring(0, sub);
    }
    return delimiters.unescape(v).strip();
  }

  /** Component 1 of MSH-n, unescaped and trimmed. */
  public String text(int n) {
    return text(n, 1);
  }

  /**
   * MSH-4.1, else MSH-4.2: the sending facility as the hub keys messages by it; when MSH-4 is
   * empty, the sending application (MSH-3.1, else MSH-3.2) stands in for it.
   */
  public String sendingFacility() {
    String facility = hd(4);
    return facility.isEmpty() ? hd(3) : facility;
  }

  /** True when MSH-4 is empty and {@link #sendingFacility()} is the sending application (MSH-3). */
  public boolean facilityFromApplication() {
    return hd(4).isEmpty() && !hd(3).isEmpty();
  }

  private String hd(int field) {
    String ns = text(field, 1);
    return ns.isEmpty() ? text(field, 2) : ns;
  }

  public String controlId() {
    return text(10);
  }

  public String messageType() {
    return text(9, 1);
  }

  public String triggerEvent() {
    return text(9, 2);
  }

  public String version() {
    return text(12, 1);
  }

  public String processingId() {
    return text(11, 1);
  }

  private static String[] split(String s, char sep) {
    List<String> out = new ArrayList<>();
    int from = 0;
    while (true) {
      int i = s.indexOf(sep, from);
      if (i < 0) {
        out.add(s.substring(from));
        return out.toArray(String[]::new);
      }
      out.add(s.substring(from, i));
      from = i + 1;
    }
  }
}
