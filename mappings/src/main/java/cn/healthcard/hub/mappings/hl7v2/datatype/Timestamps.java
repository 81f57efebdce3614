package cn.healthcard.hub.mappings.hl7v2.datatype;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HL7 DTM/TS/DT values ({@code YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]}) as FHIR
 * date/dateTime/instant strings.
 *
 * <ul>
 *   <li>A value without a time keeps its precision (year, month or day).
 *   <li>A value with a time gets minutes and seconds padded with zeros (FHIR dateTime has no
 *       hour or minute precision) and, when it has no offset, the hub's zone +08:00 (China has
 *       one time zone; HIS in the province send local time).
 * </ul>
 */
public final class Timestamps {

  /** The offset assumed for times sent without one. */
  public static final String DEFAULT_OFFSET = "+08:00";

  private static final Pattern TS = Pattern.compile(
      "(\\d{4})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:\\.(\\d{1,4}))?)?)?)?)?)?([+-]\\d{4})?");

  /**
   * A parsed value.
   *
   * @param date the date part, FHIR style, at its precision ({@code 2024}, {@code 2024-03},
   *     {@code 2024-03-05})
   * @param time {@code HH:MM:SS[.fff]} or null when the value has no time
   * @param offset {@code +hh:mm}, the given one or the default
   */
  public record Parsed(String date, String time, String offset) {

    public boolean hasTime() {
      return time != null;
    }

    public boolean isFullDate() {
      return date.length() == 10;
    }

    /** A FHIR dateTime. */
    public String dateTime() {
      return time == null ? date : date + "T" + time + offset;
    }

    /** A FHIR instant: padded to a full date and time. */
    public String instant() {
      String d = date.length() == 4 ? date + "-01-01" : date.length() == 7 ? date + "-01" : date;
      return d + "T" + (time == null ? "00:00:00" : time) + offset;
    }
  }

  private Timestamps() {}

  /**
   * Whether a valid value gives the time to the minute at least ({@code YYYYMMDDHHMM...}):
   * {@link Parsed} pads the time, so the precision as sent is only in the text.
   */
  public static boolean isToTheMinute(String value) {
    if (parse(value).isEmpty()) {
      return false;
    }
    Matcher m = TS.matcher(value.strip());
    return m.matches() && m.group(5) != null;
  }

  /** Parses a value; empty when it is not a valid HL7 timestamp. */
  public static Optional<Parsed> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    Matcher m = TS.matcher(value.strip());
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      int year = Integer.parseInt(m.group(1));
      if (year < 1) {
        return Optional.empty();
      }
      String date = m.group(1);
      if (m.group(2) != null) {
        int month = Integer.parseInt(m.group(2));
        if (month < 1 || month > 12) {
          return Optional.empty();
        }
        date += "-" + m.group(2);
        if (m.group(3) != null) {
          LocalDate.of(year, month, Integer.parseInt(m.group(3)));
          date += "-" + m.group(3);
        }
      }
      String time = null;
      if (m.group(4) != null) {
        if (m.group(3) == null) {
          return Optional.empty();
        }
        int hour = Integer.parseInt(m.group(4));
        int minute = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
        int second = m.group(6) == null ? 0 : Integer.parseInt(m.group(6));
        if (hour > 23 || minute > 59 || second > 59) {
          return Optional.empty();
        }
        time = String.format("%02d:%02d:%02d", hour, minute, second);
        if (m.group(7) != null) {
          time += "." + m.group(7);
        }
      }
      String offset = DEFAULT_OFFSET;
      if (m.group(8) != null) {
        String z = m.group(8);
        int hh = Integer.parseInt(z.substring(1, 3));
        int mm = Integer.parseInt(z.substring(3, 5));
        if (hh > 14 || mm > 59 || (hh == 14 && mm > 0)) {
          return Optional.empty();
        }
        offset = z.substring(0, 3) + ":" + z.substring(3, 5);
      }
      return Optional.of(new Parsed(date, time, offset));
    } catch (DateTimeException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
