package cn.healthcard.hub.mappings.hl7v2.codec;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HL7 character-set names (table 0211, MSH-18) and the names Chinese HIS put there in practice,
 * mapped to Java charsets.
 *
 * <ul>
 *   <li>{@code GB 18030-2000} (and {@code GB18030}, {@code GB 18030-2005}...) decode as GB 18030.
 *   <li>{@code GBK}, {@code CP936}, {@code GB 2312}, {@code GB2312}, {@code EUC-CN} decode as GBK:
 *       GBK is a superset of GB 2312, and senders that declare GB 2312 routinely send characters
 *       only GBK has (喆, 镕, 堃...), which a strict GB 2312 decoder would refuse.
 *   <li>{@code UNICODE UTF-8} and plain {@code UNICODE} decode as UTF-8. Table 0211 defines
 *       {@code UNICODE} only as "ISO/IEC 10646"; a UTF-16 or UTF-32 message could not have had its
 *       MSH read as ASCII (every other byte would be zero), so a message whose MSH-18 was readable
 *       at all is in an ASCII-compatible encoding, and UTF-8 is the only such Unicode form.
 *       {@code UNICODE UTF-16} and {@code UNICODE UTF-32} are refused for the same reason.
 *   <li>{@code 8859/1}..{@code 8859/9}, {@code 8859/15}, {@code ASCII}, {@code BIG-5},
 *       {@code KS X 1001} (EUC-KR) and {@code CNS 11643-1992} (EUC-TW, where the JVM has it).
 *   <li>The ISO 2022 code-extension sets ({@code ISO IR87}, {@code ISO IR159}, ...) are not
 *       supported.
 * </ul>
 * Lookups ignore case, spaces, hyphens, underscores, slashes and dots.
 */
public final class Hl7Charsets {

  private static final Map<String, String> JAVA_NAMES = new HashMap<>();

  static {
    alias("GB18030", "GB 18030-2000", "GB18030", "GB 18030", "GB 18030-2005", "GB 18030-2022");
    alias("GBK", "GBK", "CP936", "MS936", "GB 2312", "GB2312", "GB 2312-80", "EUC-CN");
    alias("UTF-8", "UNICODE UTF-8", "UTF-8", "UTF8", "UNICODE");
    alias("US-ASCII", "ASCII", "US-ASCII");
    for (int i = 1; i <= 9; i++) {
      alias("ISO-8859-" + i, "8859/" + i, "ISO-8859-" + i, "ISO8859-" + i);
    }
    alias("ISO-8859-15", "8859/15", "ISO-8859-15", "ISO8859-15");
    alias("Big5", "BIG-5", "BIG5");
    alias("EUC-KR", "KS X 1001", "EUC-KR");
    alias("x-EUC-TW", "CNS 11643-1992", "EUC-TW");
    alias("ISO-8859-1", "LATIN1");
  }

  private Hl7Charsets() {}

  private static void alias(String javaName, String... hl7Names) {
    for (String n : hl7Names) {
      JAVA_NAMES.put(squash(n), javaName);
    }
  }

  static String squash(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      if (c != ' ' && c != '-' && c != '_' && c != '/' && c != '.' && c != '\t') {
        sb.append(c);
      }
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  /** The Java charset for an MSH-18 value; empty when the hub does not support it. */
  public static Optional<Charset> forName(String hl7Name) {
    if (hl7Name == null || hl7Name.isBlank()) {
      return Optional.empty();
    }
    String javaName = JAVA_NAMES.get(squash(hl7Name.strip()));
    if (javaName == null || !Charset.isSupported(javaName)) {
      return Optional.empty();
    }
    return Optional.of(Charset.forName(javaName));
  }

  /** The table 0211 name of a charset, for an MSH-18 the hub writes; empty when it has none. */
  public static String hl7Name(Charset charset) {
    if (charset.equals(StandardCharsets.UTF_8)) {
      return "UNICODE UTF-8";
    }
    if (charset.equals(StandardCharsets.US_ASCII)) {
      return "ASCII";
    }
    String name = charset.name();
    if (name.equals("GB18030")) {
      return "GB 18030-2000";
    }
    if (name.startsWith("ISO-8859-")) {
      return "8859/" + name.substring("ISO-8859-".length());
    }
    if (name.equals("Big5")) {
      return "BIG-5";
    }
    if (name.equals("EUC-KR")) {
      return "KS X 1001";
    }
    return "";
  }
}
