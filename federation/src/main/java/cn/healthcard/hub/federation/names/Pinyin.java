package cn.healthcard.hub.federation.names;

import com.ibm.icu.text.Transliterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chinese names in pinyin without tones ({@code 张伟} -> {@code zhang wei}), so that names that
 * sound alike match although written with other characters ({@code 张}/{@code 章}): each
 * character's reading from ICU's Han-Latin transliteration, kept once read (a name is read in
 * microseconds, not in the transliterator's quarter millisecond), and the surname readings that
 * differ from the character's common one ({@code 单} is {@code shan} as a surname, not {@code dan}).
 * Letters that are not Han characters are kept, lower case; anything else separates syllables.
 */
public final class Pinyin {

  /** Surname readings that differ from the character's common reading (the first character of a family name). */
  private static final Map<String, String> SURNAMES = Map.ofEntries(
      Map.entry("单", "shan"), Map.entry("曾", "zeng"), Map.entry("区", "ou"), Map.entry("仇", "qiu"),
      Map.entry("朴", "piao"), Map.entry("解", "xie"), Map.entry("查", "zha"), Map.entry("盖", "ge"),
      Map.entry("乐", "yue"), Map.entry("覃", "qin"), Map.entry("缪", "miao"), Map.entry("翟", "zhai"),
      Map.entry("折", "she"), Map.entry("黑", "he"), Map.entry("尉迟", "yu chi"), Map.entry("万俟", "mo qi"),
      Map.entry("长孙", "zhang sun"), Map.entry("重", "chong"), Map.entry("种", "chong"), Map.entry("秘", "bi"),
      Map.entry("繁", "po"), Map.entry("员", "yun"), Map.entry("召", "shao"), Map.entry("郇", "huan"),
      Map.entry("句", "gou"), Map.entry("那", "na"), Map.entry("都", "du"), Map.entry("薄", "bo"));

  private static final Map<Integer, String> READINGS = new ConcurrentHashMap<>();
  private static final Transliterator HAN_LATIN = Transliterator.getInstance("Han-Latin; Latin-ASCII; Lower");

  private Pinyin() {}

  /** The syllables of a text, space-separated, lower-case ASCII. */
  public static String of(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() * 4);
    boolean inWord = false;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (Character.UnicodeScript.of(c) == Character.UnicodeScript.HAN) {
        space(out);
        out.append(reading(c));
        inWord = false;
      } else if (Character.isLetterOrDigit(c)) {
        if (!inWord) {
          space(out);
        }
        out.append(new String(Character.toChars(c)).toLowerCase(Locale.ROOT));
        inWord = true;
      } else {
        inWord = false;
      }
    }
    return out.toString();
  }

  /** A family name in pinyin, with the surname readings that differ from the characters' common ones. */
  public static String ofFamily(String family) {
    if (family == null || family.isEmpty()) {
      return "";
    }
    String stripped = family.strip();
    for (int length = Math.min(2, stripped.length()); length >= 1; length--) {
      String head = stripped.substring(0, length);
      String reading = SURNAMES.get(head);
      if (reading != null) {
        String rest = of(stripped.substring(length));
        return rest.isEmpty() ? reading : reading + " " + rest;
      }
    }
    return of(stripped);
  }

  /** The syllables without their spaces ({@code zhangwei}): how a name is typed, and compared. */
  public static String compact(String pinyin) {
    return pinyin.replace(" ", "");
  }

  private static String reading(int c) {
    String known = READINGS.get(c);
    if (known != null) {
      return known;
    }
    String read;
    // ICU's transliterator is not safe for concurrent use
    synchronized (HAN_LATIN) {
      read = HAN_LATIN.transliterate(new String(Character.toChars(c))).strip();
    }
    READINGS.put(c, read);
    return read;
  }

  private static void space(StringBuilder out) {
    if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
      out.append(' ');
    }
  }
}
