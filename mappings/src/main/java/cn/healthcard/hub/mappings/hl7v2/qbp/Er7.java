package cn.healthcard.hub.mappings.hl7v2.qbp;

import cn.healthcard.hub.mappings.hl7v2.codec.Delimiters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes HL7 v2 segments as text with given delimiters: values are escaped, components and
 * subcomponents joined, trailing empty parts dropped. The reply side of the datatype layer.
 */
final class Er7 {

  private final Delimiters d;

  Er7(Delimiters d) {
    this.d = d;
  }

  Delimiters delimiters() {
    return d;
  }

  /** Text escaped for a field; line breaks become {@code \.br\}. */
  String esc(String text) {
    return text == null ? "" : d.escape(text);
  }

  /** Already-encoded components joined by the component separator, trailing empties dropped. */
  String comp(String... components) {
    return join(Arrays.asList(components), d.component());
  }

  /** Already-encoded subcomponents joined by the subcomponent separator. */
  String sub(String... subcomponents) {
    return join(Arrays.asList(subcomponents), d.subcomponent());
  }

  /** Already-encoded repetitions joined by the repetition separator (empty ones dropped). */
  String reps(List<String> repetitions) {
    return String.join(String.valueOf(d.repetition()), repetitions.stream().filter(r -> !r.isEmpty()).toList());
  }

  private static String join(List<String> parts, char sep) {
    List<String> p = new ArrayList<>(parts.stream().map(s -> s == null ? "" : s).toList());
    while (!p.isEmpty() && p.get(p.size() - 1).isEmpty()) {
      p.remove(p.size() - 1);
    }
    return String.join(String.valueOf(sep), p);
  }

  /** A segment being written. */
  final class Segment {
    private final String id;
    private final List<String> fields = new ArrayList<>();

    Segment(String id) {
      this.id = id;
    }

    /** Sets field {@code n} (1-based) to an already-encoded value. */
    Segment set(int n, String encoded) {
      while (fields.size() < n) {
        fields.add("");
      }
      fields.set(n - 1, encoded == null ? "" : encoded);
      return this;
    }

    /** The segment ended by CR. */
    String text() {
      List<String> f = new ArrayList<>(fields);
      while (!f.isEmpty() && f.get(f.size() - 1).isEmpty()) {
        f.remove(f.size() - 1);
      }
      StringBuilder sb = new StringBuilder(id);
      for (String v : f) {
        sb.append(d.field()).append(v);
      }
      return sb.append('\r').toString();
    }
  }

  Segment segment(String id) {
    return new Segment(id);
  }
}
