package cn.healthcard.hub.terminology.identity;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces anything that is a valid identity number (18 characters with a matching check
 * character, or a legacy 15-digit number with a valid birth date) by a mask. Used on error
 * messages and log lines, where HAPI and libraries may quote a query or a value.
 */
public final class IdentityNumberRedactor {
  public static final String MASK = "[identity-number]";
  private static final Pattern CANDIDATE = Pattern.compile("(?<![0-9])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])");

  private IdentityNumberRedactor() {}

  public static String redact(String text) {
    if (text == null || text.length() < 15) {
      return text;
    }
    Matcher m = CANDIDATE.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    do {
      String candidate = m.group(1);
      m.appendReplacement(
          out,
          Matcher.quoteReplacement(
              ResidentIdNumber.tryParse(candidate).isPresent() ? MASK : candidate));
    } while (m.find());
    m.appendTail(out);
    return out.toString();
  }
}
