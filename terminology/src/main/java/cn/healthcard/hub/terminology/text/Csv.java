package cn.healthcard.hub.terminology.text;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 CSV, the one reader and writer of the hub's files (card production, bank statements):
 * quoted fields may hold commas, quotes (doubled) and line breaks.
 */
public final class Csv {
  private Csv() {}

  /** A record and the line of the file it starts on (1-based), for errors that name it. */
  public record Row(int line, List<String> fields) {}

  public static String quote(String value) {
    if (value == null) {
      return "";
    }
    if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }

  public static List<String[]> parse(String text) {
    return rows(text).stream().map(r -> r.fields().toArray(new String[0])).toList();
  }

  /** The records with the line each starts on; blank lines are skipped. */
  public static List<Row> rows(String text) {
    List<Row> rows = new ArrayList<>();
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    int line = 1;
    int start = 1;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '\n') {
          line++;
        }
        if (c == '"') {
          if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
            field.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        fields.add(field.toString());
        field.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          i++;
        }
        if (any || field.length() > 0) {
          fields.add(field.toString());
          rows.add(new Row(start, List.copyOf(fields)));
        }
        fields.clear();
        field.setLength(0);
        any = false;
        line++;
        start = line;
      } else {
        field.append(c);
        any = true;
      }
    }
    if (any || field.length() > 0) {
      fields.add(field.toString());
      rows.add(new Row(start, List.copyOf(fields)));
    }
    return rows;
  }
}
