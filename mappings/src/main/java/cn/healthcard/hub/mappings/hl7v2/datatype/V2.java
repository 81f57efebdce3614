package cn.healthcard.hub.mappings.hl7v2.datatype;

import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.Type;
import java.util.ArrayList;
import java.util.List;

/** Null-safe, exception-free reads of HAPI v2 values. */
public final class V2 {

  private V2() {}

  /** HL7 v2's explicit null: the sender says the value is deleted. */
  public static final String DELETE = "\"\"";

  /**
   * The value, trimmed; "" when absent, and also for HL7 v2's explicit null {@code ""}: the hub
   * writes whole resources (a PUT replaces what is stored), so a field sent as {@code ""} leaves
   * its element out and the stored value is deleted, as the v2-to-FHIR IG asks; a field simply
   * left empty is treated the same way, because the resources are replaced whole.
   */
  public static String s(Primitive p) {
    if (p == null) {
      return "";
    }
    String v = p.getValue();
    if (v == null) {
      return "";
    }
    String value = v.strip();
    return DELETE.equals(value) ? "" : value;
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

  /** Whether a value is absent or only HL7 v2's explicit null {@code ""} (in every component). */
  public static boolean isEmpty(Type t) {
    try {
      if (t == null || t.isEmpty()) {
        return true;
      }
      if (t instanceof Primitive p) {
        return s(p).isEmpty();
      }
      if (t instanceof ca.uhn.hl7v2.model.Varies v) {
        return isEmpty(v.getData());
      }
      if (t instanceof ca.uhn.hl7v2.model.Composite c) {
        for (Type component : c.getComponents()) {
          if (!isEmpty(component)) {
            return false;
          }
        }
        return true;
      }
      return false;
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
