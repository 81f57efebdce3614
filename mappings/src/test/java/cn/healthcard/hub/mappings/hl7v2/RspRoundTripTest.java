package cn.healthcard.hub.mappings.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.hl7v2.qbp.QueryAnswer;
import cn.healthcard.hub.mappings.hl7v2.qbp.RspK11Builder;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Immunization;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * VXU -> FHIR -> RSP^K11 gives back what the VXU said: the RSP's RXA/RXR fields equal the VXU's
 * (compared by meaning: codes and systems, numbers as numbers, times as the hub reads them), and
 * the RSP's history, sent back in as a VXU, maps to the same Immunizations.
 */
class RspRoundTripTest {

  /** Fields compared by their first component (a code, a number, an id). */
  static final int[] CODED = {5, 7, 9, 15, 17, 18, 20};

  static Stream<String> vxu() throws Exception {
    return ImmunizationGoldenFilesTest.vxu().filter(n -> !n.contains("entered_in_error"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vxu")
  void rspGivesBackTheRxaAndRxrFieldsOfTheVxu(String name) {
    byte[] raw = TestMessages.wire(ImmunizationGoldenFilesTest.DIR + name + ".hl7");
    String charsetName = new String(raw, StandardCharsets.ISO_8859_1).contains("GB 18030") ? "GB18030" : "UTF-8";
    String vxu = new String(raw, java.nio.charset.Charset.forName(charsetName));
    String rsp = answer(raw);
    List<String[]> sent = segments(vxu, "RXA");
    List<String[]> back = segments(rsp, "RXA");
    assertThat(back).hasSameSizeAs(sent);
    for (int i = 0; i < sent.size(); i++) {
      String[] a = sent.get(i);
      String[] b = back.get(i);
      assertThat(ts(get(b, 3))).as("RXA-3").isEqualTo(ts(get(a, 3)));
      for (int f : CODED) {
        assertThat(first(get(b, f))).as("RXA-%d", f).isEqualTo(f == 20 && first(get(a, f)).isEmpty() ? "CP" : first(get(a, f)));
      }
      assertThat(component(get(b, 5), 3)).as("RXA-5.3").isEqualTo(component(get(a, 5), 3));
      assertThat(number(get(b, 6))).as("RXA-6").isEqualTo(number(get(a, 6).isEmpty() ? "999" : get(a, 6)));
      assertThat(ts(get(b, 16))).as("RXA-16").isEqualTo(ts(get(a, 16)));
      assertThat(component(get(b, 10), 1)).as("RXA-10.1").isEqualTo(component(get(a, 10), 1));
      assertThat(component(get(b, 11), 4)).as("RXA-11.4").isEqualTo(component(get(a, 11), 4));
    }
    List<String[]> sentRxr = segments(vxu, "RXR");
    List<String[]> backRxr = segments(rsp, "RXR");
    assertThat(backRxr).hasSameSizeAs(sentRxr);
    for (int i = 0; i < sentRxr.size(); i++) {
      assertThat(get(backRxr.get(i), 1)).as("RXR-1").isEqualTo(get(sentRxr.get(i), 1));
      assertThat(first(get(backRxr.get(i), 2))).as("RXR-2").isEqualTo(first(get(sentRxr.get(i), 2)));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vxu")
  void theRspHistorySentBackAsAVxuMapsToTheSameImmunizations(String name) {
    byte[] raw = TestMessages.wire(ImmunizationGoldenFilesTest.DIR + name + ".hl7");
    List<Immunization> first = Stored.from(TestMessages.accepted(raw).mapped().transaction()).immunizations();
    String sender = new String(raw, StandardCharsets.ISO_8859_1).split("\\|", -1)[3];
    String again = asVxu(answer(raw), sender);
    List<Immunization> second = Stored.from(TestMessages.accepted(again.getBytes(StandardCharsets.UTF_8))
        .mapped().transaction()).immunizations();
    assertThat(second).hasSameSizeAs(first);
    for (int i = 0; i < first.size(); i++) {
      assertThat(essence(second.get(i))).isEqualTo(essence(first.get(i)));
    }
  }

  /**
   * The IZ Gateway file's immunization histories (RSP^K11 Z32): each, sent as a VXU (without the
   * mock registry's ORCs that have no RXA), is accepted, and the hub's RSP gives back its RXAs.
   */
  @TestFactory
  Stream<DynamicTest> izGatewayHistoriesRoundTrip() throws Exception {
    List<DynamicTest> tests = new ArrayList<>();
    for (IzGatewayMessagesTest.Message m : IzGatewayMessagesTest.messages()) {
      if (!m.type().equals("RSP") || !m.msh(21).startsWith("Z32") || m.segments().stream().noneMatch(s -> s.startsWith("RXA|"))) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest("RSP " + m.msh(10), () -> {
        // the mock registry repeats one ORC-3 for every dose: without it the hub keys each dose itself
        String vxu = asVxu(m.text(), "MOCK").replaceAll("(?m)^ORC\\|RE\\|\\|[^|\r]*", "ORC|RE||");
        byte[] raw = vxu.getBytes(StandardCharsets.UTF_8);
        String rsp = answer(raw);
        List<String[]> sent = segments(vxu, "RXA");
        List<String[]> back = segments(rsp, "RXA");
        assertThat(back).hasSameSizeAs(sent);
        for (int i = 0; i < sent.size(); i++) {
          assertThat(ts(get(back.get(i), 3))).isEqualTo(ts(get(sent.get(i), 3)));
          assertThat(first(get(back.get(i), 5))).isEqualTo(first(get(sent.get(i), 5)));
          assertThat(first(get(back.get(i), 9))).isEqualTo(first(get(sent.get(i), 9)));
        }
      }));
    }
    assertThat(tests).isNotEmpty();
    return tests.stream();
  }

  /** The RSP^K11 (Z34, found) for what the VXU stored. */
  static String answer(byte[] vxu) {
    Stored stored = Stored.from(TestMessages.accepted(vxu).mapped().transaction());
    String qbp = String.join("\r",
        "MSH|^~\\&|EMR|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250420090000||QBP^Q11^QBP_Q11|Q-1|P|2.5.1|||ER|AL|CHN|UNICODE UTF-8|||Z34^CDCPHINVS",
        "QPD|Z34^Request Immunization History^CDCPHINVS|T-1|X1^^^^MR") + "\r";
    InboundResult.Query q = (InboundResult.Query) TestMessages.process(qbp.getBytes(StandardCharsets.UTF_8));
    return RspK11Builder.build(q,
        new QueryAnswer.Found(stored.patient(), stored.immunizations(), List.of(), stored.referenced()),
        ImmunizationGoldenFilesTest.RSP_CONTEXT);
  }

  /**
   * A message's PID, NK1 and complete ORDER groups under a VXU^V04 MSH from {@code sender}
   * (MSH-4, as written); ORCs without an RXA and their OBXs are left out.
   */
  static String asVxu(String message, String sender) {
    List<String> out = new ArrayList<>();
    out.add("MSH|^~\\&|TEST|" + sender + "|HUB|HEALTHCARD-HUB|20250420100000||VXU^V04^VXU_V04|RT-1|P|2.5.1|||AL|NE");
    String[] segs = message.split("\r");
    boolean keep = true;
    for (int i = 0; i < segs.length; i++) {
      String s = segs[i];
      if (s.startsWith("PID|") || s.startsWith("NK1|")) {
        out.add(s);
      } else if (s.startsWith("ORC|")) {
        keep = i + 1 < segs.length && segs[i + 1].startsWith("RXA|");
        if (keep) {
          out.add(s);
        }
      } else if (keep && (s.startsWith("RXA|") || s.startsWith("RXR|") || s.startsWith("OBX|"))) {
        out.add(s);
      }
    }
    return String.join("\r", out) + "\r";
  }

  static String essence(Immunization i) {
    return String.join(" | ",
        i.getStatus().toCode(),
        i.getVaccineCode().getCoding().stream().map(c -> c.getSystem() + "#" + c.getCode()).toList().toString(),
        i.getOccurrenceDateTimeType().getValueAsString(),
        String.valueOf(i.hasPrimarySource() ? i.getPrimarySource() : null),
        i.hasDoseQuantity() ? i.getDoseQuantity().getValue().toPlainString() + " " + i.getDoseQuantity().getCode() : "",
        String.valueOf(i.getLotNumber()),
        i.hasExpirationDate() ? i.getExpirationDateElement().getValueAsString() : "",
        i.hasManufacturer() ? i.getManufacturer().getIdentifier().getSystem() + "#" + i.getManufacturer().getIdentifier().getValue() : "",
        i.getSite().getCoding().stream().map(c -> c.getSystem() + "#" + c.getCode()).toList().toString(),
        i.getRoute().getCoding().stream().map(c -> c.getSystem() + "#" + c.getCode()).toList().toString(),
        i.getStatusReason().getCoding().stream().map(c -> c.getCode()).toList().toString(),
        String.valueOf(i.getIsSubpotent()),
        i.getPerformer().stream().map(p -> p.getFunction().getCodingFirstRep().getCode() + " " + p.getActor().getDisplay()).toList().toString(),
        i.getFundingSource().getCoding().stream().map(c -> c.getCode()).toList().toString(),
        i.getProgramEligibility().stream().map(c -> c.getCodingFirstRep().getCode()).toList().toString(),
        i.getEducation().stream().map(e -> e.getDocumentType() + " " + e.getPresentationDateElement().getValueAsString()).toList().toString(),
        i.hasRecorded() ? i.getRecordedElement().getValueAsString() : "");
  }

  static List<String[]> segments(String message, String id) {
    List<String[]> out = new ArrayList<>();
    for (String s : message.split("\r|\n")) {
      if (s.startsWith(id + "|")) {
        out.add(s.split("\\|", -1));
      }
    }
    return out;
  }

  static String get(String[] f, int n) {
    return n < f.length ? f[n].strip() : "";
  }

  static String first(String field) {
    return component(field, 1);
  }

  static String component(String field, int n) {
    String[] c = field.split("~", -1)[0].split("\\^", -1);
    return n <= c.length ? c[n - 1].strip() : "";
  }

  /** A TS as the hub reads it (no offset: +08:00). */
  static String ts(String v) {
    if (v.isEmpty()) {
      return "";
    }
    return cn.healthcard.hub.mappings.hl7v2.datatype.Timestamps.parse(v).map(p -> p.dateTime()).orElse("invalid " + v);
  }

  static String number(String v) {
    return new BigDecimal(v).stripTrailingZeros().toPlainString();
  }
}
