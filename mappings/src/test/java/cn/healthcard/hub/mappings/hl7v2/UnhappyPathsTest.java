package cn.healthcard.hub.mappings.hl7v2;

import static cn.healthcard.hub.mappings.hl7v2.Messages.ADT_A01;
import static cn.healthcard.hub.mappings.hl7v2.Messages.ADT_A28_BIRTH;
import static cn.healthcard.hub.mappings.hl7v2.Messages.ADT_A60;
import static cn.healthcard.hub.mappings.hl7v2.Messages.BAR_P01;
import static cn.healthcard.hub.mappings.hl7v2.Messages.DFT_P03;
import static cn.healthcard.hub.mappings.hl7v2.Messages.OUL_R22;
import static cn.healthcard.hub.mappings.hl7v2.Messages.PPR_PC1;
import static cn.healthcard.hub.mappings.hl7v2.Messages.RDE_O11;
import static cn.healthcard.hub.mappings.hl7v2.Messages.RDS_O13;
import static cn.healthcard.hub.mappings.hl7v2.Messages.REF_I12;
import static cn.healthcard.hub.mappings.hl7v2.Messages.MDM_T02;
import static cn.healthcard.hub.mappings.hl7v2.Messages.MDM_T10;
import static cn.healthcard.hub.mappings.hl7v2.Messages.ADT_A24;
import static cn.healthcard.hub.mappings.hl7v2.Messages.ADT_A49;
import static cn.healthcard.hub.mappings.hl7v2.Messages.ORM_O01;
import static cn.healthcard.hub.mappings.hl7v2.Messages.ORU_R01;
import static cn.healthcard.hub.mappings.hl7v2.Messages.QBP_Q11;
import static cn.healthcard.hub.mappings.hl7v2.Messages.SIU_S12;
import static cn.healthcard.hub.mappings.hl7v2.Messages.VXU_V04;
import static cn.healthcard.hub.mappings.hl7v2.Messages.with;
import static cn.healthcard.hub.mappings.hl7v2.Messages.without;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.hl7v2.ack.AckCode;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way the hub refuses a message: the exact MSA-1, ERR-2 location and ERR-3 code, and no
 * message content in the ACK.
 */
class UnhappyPathsTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("unsupported message type", with(ADT_A01, "MSH", 9, "MFN^M02^MFN_M02"), "AR", "MSH^1^9^1^1", "200"),
        Arguments.of("inbound response", with(ADT_A01, "MSH", 9, "RSP^K11^RSP_K11"), "AR", "MSH^1^9^1^1", "200"),
        Arguments.of("unsupported trigger event", with(ADT_A01, "MSH", 9, "ADT^A99"), "AR", "MSH^1^9^1^2", "201"),
        Arguments.of("inbound ACK", with(ADT_A01, "MSH", 9, "ACK^A01^ACK"), "AR", "MSH^1^9^1^1", "200"),
        Arguments.of("unsupported version", with(ADT_A01, "MSH", 12, "2.1"), "AR", "MSH^1^12", "203"),
        Arguments.of("not a version", with(ADT_A01, "MSH", 12, "3.0"), "AR", "MSH^1^12", "203"),
        Arguments.of("debugging processing id", with(ADT_A01, "MSH", 11, "D"), "AR", "MSH^1^11", "202"),
        Arguments.of("missing control id", with(ADT_A01, "MSH", 10, ""), "AR", "MSH^1^10", "101"),
        Arguments.of("missing sending facility and application", with(with(ADT_A01, "MSH", 4, ""), "MSH", 3, ""),
            "AR", "MSH^1^4", "101"),
        Arguments.of("unknown charset", with(ADT_A01, "MSH", 18, "EBCDIC"), "AR", "MSH^1^18", "103"),
        Arguments.of("no MSH", "PID|1||M0001^^^^MR||测试^甲\r", "AR", "MSH^1", "100"),
        Arguments.of("missing MSH-7", with(ADT_A01, "MSH", 7, ""), "AE", "MSH^1^7", "101"),
        Arguments.of("bad MSH-7", with(ADT_A01, "MSH", 7, "2025-03-01"), "AE", "MSH^1^7", "102"),
        Arguments.of("no patient identifier", with(ADT_A01, "PID", 3, ""), "AE", "PID^1^3", "101"),
        Arguments.of("invalid card check character",
            with(ADT_A01, "PID", 3, "M0001^^^^MR~" + Messages.CARD.substring(0, 17) + "5^^^&2.16.156.10011.1.19&ISO"),
            "AE", "PID^1^3^2", "102"),
        Arguments.of("PID-7 contradicts the card", with(ADT_A01, "PID", 7, "19810101"), "AE", "PID^1^7", "102"),
        Arguments.of("bad PID-7", with(ADT_A01, "PID", 7, "19801301"), "AE", "PID^1^7", "102"),
        Arguments.of("bad PV1-44", with(ADT_A01, "PV1", 44, "2025030108xx"), "AE", "PV1^1^44", "102"),
        Arguments.of("no PID in ADT", without(ADT_A01, "PID"), "AE", "PID^1", "100"),
        Arguments.of("A40 without MRN in MRG",
            with(ADT_A01, "MSH", 9, "ADT^A40^ADT_A39").replace("PV1|", "MRG|" + Messages.CARD + "^^^&2.16.156.10011.1.19&ISO\rPV1|"),
            "AE", "MRG^1^1", "101"),
        Arguments.of("A47 without MRG", without(with(ADT_A49, "MSH", 9, "ADT^A47^ADT_A30"), "MRG"), "AE", "MRG^1", "100"),
        Arguments.of("A47 whose MRG-1 is only the card number",
            with(with(ADT_A49, "MSH", 9, "ADT^A47^ADT_A30"), "MRG", 1, Messages.CARD + "^^^&2.16.156.10011.1.19&ISO^NI"),
            "AE", "MRG^1^1", "101"),
        Arguments.of("A48 without MRG-2", with(ADT_A49, "MSH", 9, "ADT^A48^ADT_A30"), "AE", "MRG^1^2", "101"),
        Arguments.of("A49 without PID-18", with(ADT_A49, "PID", 18, ""), "AE", "PID^1^18", "101"),
        Arguments.of("A49 without MRG-3", with(ADT_A49, "MRG", 3, ""), "AE", "MRG^1^3", "101"),
        Arguments.of("A41 merging an account into itself", with(with(ADT_A49, "MSH", 9, "ADT^A41^ADT_A39"), "MRG", 3, "ACC-2"),
            "AE", "MRG^1^3", "102"),
        Arguments.of("A44 without MRG-3", with(with(ADT_A49, "MSH", 9, "ADT^A44^ADT_A43"), "MRG", 3, ""), "AE", "MRG^1^3", "101"),
        Arguments.of("A24 with one PID", without(ADT_A24, "PID", 2), "AE", "PID^2", "100"),
        Arguments.of("A37 naming one patient twice", with(with(ADT_A24, "MSH", 9, "ADT^A37^ADT_A37"), "PID", 2, 3, "M0001^^^^MR"),
            "AE", "PID^2^3", "102"),
        Arguments.of("A29 naming the person by card only",
            with(with(ADT_A01, "MSH", 9, "ADT^A29^ADT_A21"), "PID", 3, Messages.CARD + "^^^&2.16.156.10011.1.19&ISO^NI"),
            "AE", "PID^1^3", "101"),
        Arguments.of("AIP-8 duration not a number", Messages.SIU_S12.replace("AIP|1||D001^医生^甲", "AIP|1||D001^医生^甲||||||abc"),
            "AE", "AIP^1^9", "102"),
        Arguments.of("NM that is not a number", with(ORU_R01, "OBX", 5, "<5"), "AE", "OBX^1^5^1", "102"),
        Arguments.of("OBX-2 outside table 0125", with(ORU_R01, "OBX", 2, "XX"), "AE", "OBX^1^2", "103"),
        Arguments.of("OBX without OBX-3", with(ORU_R01, "OBX", 3, ""), "AE", "OBX^1^3", "101"),
        Arguments.of("OBR without order numbers", with(with(ORU_R01, "OBR", 2, ""), "OBR", 3, ""), "AE", "OBR^1^3", "101"),
        Arguments.of("OBR without OBR-4", with(ORU_R01, "OBR", 4, ""), "AE", "OBR^1^4", "101"),
        Arguments.of("ORU without OBR", without(ORU_R01, "OBR"), "AE", "OBR^1", "100"),
        Arguments.of("MDM without TXA-12", with(MDM_T02, "TXA", 12, ""), "AE", "TXA^1^12", "101"),
        Arguments.of("MDM without TXA", without(MDM_T02, "TXA"), "AE", "TXA^1", "100"),
        Arguments.of("MDM status change with content but no OBX", without(with(MDM_T02, "MSH", 9, "MDM^T04^MDM_T02"), "OBX"),
            "AE", "OBX^1", "101"),
        Arguments.of("MDM replacement without TXA-13", with(MDM_T10, "TXA", 13, ""), "AE", "TXA^1^13", "101"),
        Arguments.of("MDM addendum without TXA-13", with(with(MDM_T10, "MSH", 9, "MDM^T05^MDM_T01"), "TXA", 13, ""),
            "AE", "TXA^1^13", "101"),
        Arguments.of("MDM replacement of itself", with(MDM_T10, "TXA", 13, "DOC-2^EMR"), "AE", "TXA^1^13", "102"),
        Arguments.of("TXA-19 outside table 0050", with(MDM_T02, "TXA", 19, "XX"), "AE", "TXA^1^19", "103"),
        Arguments.of("VXU without RXA", without(without(without(VXU_V04, "RXA"), "RXR"), "OBX"), "AE", "RXA^1", "100"),
        Arguments.of("VXU without PID", without(VXU_V04, "PID"), "AE", "PID^1", "100"),
        Arguments.of("VXU with an empty RXA-5", with(VXU_V04, "RXA", 5, ""), "AE", "RXA^1^5", "101"),
        Arguments.of("VXU with an empty RXA-3", with(VXU_V04, "RXA", 3, ""), "AE", "RXA^1^3", "101"),
        Arguments.of("VXU with a bad RXA-3", with(VXU_V04, "RXA", 3, "20250231"), "AE", "RXA^1^3", "102"),
        Arguments.of("VXU with RXA-6 not a number", with(VXU_V04, "RXA", 6, "0,5"), "AE", "RXA^1^6", "102"),
        Arguments.of("VXU with RXA-20 outside table 0322", with(VXU_V04, "RXA", 20, "XX"), "AE", "RXA^1^20", "103"),
        Arguments.of("VXU with RXA-21 outside table 0323", with(VXU_V04, "RXA", 21, "X"), "AE", "RXA^1^21", "103"),
        Arguments.of("VXU with a bad RXA-16", with(VXU_V04, "RXA", 16, "2026-12"), "AE", "RXA^1^16^1", "102"),
        Arguments.of("VXU with an ORC without RXA",
            VXU_V04.replace("RXR|", "ORC|RE||IMM-2^TESTCLINIC\rRXR|"), "AE", "ORC^2", "100"),
        Arguments.of("VXU naming one immunization twice",
            VXU_V04.replace("OBX|", "ORC|RE||IMM-1^TESTCLINIC\rRXA|0|1|20250402||BCG^卡介苗^NIP|0.1|mL^^UCUM\rOBX|"),
            "AE", "ORC^2^3", "205"),
        Arguments.of("VXU with an invalid card number",
            with(VXU_V04, "PID", 3, "M0001^^^^MR~" + Messages.CARD.substring(0, 17) + "5^^^&2.16.156.10011.1.19&ISO"),
            "AE", "PID^1^3^2", "102"),
        Arguments.of("birth report: invalid mother's card number in PID-21",
            with(ADT_A28_BIRTH, "PID", 21, "P1234567^^^PHL^PPN~" + Messages.CARD.substring(0, 17) + "5^^^&2.16.156.10011.1.19&ISO"),
            "AE", "PID^1^21^2", "102"),
        Arguments.of("birth report: invalid mother's card number in NK1-33",
            with(with(ADT_A28_BIRTH, "PID", 21, ""), "NK1", 33, Messages.CARD.substring(0, 17) + "5^^^&2.16.156.10011.1.19&ISO"),
            "AE", "NK1^1^33^1", "102"),
        Arguments.of("birth report: NK1-37 not a resident identity number",
            with(ADT_A28_BIRTH, "NK1", 37, Messages.CARD.substring(0, 17) + "5"), "AE", "NK1^1^37", "102"),
        Arguments.of("birth report: nothing identifies the mother", with(ADT_A28_BIRTH, "PID", 21, ""), "AE", "PID^1^21", "101"),
        Arguments.of("birth report: PID-25 not a number", with(ADT_A28_BIRTH, "PID", 25, "A"), "AE", "PID^1^25", "102"),
        Arguments.of("birth report: PID-25 zero", with(with(ADT_A28_BIRTH, "PID", 24, "Y"), "PID", 25, "0"), "AE", "PID^1^25", "102"),
        Arguments.of("birth report: PID-25 above 1 for a singleton", with(ADT_A28_BIRTH, "PID", 25, "2"), "AE", "PID^1^25", "102"),
        Arguments.of("birth report: PID-24 Y without PID-25", with(ADT_A28_BIRTH, "PID", 24, "Y"), "AE", "PID^1^25", "101"),
        Arguments.of("birth report: PID-24 outside table 0136", with(ADT_A28_BIRTH, "PID", 24, "T"), "AE", "PID^1^24", "103"),
        Arguments.of("SIU without SCH", without(SIU_S12, "SCH"), "AE", "SCH^1", "100"),
        Arguments.of("SIU without an appointment id", with(SIU_S12, "SCH", 2, ""), "AE", "SCH^1^2", "101"),
        Arguments.of("SIU booked without a start", with(SIU_S12, "SCH", 11, ""), "AE", "SCH^1^11", "101"),
        Arguments.of("SIU with a start but no end or duration", with(SIU_S12, "SCH", 9, ""), "AE", "SCH^1^9", "101"),
        Arguments.of("SIU duration not a number", with(SIU_S12, "SCH", 9, "twenty"), "AE", "SCH^1^9", "102"),
        Arguments.of("SIU duration in unknown units", with(SIU_S12, "SCH", 10, "fortnight"), "AE", "SCH^1^10", "103"),
        Arguments.of("ORM without ORC", without(without(ORM_O01, "ORC"), "OBR"), "AE", "ORC^1", "100"),
        Arguments.of("ORM without order numbers", with(with(ORM_O01, "ORC", 2, ""), "OBR", 2, ""), "AE", "ORC^1^2", "101"),
        Arguments.of("ORM with an order control the hub does not apply", with(ORM_O01, "ORC", 1, "ZZ"), "AE", "ORC^1^1", "103"),
        Arguments.of("ORM without order control", with(ORM_O01, "ORC", 1, ""), "AE", "ORC^1^1", "101"),
        Arguments.of("A60 IAM without an allergen", with(ADT_A60, "IAM", 3, ""), "AE", "IAM^1^3", "101"),
        Arguments.of("AL1 without an allergen", ADT_A01 + "AL1|1|DA||SV\r", "AE", "AL1^1^3", "101"),
        Arguments.of("A60 IAM with a bad onset date", with(ADT_A60, "IAM", 11, "2025-01"), "AE", "IAM^1^11", "102"),
        Arguments.of("DFT without FT1", without(DFT_P03, "FT1"), "AE", "FT1^1", "100"),
        Arguments.of("FT1 without transaction type", with(DFT_P03, "FT1", 6, ""), "AE", "FT1^1^6", "101"),
        Arguments.of("FT1 type outside table 0017", with(DFT_P03, "FT1", 6, "XX"), "AE", "FT1^1^6", "103"),
        Arguments.of("FT1 without transaction code", with(DFT_P03, "FT1", 7, ""), "AE", "FT1^1^7", "101"),
        Arguments.of("FT1 amount finer than a fen", with(DFT_P03, "FT1", 11, "10.005&CNY"), "AE", "FT1^1^11^1^1", "102"),
        Arguments.of("FT1 amount not a number", with(DFT_P03, "FT1", 11, "ten&CNY"), "AE", "FT1^1^11^1^1", "102"),
        Arguments.of("FT1 quantity not a number", with(DFT_P03, "FT1", 10, "one"), "AE", "FT1^1^10", "102"),
        Arguments.of("FT1 with a bad transaction date", with(DFT_P03, "FT1", 4, "2025-04-01"), "AE", "FT1^1^4^1^1", "102"),
        Arguments.of("BAR without an account number", with(BAR_P01, "PID", 18, ""), "AE", "PID^1^18", "101"),
        Arguments.of("DG1 without code or description", with(BAR_P01, "DG1", 3, ""), "AE", "DG1^1^3", "101"),
        Arguments.of("PR1 without code or description", with(BAR_P01, "PR1", 3, ""), "AE", "PR1^1^3", "101"),
        Arguments.of("DG1 with a bad diagnosis time", with(BAR_P01, "DG1", 5, "yesterday"), "AE", "DG1^1^5", "102"),
        Arguments.of("PPR without PRB", without(PPR_PC1, "PRB"), "AE", "PRB^1", "100"),
        Arguments.of("PRB without a problem", with(PPR_PC1, "PRB", 3, ""), "AE", "PRB^1^3", "101"),
        Arguments.of("REF without RF1", without(REF_I12, "RF1"), "AE", "RF1^1", "100"),
        Arguments.of("REF without a referral id", with(REF_I12, "RF1", 6, ""), "AE", "RF1^1^6", "101"),
        Arguments.of("RF1-1 outside table 0283", with(REF_I12, "RF1", 1, "Z"), "AE", "RF1^1^1", "103"),
        Arguments.of("RDE without ORC", without(RDE_O11, "ORC"), "AE", "ORC^1", "100"),
        Arguments.of("RDE order without RXE", without(RDE_O11, "RXE"), "AE", "RXE^1", "100"),
        Arguments.of("RXE without a give code", with(RDE_O11, "RXE", 2, ""), "AE", "RXE^1^2", "101"),
        Arguments.of("RXE dose not a number", with(RDE_O11, "RXE", 3, "half"), "AE", "RXE^1^3", "102"),
        Arguments.of("RXE refills not a whole number", with(RDE_O11, "RXE", 12, "1.5"), "AE", "RXE^1^12", "102"),
        Arguments.of("RDE order without numbers", with(RDE_O11, "ORC", 2, ""), "AE", "ORC^1^2", "101"),
        Arguments.of("RDS dispense without RXD", without(RDS_O13, "RXD"), "AE", "RXD^1", "100"),
        Arguments.of("RXD without a give code", with(RDS_O13, "RXD", 2, ""), "AE", "RXD^1^2", "101"),
        Arguments.of("RXD with a bad dispense time", with(RDS_O13, "RXD", 3, "today"), "AE", "RXD^1^3", "102"),
        Arguments.of("SPM without a specimen type", with(OUL_R22, "SPM", 4, ""), "AE", "SPM^1^4", "101"),
        Arguments.of("SPM with a bad collection time", with(OUL_R22, "SPM", 17, "08:00"), "AE", "SPM^1^17^1^1", "102"),
        Arguments.of("OUL without OBR", without(OUL_R22, "OBR"), "AE", "OBR^1", "100"),
        Arguments.of("A17 with only one patient", with(ADT_A01, "MSH", 9, "ADT^A17^ADT_A17"), "AE", "PID^2", "100"),
        Arguments.of("QBP^Q22 (PDQ) is not answered", with(QBP_Q11, "MSH", 9, "QBP^Q22^QBP_Q21"), "AR", "MSH^1^9^1^2", "201"));
  }

  /** A QBP the hub cannot answer gets the RSP^K11 the CDC guide prescribes: QAK-2 = MSA-1, the QPD echoed. */
  static Stream<Arguments> queries() {
    return Stream.of(
        Arguments.of("a query name the hub does not answer",
            QBP_Q11.replace("QPD|Z34^Request Immunization History", "QPD|Z99^Something else"), "AR", "QPD^1^1", "103"),
        Arguments.of("QPD-1 empty", with(QBP_Q11, "QPD", 1, ""), "AE", "QPD^1^1", "101"),
        Arguments.of("QPD-2 (query tag) empty", with(QBP_Q11, "QPD", 2, ""), "AE", "QPD^1^2", "101"),
        Arguments.of("invalid card number in QPD-3",
            with(QBP_Q11, "QPD", 3, Messages.CARD.substring(0, 17) + "5^^^&2.16.156.10011.1.19&ISO"), "AE", "QPD^1^3^1", "102"),
        Arguments.of("nothing names the patient", with(with(QBP_Q11, "QPD", 3, ""), "QPD", 6, ""), "AE", "QPD^1^3", "101"),
        Arguments.of("QPD-6 not a date", with(QBP_Q11, "QPD", 6, "1980-01-01"), "AE", "QPD^1^6", "102"),
        Arguments.of("QPD-7 not a sex code", with(QBP_Q11, "QPD", 7, "X"), "AE", "QPD^1^7", "103"),
        Arguments.of("bad MSH-7", with(QBP_Q11, "MSH", 7, "yesterday"), "AE", "MSH^1^7", "102"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("queries")
  void aQueryTheHubCannotAnswerGetsAnRspWithTheError(String name, String message, String msa1, String err2,
      String err3) {
    InboundResult.Rejected r = TestMessages.rejected(TestMessages.utf8(message));
    assertThat(r.ackCode().name()).isEqualTo(msa1);
    assertThat(TestMessages.field(r.ack(), "MSH", 1, 9)).isEqualTo("RSP^K11^RSP_K11");
    assertThat(TestMessages.field(r.ack(), "MSH", 1, 21)).isEqualTo("Z33^CDCPHINVS");
    assertThat(TestMessages.field(r.ack(), "MSA", 1, 1)).isEqualTo(msa1);
    assertThat(TestMessages.field(r.ack(), "MSA", 1, 2)).isEqualTo("CTRL-5");
    assertThat(TestMessages.field(r.ack(), "ERR", 1, 2)).isEqualTo(err2);
    assertThat(TestMessages.field(r.ack(), "ERR", 1, 3)).isEqualTo(err3 + "^" + r.errors().get(0).code().text() + "^HL70357");
    assertThat(TestMessages.field(r.ack(), "QAK", 1, 2)).isEqualTo(msa1);
    assertThat(TestMessages.segment(r.ack(), "QPD", 1)).isNotNull();
    assertThat(AckParsing.parsesAs(r.ack(), "RSP_K11")).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedWithExactAckCodeLocationAndErrorCode(String name, String message, String msa1, String err2, String err3) {
    InboundResult.Rejected r = TestMessages.rejected(TestMessages.utf8(message));
    assertThat(r.ackCode().name()).isEqualTo(msa1);
    assertThat(TestMessages.field(r.ack(), "MSA", 1, 1)).isEqualTo(msa1);
    assertThat(TestMessages.field(r.ack(), "ERR", 1, 2)).isEqualTo(err2);
    assertThat(TestMessages.field(r.ack(), "ERR", 1, 3)).isEqualTo(err3 + "^" + r.errors().get(0).code().text() + "^HL70357");
    assertThat(TestMessages.field(r.ack(), "ERR", 1, 4)).isEqualTo("E");
    assertThat(AckParsing.parses(r.ack())).isTrue();
    assertThat(r.ack()).doesNotContain("测试").doesNotContain(Messages.CARD.substring(0, 17));
  }

  @Test
  void bytesInvalidForTheDeclaredCharsetAreAContentError() {
    byte[] gb = ADT_A01.replace("UNICODE UTF-8", "UNICODE UTF-8").getBytes(java.nio.charset.Charset.forName("GB18030"));
    InboundResult.Rejected r = TestMessages.rejected(gb);
    assertThat(r.ackCode()).isEqualTo(AckCode.AE);
    assertThat(TestMessages.field(r.ack(), "ERR", 1, 2)).isEqualTo("MSH^1^18");
    assertThat(TestMessages.field(r.ack(), "ERR", 1, 3)).startsWith("102^");
  }

  @Test
  void allContentErrorsOfAMessageAreReportedTogether() {
    String broken = with(with(ADT_A01, "PID", 7, "19810101"), "PV1", 44, "bad");
    InboundResult.Rejected r = TestMessages.rejected(TestMessages.utf8(broken));
    assertThat(r.errors()).extracting(e -> e.location().toString()).containsExactly("PID^1^7", "PV1^1^44");
    assertThat(TestMessages.field(r.ack(), "ERR", 2, 2)).isEqualTo("PV1^1^44");
  }

  @Test
  void rejectionStillCarriesTheMessageKeyForIdempotency() {
    InboundResult.Rejected r = TestMessages.rejected(TestMessages.utf8(with(ADT_A01, "PID", 7, "19810101")));
    assertThat(r.key()).contains(new MessageKey("TESTHOSP", "CTRL-1"));
  }

  @Test
  void olderSendersGetErr1AsWell() {
    InboundResult.Rejected r = TestMessages.rejected(TestMessages.utf8(with(with(ADT_A01, "MSH", 12, "2.4"), "PID", 7, "19810101")));
    assertThat(TestMessages.field(r.ack(), "ERR", 1, 1)).isEqualTo("PID^1^7^102&Data type error&HL70357");
    assertThat(TestMessages.field(r.ack(), "MSH", 1, 12)).isEqualTo("2.4");
  }

  @Test
  void aRejectedMessageIsAnsweredInItsOwnCharset() {
    byte[] raw = with(with(ADT_A01, "MSH", 18, "GB 18030-2000"), "PID", 7, "19810101")
        .getBytes(java.nio.charset.Charset.forName("GB18030"));
    InboundResult r = TestMessages.INBOUND.process(raw, StandardCharsets.UTF_8, TestMessages.ACK_CONTEXT);
    assertThat(r.charset().name()).isEqualTo("GB18030");
    assertThat(TestMessages.field(r.ack(), "MSH", 1, 18)).isEqualTo("GB 18030-2000");
  }
}
