package cn.healthcard.hub.mappings.hl7v2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Small valid messages to break one field at a time. */
final class Messages {

  static final String CARD = TestMessages.card("11010119800101001");

  static final String ADT_A01 = String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250301083000||ADT^A01^ADT_A01|CTRL-1|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "EVN|A01|20250301082955",
      "PID|1||M0001^^^^MR~" + CARD + "^^^&2.16.156.10011.1.19&ISO^NI||测试^甲||19800101|M",
      "PV1|1|I|NK3^301^02||||||||||||||||V0001|||||||||||||||||||||||||20250301080000") + "\r";

  /** A change of account number (A49): PID-18 is the new number, MRG-3 the old one. */
  static final String ADT_A49 = String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250301083000||ADT^A49^ADT_A30|CTRL-49|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "EVN|A49|20250301082955",
      "PID|1||M0001^^^^MR~" + CARD + "^^^&2.16.156.10011.1.19&ISO^NI||测试^甲||19800101|M||||||||||ACC-2",
      "MRG|M0001^^^^MR||ACC-1") + "\r";

  /** A link of two records (A24). */
  static final String ADT_A24 = String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250301083000||ADT^A24^ADT_A24|CTRL-24|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "EVN|A24|20250301082955",
      "PID|1||M0001^^^^MR~" + CARD + "^^^&2.16.156.10011.1.19&ISO^NI||测试^甲||19800101|M",
      "PID|2||M0002^^^^MR||测试^甲||19800101|M") + "\r";

  static final String ORU_R01 = String.join("\r",
      "MSH|^~\\&|LIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250302101500||ORU^R01^ORU_R01|CTRL-2|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "OBR|1|P-1^HIS|F-1^LIS|CBC^血常规^L|||20250302080000||||||||||||||||||F",
      "OBX|1|NM|718-7^Hemoglobin^LN||135|g/L^g/L^UCUM|130-175|N|||F") + "\r";

  static final String MDM_T02 = String.join("\r",
      "MSH|^~\\&|EMR|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250305170000||MDM^T02^MDM_T02|CTRL-3|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "EVN|T02|20250305170000",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "TXA|1|DS|TX|20250305165000||||||||DOC-1^EMR|||||AU||AV",
      "OBX|1|TX|18842-5^Discharge summary^LN||出院小结||||||F") + "\r";

  /** A replacement with content: DOC-2 replaces DOC-1. */
  static final String MDM_T10 = String.join("\r",
      "MSH|^~\\&|EMR|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250306170000||MDM^T10^MDM_T02|CTRL-3R|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "EVN|T10|20250306170000",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "TXA|1|DS|TX|20250306165000||||||||DOC-2^EMR|DOC-1^EMR||||AU||AV",
      "OBX|1|TX|18842-5^Discharge summary^LN||出院小结（更正）||||||F") + "\r";

  static final String VXU_V04 = String.join("\r",
      "MSH|^~\\&|IIS|TESTCLINIC^2.999.86.2^ISO|HUB|HEALTHCARD-HUB|20250401100000||VXU^V04^VXU_V04|CTRL-4|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "PID|1||M0001^^^^MR~" + CARD + "^^^&2.16.156.10011.1.19&ISO^NI||测试^甲||19800101|M",
      "ORC|RE||IMM-1^TESTCLINIC",
      "RXA|0|1|20250401093000||HEPB^乙肝疫苗^NIP|10|ug^ug^UCUM||00^new^NIP001||||||LOT-1|20261231|SZKT^康泰^MFR|||CP|A",
      "RXR|C28161^IM^NCIT^IM^^HL70162|LD^左三角肌^HL70163",
      "OBX|1|CE|30963-3^Vaccine funding source^LN|1|01^免疫规划^FUND||||||F") + "\r";

  static final String SIU_S12 = String.join("\r",
      "MSH|^~\\&|RIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401100000||SIU^S12^SIU_S12|CTRL-6|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "SCH||APT-1^RIS||||||FOLLOWUP^复诊^L|20|min|^^^20250410093000",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "RGS|1",
      "AIP|1||D001^医生^甲") + "\r";

  static final String ORM_O01 = String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401100000||ORM^O01^ORM_O01|CTRL-7|P|2.4|||AL|NE|CHN|UNICODE UTF-8",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "ORC|NW|ORD-1^HIS",
      "OBR|1|ORD-1^HIS||CBC^血常规^L") + "\r";

  static final String ADT_A60 = String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401100000||ADT^A60^ADT_A60|CTRL-8|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "EVN|A60|20250401100000",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "IAM|1|DA|PEN^青霉素^L|SV|皮疹|A|ALG-1") + "\r";

  static final String DFT_P03 = String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401170000||DFT^P03^DFT_P03|CTRL-9|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M||||||||||ACC-1^^^TESTHOSP^AN",
      "PV1|1|O|XNK||||||||||||||||V0001",
      "FT1|1|T-1||20250401093000||CG|310100001^一般诊疗费^L|||1|10.00&CNY") + "\r";

  static final String BAR_P01 = String.join("\r",
      "MSH|^~\\&|BILLING|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401080000||BAR^P01^BAR_P01|CTRL-10|P|2.4|||AL|NE|CHN|UNICODE UTF-8",
      "EVN|P01|20250401080000",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M||||||||||ACC-1^^^TESTHOSP^AN",
      "PV1|1|I|NK3||||||||||||||||V0001",
      "DG1|1||I63.9^脑梗死^I10||20250401074500|A",
      "PR1|1||88.0101^头颅CT平扫^ICD9CM||20250401094000") + "\r";

  static final String PPR_PC1 = String.join("\r",
      "MSH|^~\\&|EMR|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401110000||PPR^PC1^PPR_PC1|CTRL-11|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "PRB|AD|20250401110000|I10^原发性高血压^I10|PRB-1^EMR|||20250401") + "\r";

  static final String REF_I12 = String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401150000||REF^I12^REF_I12|CTRL-12|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "RF1|P^pending^HL70283|R^routine^HL70280|Med^内科^HL70281|||REF-1^TESTHOSP|20250401150000",
      "PRD|RT^Referred to Provider^HL70286|医生^乙||^^^OTHERHOSP||||D002",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M") + "\r";

  static final String RDE_O11 = String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401100000||RDE^O11^RDE_O11|CTRL-13|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "ORC|NW|RX-1^HIS",
      "RXE||AMX^阿莫西林^L|0.5||g^g^UCUM|||||24|粒^粒^L|0") + "\r";

  static final String RDS_O13 = String.join("\r",
      "MSH|^~\\&|PHARMACY|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401103000||RDS^O13^RDS_O13|CTRL-14|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "ORC|RE|RX-1^HIS",
      "RXD|1|AMX^阿莫西林^L|20250401102500|24|粒^粒^L||CF-1") + "\r";

  static final String OUL_R22 = String.join("\r",
      "MSH|^~\\&|LIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250402101500||OUL^R22^OUL_R22|CTRL-15|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "PID|1||M0001^^^^MR||测试^甲||19800101|M",
      "SPM|1|^SP-1&LIS||BLD^全血^HL70487|||||||||||||20250402080000",
      "OBR|1|P-1^HIS|F-1^LIS|CBC^血常规^L|||20250402080000||||||||||||||||||F",
      "OBX|1|NM|718-7^Hemoglobin^LN||135|g/L^g/L^UCUM|130-175|N|||F") + "\r";

  static final String QBP_Q11 = String.join("\r",
      "MSH|^~\\&|EMR|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250401100000||QBP^Q11^QBP_Q11|CTRL-5|P|2.5.1|||ER|AL|CHN|UNICODE UTF-8|||Z34^CDCPHINVS",
      "QPD|Z34^Request Immunization History^CDCPHINVS|Q-1|M0001^^^^MR~" + CARD + "^^^&2.16.156.10011.1.19&ISO^NI|测试^甲||19800101|M",
      "RCP|I|5^RD&records&HL70126") + "\r";

  /**
   * A birth report: an A28 for a newborn (PID-7 to the minute, two hours before MSH-7) whose
   * mother is linked by PID-21 (her card) and an NK1 MTH.
   */
  static final String ADT_A28_BIRTH = with(with(String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250301083000||ADT^A28^ADT_A05|CTRL-6|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "EVN|A28|20250301082955",
      "PID|1||NB0001^^^^MR||测试之女||202503010630|F",
      "NK1|1|测试^乙|MTH^母亲^HL70063",
      "PV1|1|N") + "\r", "PID", 21, CARD + "^^^&2.16.156.10011.1.19&ISO^NI"), "PID", 24, "N");

  private Messages() {}

  /** The message with field {@code field} of the {@code occurrence}-th {@code segment} replaced. */
  static String with(String message, String segment, int occurrence, int field, String value) {
    String[] segs = message.split("\r");
    int n = 0;
    for (int i = 0; i < segs.length; i++) {
      if (segs[i].startsWith(segment + "|") && ++n == occurrence) {
        List<String> f = new ArrayList<>(Arrays.asList(segs[i].split("\\|", -1)));
        int index = segment.equals("MSH") ? field - 1 : field;
        while (f.size() <= index) {
          f.add("");
        }
        f.set(index, value);
        segs[i] = String.join("|", f);
      }
    }
    return String.join("\r", segs) + "\r";
  }

  static String with(String message, String segment, int field, String value) {
    return with(message, segment, 1, field, value);
  }

  /** The message without the {@code occurrence}-th {@code segment}. */
  static String without(String message, String segment, int occurrence) {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (String s : message.split("\r")) {
      if (!(s.startsWith(segment + "|") && ++n == occurrence)) {
        sb.append(s).append('\r');
      }
    }
    return sb.toString();
  }

  static String without(String message, String segment) {
    StringBuilder sb = new StringBuilder();
    for (String s : message.split("\r")) {
      if (!s.startsWith(segment + "|")) {
        sb.append(s).append('\r');
      }
    }
    return sb.toString();
  }
}
