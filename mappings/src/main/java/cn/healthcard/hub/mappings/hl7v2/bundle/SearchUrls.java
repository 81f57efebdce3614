package cn.healthcard.hub.mappings.hl7v2.bundle;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.Identifier;

/** Search-URL pieces for conditional creates and updates, escaped per FHIR search rules. */
public final class SearchUrls {

  private SearchUrls() {}

  /** {@code identifier=system|value,system|value} (comma = OR). */
  public static String identifierQuery(List<Identifier> identifiers) {
    return "identifier=" + identifiers.stream()
        .map(i -> token(i.getSystem(), i.getValue()))
        .collect(Collectors.joining(","));
  }

  /** A token {@code system|code}: FHIR escapes ({@code \, \| \$ \\}) then percent-encoding. */
  public static String token(String system, String value) {
    return encode(escape(system == null ? "" : system)) + "|" + encode(escape(value == null ? "" : value));
  }

  static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      if (c == '\\' || c == ',' || c == '|' || c == '$') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /** Percent-encodes everything but unreserved characters, {@code :} and {@code /}. */
  public static String encode(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '/') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** A URL path segment: percent-encodes everything but unreserved characters. */
  public static String pathSegment(String s) {
    return encode(s).replace("/", "%2F").replace(":", "%3A");
  }
}
