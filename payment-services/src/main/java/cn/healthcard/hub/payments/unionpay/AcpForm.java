package cn.healthcard.hub.payments.unionpay;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two ways ACP writes a message's fields: requests and notifications are ordinary URL-encoded
 * forms; the gateway's synchronous answers are {@code k=v&k=v} written as is, with a value that
 * holds {@code &} or {@code =} wrapped in braces ({@code reqReserved={a=1&b=2}}), and certificates
 * in PEM, line breaks and all.
 */
public final class AcpForm {

  private AcpForm() {}

  public static String encode(Map<String, String> fields) {
    List<String> pairs = new ArrayList<>();
    new TreeMap<>(fields).forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
        + URLEncoder.encode(v == null ? "" : v, StandardCharsets.UTF_8)));
    return String.join("&", pairs);
  }

  public static Map<String, String> decode(String form) {
    Map<String, String> fields = new TreeMap<>();
    for (String pair : form.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      fields.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return fields;
  }

  /**
   * An answer as the gateway writes it (not URL-encoded). A value that holds {@code &} must come
   * already braced: the braces are part of what is signed.
   */
  public static String write(Map<String, String> fields) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(fields).forEach((k, v) -> {
      String value = v == null ? "" : v;
      if (value.contains("&") && !value.startsWith("{")) {
        throw new IllegalArgumentException("field " + k + " holds '&' and is not braced");
      }
      text.append(text.length() == 0 ? "" : "&").append(k).append('=').append(value);
    });
    return text.toString();
  }

  /**
   * Reads an answer: pairs split at {@code &} outside braces, each at its first {@code =}. A
   * braced value keeps its braces (they are part of what was signed).
   *
   * @throws IllegalArgumentException when the braces do not close
   */
  public static Map<String, String> read(String answer) {
    Map<String, String> fields = new TreeMap<>();
    int depth = 0;
    int start = 0;
    String text = answer.strip();
    for (int i = 0; i <= text.length(); i++) {
      char c = i < text.length() ? text.charAt(i) : '&';
      if (c == '{') {
        depth++;
      } else if (c == '}') {
        depth--;
        if (depth < 0) {
          throw new IllegalArgumentException("a closing brace without its opening one at " + i);
        }
      } else if (c == '&' && depth == 0) {
        String pair = text.substring(start, i);
        if (!pair.isEmpty()) {
          int eq = pair.indexOf('=');
          fields.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
        }
        start = i + 1;
      }
    }
    if (depth != 0) {
      throw new IllegalArgumentException("a brace that does not close");
    }
    return fields;
  }
}
