package cn.healthcard.hub.mappings.hl7v2.codec;

/**
 * The delimiters of a message: MSH-1 and the four encoding characters of MSH-2.
 *
 * @param field field separator (MSH-1)
 * @param component component separator
 * @param repetition repetition separator
 * @param escape escape character
 * @param subcomponent subcomponent separator
 */
public record Delimiters(char field, char component, char repetition, char escape, char subcomponent) {

  public static final Delimiters STANDARD = new Delimiters('|', '^', '~', '\\', '&');

  /** MSH-2 as it would be written. */
  public String encodingCharacters() {
    return new String(new char[] {component, repetition, escape, subcomponent});
  }

  /**
   * Five distinct printable, non-alphanumeric, non-space characters: what a parser can work with.
   */
  public boolean usable() {
    char[] all = {field, component, repetition, escape, subcomponent};
    for (int i = 0; i < all.length; i++) {
      char c = all[i];
      if (c <= ' ' || c >= 0x7f || Character.isLetterOrDigit(c)) {
        return false;
      }
      for (int j = 0; j < i; j++) {
        if (all[j] == c) {
          return false;
        }
      }
    }
    return true;
  }

  /** Escapes text so it can stand in a field delimited by these delimiters. */
  public String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == escape) {
        sb.append(escape).append('E').append(escape);
      } else if (c == field) {
        sb.append(escape).append('F').append(escape);
      } else if (c == component) {
        sb.append(escape).append('S').append(escape);
      } else if (c == subcomponent) {
        sb.append(escape).append('T').append(escape);
      } else if (c == repetition) {
        sb.append(escape).append('R').append(escape);
      } else if (c == '\r' || c == '\n') {
        sb.append(escape).append(".br").append(escape);
      } else if (c < ' ' && c != '\t') {
        sb.append(' ');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Resolves the escape sequences of a primitive value: delimiters come back, formatting
   * commands ({@code \.br\}) become line breaks, hexadecimal data ({@code \Xhh\}) its bytes read
   * as Latin-1, the rest ({@code \H\}, {@code \N\}, {@code \Zxx\}) is dropped.
   */
  public String unescape(String value) {
    if (value == null || value.indexOf(escape) < 0) {
      return value;
    }
    StringBuilder sb = new StringBuilder(value.length());
    int i = 0;
    while (i < value.length()) {
      char c = value.charAt(i);
      int end = c == escape ? value.indexOf(escape, i + 1) : -1;
      if (end < 0) {
        sb.append(c);
        i++;
        continue;
      }
      String seq = value.substring(i + 1, end);
      switch (seq) {
        case "F" -> sb.append(field);
        case "S" -> sb.append(component);
        case "T" -> sb.append(subcomponent);
        case "R" -> sb.append(repetition);
        case "E" -> sb.append(escape);
        case ".br" -> sb.append('\n');
        default -> {
          if (seq.length() > 1 && (seq.charAt(0) == 'X' || seq.charAt(0) == 'x')) {
            String hex = seq.substring(1);
            for (int h = 0; h + 1 < hex.length(); h += 2) {
              try {
                sb.append((char) Integer.parseInt(hex.substring(h, h + 2), 16));
              } catch (NumberFormatException e) {
                // not hex: dropped
              }
            }
          }
        }
      }
      i = end + 1;
    }
    return sb.toString();
  }
}
