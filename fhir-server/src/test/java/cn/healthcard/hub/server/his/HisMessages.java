package cn.healthcard.hub.server.his;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** HL7 v2 messages for the HIS tests, built field by field so positions are explicit. */
public final class HisMessages {
  static final String CARD_AUTHORITY = "&2.16.156.10011.1.19&ISO";

  private HisMessages() {}

  /** A segment from its fields, field 1 first; nulls are empty fields. */
  static String segment(String id, String... fields) {
    List<String> parts = new ArrayList<>();
    parts.add(id);
    parts.addAll(Arrays.stream(fields).map(f -> f == null ? "" : f).toList());
    return String.join("|", parts);
  }

  static String msh(String facility, String type, String controlId, String version, String charset) {
    // MSH-1 is the field separator itself, so the fields listed start at MSH-2
    return "MSH|^~\\&|HIS|" + facility + "|HUB|PROVINCE|20261126093000+0800||" + type + "|" + controlId
        + "|P|" + version + "|||AL|NE||" + (charset == null ? "" : charset);
  }

  static String pid(String card, String mrn, String facility, String family, String given, String birth, String sex) {
    String ids = (card == null ? "" : card + "^^^" + CARD_AUTHORITY + "^NNCHN~") + mrn + "^^^^MR";
    return segment("PID", "1", null, ids, null, family + "^" + given, null, birth, sex,
        null, null, "和平路1号^^沈阳市^辽宁省^110000^CHN^H^^210102");
  }

  static String pv1(String patientClass, String visit, String facility) {
    String[] f = new String[45];
    f[0] = "1";
    f[1] = patientClass;
    f[2] = "NEURO^0301^02^" + facility;
    f[18] = visit;
    f[43] = "20261126090000+0800";
    return segment("PV1", f);
  }

  static String message(String... segments) {
    return String.join("\r", segments) + "\r";
  }

  public static String adt(String trigger, String facility, String controlId, String card, String mrn, String visit,
      String family, String given, String birth, String sex) {
    return message(
        msh(facility, "ADT^" + trigger + "^ADT_A01", controlId, "2.4", "UNICODE UTF-8"),
        segment("EVN", trigger, "20261126093000+0800"),
        pid(card, mrn, facility, family, given, birth, sex),
        pv1("I", visit, facility));
  }

  /** MSA-1 of an ACK. */
  static String msa1(String ack) {
    return field(ack, "MSA", 1);
  }

  static String field(String message, String segment, int n) {
    for (String s : message.split("\r")) {
      if (s.startsWith(segment + "|")) {
        String[] f = s.split("\\|", -1);
        return n < f.length ? f[n] : "";
      }
    }
    return null;
  }
}
