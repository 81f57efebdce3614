package cn.healthcard.hub.mappings.hl7v2.ack;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.hl7v2.AckContext;
import cn.healthcard.hub.mappings.hl7v2.codec.RawHeader;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class Hl7v2AckTest {

  static final AckContext CTX = new AckContext("20250331120000+0800", "ACK-9", "HUB", "HEALTHCARD-HUB");

  static Optional<RawHeader> header(String msh) {
    return RawHeader.read(msh + "\rPID|1\r");
  }

  @Test
  void aaSwapsSenderAndReceiverAndEchoesTheControlId() {
    String ack = Hl7v2Ack.build(header(
        "MSH|^~\\&|HIS|H1^2.999.1^ISO|HUB|HEALTHCARD-HUB|20250301083000||ADT^A01^ADT_A01|C-42|P|2.4|||AL|NE|CHN|GB 18030-2000"),
        AckCode.AA, List.of(), CTX);
    assertThat(ack).isEqualTo(
        "MSH|^~\\&|HUB|HEALTHCARD-HUB|HIS|H1^2.999.1^ISO|20250331120000+0800||ACK^A01^ACK|ACK-9|P|2.4||||||GB 18030-2000\r"
            + "MSA|AA|C-42|Message accepted\r");
  }

  @Test
  void errorsBecomeErrSegmentsWithLocationCodeSeverityAndText() {
    String ack = Hl7v2Ack.build(header("MSH|^~\\&|HIS|H1|||20250301083000||ADT^A01|C-1|P|2.5.1"), AckCode.AE,
        List.of(Hl7Error.error(ErrorCode.DATA_TYPE_ERROR, ErrorLocation.field("PID", 1, 7), "PID-7 is wrong")), CTX);
    assertThat(ack).contains("MSA|AE|C-1|PID-7 is wrong\r")
        .contains("ERR||PID^1^7|102^Data type error^HL70357|E||||PID-7 is wrong\r")
        .startsWith("MSH|^~\\&|HUB|HEALTHCARD-HUB|HIS|H1|");
  }

  @Test
  void withoutAnyMshStillAnAr() {
    String ack = Hl7v2Ack.build(Optional.empty(), AckCode.AR,
        List.of(Hl7Error.reject(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("MSH", 1), "no MSH")), CTX);
    assertThat(ack).startsWith("MSH|^~\\&|HUB|HEALTHCARD-HUB|||20250331120000+0800||ACK|ACK-9|P|2.5.1\r")
        .contains("MSA|AR||no MSH\r");
  }

  @Test
  void theSendersOwnDelimitersAreKept() {
    String ack = Hl7v2Ack.build(header("MSH#$~\\&#HIS#H1$X###20250301083000##ADT$A01#C-1#P#2.5.1"), AckCode.AA, List.of(), CTX);
    assertThat(ack).startsWith("MSH#$~\\&#HUB#HEALTHCARD-HUB#HIS#H1$X#").contains("#ACK$A01$ACK#");
  }

  @Test
  void unusableDelimitersFallBackToTheStandardOnes() {
    String ack = Hl7v2Ack.build(header("MSH|||||HIS|H1|||20250301083000||ADT^A01|C-1|P|2.5.1"), AckCode.AR, List.of(), CTX);
    assertThat(ack).startsWith("MSH|^~\\&|");
  }

  @Test
  void controlCharactersInCopiedFieldsCannotBreakMllpFraming() {
    String ack = Hl7v2Ack.build(header("MSH|^~\\&|HI\u001cS|H1|||20250301083000||ADT^A01|C\u000b1|P|2.5.1"), AckCode.AA, List.of(), CTX);
    assertThat(ack).doesNotContain("\u001c").doesNotContain("\u000b");
  }

  @Test
  void blankAckControlIdIsDerivedFromTheInboundOne() {
    String ack = Hl7v2Ack.build(header("MSH|^~\\&|HIS|H1|||20250301083000||ADT^A01|C-1|P|2.5.1"), AckCode.AA, List.of(),
        new AckContext("20250331120000+0800", "", null, null));
    assertThat(ack).contains("|ACKC-1|");
  }
}
