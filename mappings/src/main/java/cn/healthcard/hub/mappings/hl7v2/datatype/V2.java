package cn.healthcard.hub.mappings.hl7v2.datatype;

import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Type;
import java.util.ArrayList;
import java.util.List;

/** Null-safe, exception-free reads of HAPI v2 values. */
public final class V2 {

  private V2() {}

  /** The value, trimmed; "" when absent. */
  public static String s(Primitive p) {
    if (p == null) {
      return "";
    }
    String v = p.getValue();
    return v == null ? "" : v.strip();
  }

  /** Repetitions of field {@code field} of a segment; empty on any problem. */
  public static List<Type> field(Segment seg, int field) {
    try {
      Type[] reps = seg.getField(field);
      List<Type> out = new ArrayList<>(reps.length);
      for (Type t : reps) {
        out.add(t);
      }
      return out;
    } catch (Exception e) {
      return List.of();
    }
  }

  public static boolean isEmpty(Type t) {
    try {
      return t == null || t.isEmpty();
    } catch (Exception e) {
      return true;
    }
  }

  public static boolean isOid(String s) {
    return s != null && s.matches("[0-2](\\.(0|[1-9][0-9]*))+");
  }

  /** Whether the text has Chinese (CJK) characters. */
  public static boolean hasCjk(String s) {
    return s != null && s.codePoints().anyMatch(cp -> Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
  }
}
