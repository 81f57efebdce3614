package cn.healthcard.hub.mappings.hl7v2.ack;

import java.util.ArrayList;
import java.util.List;

/**
 * Where an error is, as HL7 ERR-2 (ERL): segment id, segment sequence (1-based occurrence of
 * that segment id in the message), field, field repetition, component, subcomponent. Absent
 * parts are 0 and trailing absent parts are not encoded: {@code PID^1^7}, {@code PID^1^3^2}.
 */
public record ErrorLocation(
    String segment, int sequence, int field, int repetition, int component, int subcomponent) {

  public ErrorLocation {
    segment = segment == null || segment.isBlank() ? "MSH" : segment;
    sequence = Math.max(sequence, 0);
  }

  public static ErrorLocation segment(String segment, int sequence) {
    return new ErrorLocation(segment, sequence, 0, 0, 0, 0);
  }

  public static ErrorLocation field(String segment, int sequence, int field) {
    return new ErrorLocation(segment, sequence, field, 0, 0, 0);
  }

  public static ErrorLocation repetition(String segment, int sequence, int field, int repetition) {
    return new ErrorLocation(segment, sequence, field, repetition, 0, 0);
  }

  public static ErrorLocation component(
      String segment, int sequence, int field, int repetition, int component) {
    return new ErrorLocation(segment, sequence, field, repetition, component, 0);
  }

  /** The MSH field {@code field} (MSH is always the first and only MSH segment). */
  public static ErrorLocation msh(int field) {
    return field("MSH", 1, field);
  }

  /** The parts in order, empty strings for absent ones, trailing empties dropped. */
  public List<String> parts() {
    List<String> parts = new ArrayList<>(List.of(
        segment,
        num(sequence),
        num(field),
        num(repetition),
        num(component),
        num(subcomponent)));
    while (parts.size() > 1 && parts.get(parts.size() - 1).isEmpty()) {
      parts.remove(parts.size() - 1);
    }
    return parts;
  }

  /** Encoded with {@code ^} as component separator, e.g. {@code PID^1^7}. */
  @Override
  public String toString() {
    return String.join("^", parts());
  }

  private static String num(int n) {
    return n > 0 ? Integer.toString(n) : "";
  }
}
