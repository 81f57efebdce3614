package cn.healthcard.hub.mappings.hl7v2.codec;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.hl7v2.ack.AckCode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Hl7v2DecoderTest {

  static final Charset GB18030 = Charset.forName("GB18030");

  static String msg(String msh18) {
    return "MSH|^~\\&|HIS|H1|HUB|HUB|20250301083000||ADT^A01^ADT_A01|C1|P|2.4|||AL|NE|CHN|" + msh18
        + "\rPID|1||M1^^^^MR||张^三丰\r";
  }

  @Test
  void gb18030MessageDecodesToChineseName() {
    byte[] raw = msg("GB 18030-2000").getBytes(GB18030);
    var r = (Hl7v2Decoder.Decoded) Hl7v2Decoder.decode(raw, StandardCharsets.UTF_8);
    assertThat(r.message().text()).contains("张^三丰");
    assertThat(r.message().charset()).isEqualTo(GB18030);
    assertThat(r.message().declaredCharset()).isEqualTo("GB 18030-2000");
  }

  @Test
  void emptyMsh18FallsBackToTheSendersDefault() {
    byte[] raw = msg("").getBytes(GB18030);
    var r = (Hl7v2Decoder.Decoded) Hl7v2Decoder.decode(raw, GB18030);
    assertThat(r.message().text()).contains("张^三丰");
    assertThat(r.message().declaredCharset()).isEmpty();
  }

  @Test
  void msh18IsReadWithTheMessagesOwnFieldSeparator() {
    byte[] raw = msg("GB 18030-2000").replace('|', '#').getBytes(GB18030);
    var r = (Hl7v2Decoder.Decoded) Hl7v2Decoder.decode(raw, StandardCharsets.ISO_8859_1);
    assertThat(r.message().text()).contains("张^三丰");
  }

  @Test
  void unknownCharsetIsARejectionAtMsh18() {
    var r = (Hl7v2Decoder.Failed) Hl7v2Decoder.decode(msg("EBCDIC").getBytes(StandardCharsets.US_ASCII), StandardCharsets.UTF_8);
    assertThat(r.error().ack()).isEqualTo(AckCode.AR);
    assertThat(r.error().location().toString()).isEqualTo("MSH^1^18");
    assertThat(r.error().code().code()).isEqualTo("103");
  }

  @Test
  void bytesNotValidInTheDeclaredCharsetAreAContentError() {
    var r = (Hl7v2Decoder.Failed) Hl7v2Decoder.decode(msg("UNICODE UTF-8").getBytes(GB18030), StandardCharsets.UTF_8);
    assertThat(r.error().ack()).isEqualTo(AckCode.AE);
    assertThat(r.error().code().code()).isEqualTo("102");
  }

  @ParameterizedTest
  @CsvSource({
    "GB 18030-2000, GB18030", "GB18030, GB18030", "gb18030, GB18030", "GBK, GBK", "GB 2312, GBK", "GB2312, GBK",
    "UNICODE UTF-8, UTF-8", "UNICODE, UTF-8", "UTF-8, UTF-8", "ASCII, US-ASCII", "8859/1, ISO-8859-1",
    "8859/9, ISO-8859-9", "8859/15, ISO-8859-15", "BIG-5, Big5"})
  void hl7CharsetNamesMapToJavaCharsets(String hl7, String java) {
    assertThat(Hl7Charsets.forName(hl7)).contains(Charset.forName(java));
  }

  @ParameterizedTest
  @CsvSource({"UNICODE UTF-16", "UNICODE UTF-32", "ISO IR87", "EBCDIC"})
  void charsetsTheHubCannotReadAreUnknown(String hl7) {
    assertThat(Hl7Charsets.forName(hl7)).isEmpty();
  }

  @Test
  void ackIsEncodedInTheSendersCharset() {
    assertThat(Hl7v2Decoder.encode("MSA|AA|张", GB18030)).isEqualTo("MSA|AA|张".getBytes(GB18030));
  }

  @Test
  void leadingBomAndMllpStartByteDoNotHideMsh18() {
    byte[] body = msg("GB 18030-2000").getBytes(GB18030);
    byte[] raw = new byte[body.length + 1];
    raw[0] = 0x0b;
    System.arraycopy(body, 0, raw, 1, body.length);
    assertThat(Hl7v2Decoder.readMsh18(raw)).isEqualTo("GB 18030-2000");
  }
}
