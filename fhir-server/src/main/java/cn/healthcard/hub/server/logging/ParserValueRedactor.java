package cn.healthcard.hub.server.logging;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values a FHIR parser message quotes, masked; the element names kept. HAPI's parser quotes
 * the offending value ({@code [element="birthDate"] Invalid attribute value "张三"}), and a value in
 * the wrong field is as often as not a name or an identifier; HAPI logs the message of every
 * refused request. Codes are quoted singly ({@code Unknown AdministrativeGender code '李四'}).
 */
public final class ParserValueRedactor {
  static final String MASK = "\"***\"";
  private static final Pattern PARSER_MESSAGE =
      Pattern.compile("HAPI-18\\d\\d|Invalid attribute value|Invalid date/time format|DataFormatException");
  // an element name first, so that its closing quote never opens a value
  private static final Pattern QUOTED =
      Pattern.compile("(element=\"[^\"\\r\\n]*\")|\"[^\"\\r\\n]*\"|(?<=code )'[^'\\r\\n]*'");

  private ParserValueRedactor() {}

  public static String redact(String text) {
    if (text == null || !PARSER_MESSAGE.matcher(text).find()) {
      return text;
    }
    Matcher quoted = QUOTED.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (quoted.find()) {
      String replacement = quoted.group(1) != null ? quoted.group(1)
          : quoted.group().startsWith("'") ? "'***'" : MASK;
      quoted.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    quoted.appendTail(out);
    return out.toString();
  }
}
