package cn.healthcard.hub.bench;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic HL7 v2.4 traffic of a hospital: per patient a registration (A04), an admission
 * (A01), a demographics update (A08), a lab result (ORU^R01), a prescription (RDE^O11), the
 * visit's charges (DFT^P03) and a discharge (A03), with valid card numbers and Chinese names. Every message has its own control id; every patient its own
 * MRN and visit number.
 */
public final class HisMessages {
  private static final String[] FAMILY = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"};
  private static final String[] GIVEN = {"伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军"};
  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  /** One message and the visit it belongs to. */
  public record Message(String controlId, String type, String visit, String text) {}

  private HisMessages() {}

  /** {@code count} messages, seven per patient, interleaved across patients as HIS traffic is. */
  public static List<Message> mixed(String facility, int count, int seed) {
    List<Message> out = new ArrayList<>(count);
    String[] triggers = {"A04", "A01", "A08", "ORU", "RDE", "DFT", "A03"};
    int patients = (count + triggers.length - 1) / triggers.length;
    for (int step = 0; step < triggers.length && out.size() < count; step++) {
      for (int p = 0; p < patients && out.size() < count; p++) {
        out.add(message(facility, seed, p, triggers[step], step));
      }
    }
    return out;
  }

  /** {@code count} registrations (A04), each a new patient and visit. */
  public static List<Message> registrations(String facility, int count, int seed) {
    List<Message> out = new ArrayList<>(count);
    for (int p = 0; p < count; p++) {
      out.add(message(facility, seed, p, "A04", 0));
    }
    return out;
  }

  /** A segment from fields indexed by their HL7 position (index 0 unused); nulls are empty. */
  static String segment(String id, String[] fields) {
    StringBuilder b = new StringBuilder(id);
    for (int i = 1; i < fields.length; i++) {
      b.append('|').append(fields[i] == null ? "" : fields[i]);
    }
    return b.toString();
  }

  static Message message(String facility, int seed, int patient, String trigger, int step) {
    LocalDate birth = LocalDate.of(1940, 1, 1).plusDays((patient * 37L + seed) % 25000);
    boolean male = patient % 2 == 0;
    String card = HealthCards.number(birth, male, Math.floorMod(seed * 7919 + patient, 45_000));
    String mrn = "M" + seed + "-" + patient;
    String visit = "V" + seed + "-" + patient;
    String controlId = "B" + seed + "-" + patient + "-" + step;
    String time = String.format("20261126%02d%02d00+0800", 8 + step, patient % 60);
    String name = FAMILY[patient % FAMILY.length] + "^" + GIVEN[(patient / 10) % GIVEN.length];
    String pid = "PID|1||" + card + "^^^&2.16.156.10011.1.19&ISO^NNCHN~" + mrn + "^^^^MR||" + name + "||"
        + birth.format(DAY) + "|" + (male ? "M" : "F") + "|||和平路" + (patient % 200) + "号^^沈阳市^辽宁省^110000^CHN^H^^210102";
    String[] pv1Fields = new String[45];
    pv1Fields[1] = "1";
    pv1Fields[2] = "I";
    pv1Fields[3] = "NEURO^0301^0" + (patient % 9 + 1) + "^" + facility;
    pv1Fields[19] = visit;
    pv1Fields[44] = "20261126080000+0800";
    String pv1 = segment("PV1", pv1Fields);
    boolean oru = trigger.equals("ORU");
    String type = switch (trigger) {
      case "ORU" -> "ORU^R01^ORU_R01";
      case "RDE" -> "RDE^O11^RDE_O11";
      case "DFT" -> "DFT^P03^DFT_P03";
      default -> "ADT^" + trigger + "^ADT_A01";
    };
    String msh = "MSH|^~\\&|HIS|" + facility + "|HUB|PROVINCE|" + time + "||"
        + type + "|" + controlId + "|P|2.4|||AL|NE||UNICODE UTF-8";
    List<String> segments = new ArrayList<>();
    segments.add(msh);
    if (trigger.startsWith("A") || trigger.equals("DFT")) {
      segments.add("EVN|" + (trigger.equals("DFT") ? "P03" : trigger) + "|" + time);
    }
    // PID-18: the visit's account, which the charges are posted on
    segments.add(trigger.equals("DFT") ? pid + "|||||||A" + visit + "^^^^AN" : pid);
    segments.add(pv1);
    if (trigger.equals("RDE")) {
      segments.add("ORC|NW|RX" + controlId + "|||||||" + time);
      segments.add("RXE||86900123000012^阿莫西林胶囊^NMPA|0.5||g^g^UCUM|||||24|粒^粒^L|0");
      segments.add("RXR|PO^口服^HL70162");
    }
    if (trigger.equals("DFT")) {
      segments.add("FT1|1|T" + controlId + "-1||" + time + "||CG|310100001^一般诊疗费^L|||1|10.00&CNY");
      segments.add("FT1|2|T" + controlId + "-2||" + time + "||CG|250101001^血常规^L|||1|"
          + (20 + patient % 10) + ".50&CNY");
    }
    if (oru) {
      segments.add("ORC|RE|P" + controlId + "|F" + controlId);
      String[] obr = new String[26];
      obr[1] = "1";
      obr[2] = "P" + controlId;
      obr[3] = "F" + controlId;
      obr[4] = "CBC^血常规^L";
      obr[7] = time;
      obr[22] = time;
      obr[25] = "F";
      segments.add(segment("OBR", obr));
      segments.add("OBX|1|NM|WBC^白细胞计数^L||" + (4 + patient % 7) + ".2|10*9/L|3.5-9.5|N|||F|||" + time);
      segments.add("OBX|2|NM|HGB^血红蛋白^L||" + (110 + patient % 50) + "|g/L|115-150|N|||F|||" + time);
      segments.add("OBX|3|ST|NOTE^备注^L||标本合格||||||F|||" + time);
    }
    return new Message(controlId, type.substring(0, 7), visit, String.join("\r", segments) + "\r");
  }
}
