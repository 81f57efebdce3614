package cn.healthcard.hub.mappings.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.fhirpath.IFhirPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The public IZ Gateway sample messages (MIT licence, {@code hl7v2/izgateway/LICENSE}) with their
 * FHIRPath assertions ({@code @} lines). The file's format: a line ending in a backslash continues
 * on the next line; a line starting with a tab continues the previous one; {@code //} starts a
 * comment.
 *
 * <ul>
 *   <li>ADT messages are processed; each must be accepted, and its ACK must say what the file's
 *       "outbound ack" for it says (MSA-1, MSA-2, MSH-9 type and trigger).
 *   <li>The VXU is accepted as its ACK says, and the checks in {@link #VXU_CHECKS} (the CDC
 *       guide's reading of it; the file has no {@code @} assertions on it) hold for its mapping.
 *   <li>QBP^Q11 (Z34) is answered: where the file shows the RSP to it, MSA-1, ERR and QAK-2 agree;
 *       QBP^Q22/Q23 (PIX/PDQ) and a QBP without MSH-4 are refused. RSP and QCN messages are
 *       refused (AR 200): the hub answers queries, it does not take responses.
 *   <li>The PID assertions of the first RSP^K11 express the v2-to-FHIR PID[Patient] map: its PID is
 *       sent in an ADT^A28 and the {@code Patient.} assertions are evaluated against the Bundle.
 *       Its {@code Parameters} assertions run against its QPD sent as a QBP^Q11, as
 *       {@code Query.toParameters()}. Those in {@link #DISAGREE} must fail (the README says why),
 *       the others must pass.
 *   <li>The RSP's MessageHeader, OperationOutcome and Bundle assertions are about converting an
 *       inbound response to FHIR, which the hub does not do: reported skipped.
 * </ul>
 */
class IzGatewayMessagesTest {

  /** Assertions the hub disagrees with, by their text, and why (also in the README). */
  static final Map<String, String> DISAGREE = Map.ofEntries(
      Map.entry("Parameters.meta.tag[1].exists($this.code = 'QUERY-01' and $this.system = 'QueryTag')",
          "query tag system: 'QueryTag' is not a URI; the hub scopes the tag to the sender"),
      Map.entry("Parameters.parameter.where('patient.identifier' = name and value.ofType(Identifier) .where(value = '234814' and system = 'MYEHR') .where('MR' in type.coding.code) )",
          "identifier system: a bare namespace id is not a URI (and the expression is not a boolean)"),
      Map.entry("%context.entry.where(resource.ofType(Parameters)).request.url.exists($this = '/fhir/Immunization?patient.identifier=MYEHR%7C234814')",
          "the hub searches its repository itself; the query is not a FHIR request in a Bundle"),
      Map.entry("Patient.identifier.exists(value = '234814' and system = 'MYEHR' and type.coding.code = 'MR')",
          "identifier system: a bare namespace id is not a URI; the hub scopes it to the sender"),
      Map.entry("Patient.identifier.system.exists($this = 'MYEHR')",
          "identifier system: a bare namespace id is not a URI; the hub scopes it to the sender"),
      Map.entry("Patient.extension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-race').extension .exists(url='ombCategory' and value.code='2028-9')",
          "US Core race is US realm; PID-10 is not mapped in China"),
      Map.entry("Patient.extension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-race').extension .exists(url='text' and value='ASIAN')",
          "US Core race is US realm; PID-10 is not mapped in China"),
      Map.entry("Patient.extension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity') .extension.exists(url='ombCategory' and value.code='2186-5')",
          "US Core ethnicity is US realm; PID-22 is GB 3304 ethnic group in China"),
      Map.entry("Patient.extension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity') .extension.exists(url='text' and value='not HISPANIC')",
          "US Core ethnicity is US realm; PID-22 is GB 3304 ethnic group in China"));

  static final IFhirPath FHIR_PATH = TestMessages.FHIR.newFhirPath();

  record Message(String section, List<String> segments, List<String> assertions) {
    String msh(int field) {
      String[] f = segments.get(0).split("\\|", -1);
      return field - 1 < f.length ? f[field - 1] : "";
    }

    String type() {
      return msh(9).split("\\^", -1)[0];
    }

    String text() {
      return String.join("\r", segments) + "\r";
    }
  }

  static List<Message> messages() throws IOException {
    String file;
    try (InputStream in = IzGatewayMessagesTest.class.getResourceAsStream("/hl7v2/izgateway/izgateway-messages.txt")) {
      file = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<String> logical = new ArrayList<>();
    boolean continues = false;
    for (String line : file.split("\r?\n", -1)) {
      String stripped = line.strip();
      if (continues) {
        String joined = logical.remove(logical.size() - 1) + stripped;
        continues = joined.endsWith("\\");
        logical.add(continues ? joined.substring(0, joined.length() - 1) : joined);
        continue;
      }
      if (line.startsWith("\t") && stripped.startsWith("//")) {
        continue;
      }
      if (line.startsWith("\t") && !stripped.startsWith("@") && !logical.isEmpty()) {
        logical.set(logical.size() - 1, logical.get(logical.size() - 1) + stripped);
        continue;
      }
      continues = stripped.endsWith("\\") && !stripped.startsWith("#");
      logical.add(continues ? stripped.substring(0, stripped.length() - 1) : stripped);
    }
    List<Message> out = new ArrayList<>();
    Message current = null;
    String section = "";
    for (String l : logical) {
      if (l.startsWith("#")) {
        section = l.substring(1).strip();
        current = null;
      } else if (l.isEmpty()) {
        current = null;
      } else if (l.startsWith("MSH")) {
        current = new Message(section, new ArrayList<>(List.of(l)), new ArrayList<>());
        out.add(current);
      } else if (current != null && l.startsWith("@")) {
        current.assertions().add(withoutComment(l.substring(1)));
      } else if (current != null && l.matches("[A-Z][A-Z0-9]{2}\\|.*")) {
        current.segments().add(l);
      }
    }
    return out;
  }

  static String withoutComment(String s) {
    boolean quoted = false;
    for (int i = 0; i + 1 < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
      } else if (!quoted && c == '/' && s.charAt(i + 1) == '/') {
        return s.substring(0, i).strip().replaceAll("\\s+", " ");
      }
    }
    return s.strip().replaceAll("\\s+", " ");
  }

  @TestFactory
  Stream<DynamicTest> izGatewayMessages() throws IOException {
    List<Message> all = messages();
    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      Message m = all.get(i);
      String name = m.msh(9) + " " + m.msh(10);
      Message next = i + 1 < all.size() ? all.get(i + 1) : null;
      switch (m.type()) {
        case "ADT" -> tests.add(DynamicTest.dynamicTest("ADT " + name + " is accepted as its outbound ACK says",
            () -> adtIsAccepted(m, next)));
        case "VXU" -> tests.add(DynamicTest.dynamicTest("VXU " + name + " is accepted as its ACK says",
            () -> vxuIsAccepted(m, next)));
        case "QBP" -> tests.add(DynamicTest.dynamicTest("QBP " + name + " is answered as the README says",
            () -> queryIsAnswered(m, next)));
        case "ACK" -> tests.add(DynamicTest.dynamicTest("ACK " + name, () -> Assumptions.assumeTrue(false,
            "an expected ACK: checked with the message it answers")));
        default -> tests.add(DynamicTest.dynamicTest(m.type() + " " + name + " is refused (AR 200)",
            () -> responseIsRefused(m)));
      }
    }
    Message rsp = all.get(0);
    for (String a : rsp.assertions()) {
      if (a.startsWith("Patient.")) {
        tests.add(DynamicTest.dynamicTest("PID[Patient] " + a, () -> pidAssertion(rsp, a)));
      } else if (a.startsWith("Parameters.") || a.startsWith("%context")) {
        tests.add(DynamicTest.dynamicTest("QPD[Parameters] " + a, () -> qpdAssertion(rsp, a)));
      } else {
        tests.add(DynamicTest.dynamicTest("RSP " + a, () -> Assumptions.abort(
            "the hub answers queries with RSP^K11, it does not convert inbound responses to FHIR (README)")));
      }
    }
    for (String check : VXU_CHECKS) {
      Message vxu = all.stream().filter(x -> x.type().equals("VXU")).findFirst().orElseThrow();
      tests.add(DynamicTest.dynamicTest("VXU[Immunization] " + check, () -> assertThat(
          evaluate(TestMessages.accepted(vxu.text().getBytes(StandardCharsets.UTF_8)).mapped().transaction(), check))
          .as(check).isTrue()));
    }
    return tests.stream();
  }

  static void adtIsAccepted(Message m, Message expectedAck) {
    InboundResult.Accepted a = TestMessages.accepted(m.text().getBytes(StandardCharsets.UTF_8));
    Bundle b = a.mapped().transaction();
    for (String assertion : m.assertions()) {
      assertThat(evaluate(b, assertion)).as(assertion).isTrue();
    }
    if (expectedAck != null && expectedAck.type().equals("ACK")) {
      String[] expectedMsa = expectedAck.segments().stream().filter(s -> s.startsWith("MSA|")).findFirst()
          .orElseThrow().split("\\|", -1);
      assertThat(TestMessages.field(a.ack(), "MSA", 1, 1)).isEqualTo(expectedMsa[1]);
      assertThat(TestMessages.field(a.ack(), "MSA", 1, 2)).isEqualTo(expectedMsa[2]);
      assertThat(TestMessages.field(a.ack(), "MSH", 1, 9)).startsWith(expectedAck.msh(9));
      assertThat(TestMessages.field(a.ack(), "MSH", 1, 12)).isEqualTo(expectedAck.msh(12));
    }
  }

  /**
   * The file's VXU (the CDC guide's example) has no {@code @} assertions; these state what its
   * comments and the guide say the message means, in the hub's mapping.
   */
  static final List<String> VXU_CHECKS = List.of(
      "Immunization.count() = 3",
      "Immunization.all(status = 'completed')",
      "Immunization.identifier.where(type.coding.code = 'FILL').value.count() = 3",
      "Immunization[0].vaccineCode.coding.exists(system = 'http://hl7.org/fhir/sid/cvx' and code = '85')",
      "Immunization[0].primarySource = false",
      "Immunization[0].reportOrigin.coding.code = '01'",
      "Immunization[0].doseQuantity.empty()",
      "Immunization[0].occurrence.toString() = '2011-04-15'",
      "Immunization[1].vaccineCode.coding.exists(system = 'http://hl7.org/fhir/sid/cvx' and code = '110')",
      "Immunization[1].primarySource = true",
      "Immunization[1].doseQuantity.value = 0.5",
      "Immunization[1].doseQuantity.code = 'mL'",
      "Immunization[1].lotNumber = 'xy3939'",
      "Immunization[1].expirationDate.toString() = '2014-12-12'",
      "Immunization[1].manufacturer.identifier.exists(system = 'http://hl7.org/fhir/sid/mvx' and value = 'SKB')",
      "Immunization[1].performer.where(function.coding.code = 'AP').actor.display = 'Nurse Sticker'",
      "Immunization[1].performer.where(function.coding.code = 'OP').actor.display = 'Mary Pediatric'",
      "Immunization[1].location.display = 'DCS_DC'",
      "Immunization[1].route.coding.exists(system = 'http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl' and code = 'C28161')",
      "Immunization[1].route.coding.exists(system = 'http://terminology.hl7.org/CodeSystem/v2-0162' and code = 'IM')",
      "Immunization[1].site.coding.exists(system = 'http://terminology.hl7.org/CodeSystem/v2-0163' and code = 'RT')",
      "Immunization[1].programEligibility.coding.exists(system = 'http://terminology.hl7.org/CodeSystem/v2-0064' and code = 'V02')",
      "Immunization[1].education.exists(documentType = '253088698300026411121116' and presentationDate.toString() = '2012-01-13')",
      "Immunization[1].recorded.toString() = '2012-01-13'",
      "Immunization[2].vaccineCode.coding.exists(system = 'http://hl7.org/fhir/sid/cvx' and code = '48')",
      "Immunization[2].site.coding.exists(code = 'LT')",
      "Immunization[2].manufacturer.identifier.value = 'PMC'",
      "Patient.identifier.exists(value = '432155' and type.coding.code = 'MR')",
      "Patient.name.given.first() = 'Johnny'",
      "Patient.contact.relationship.coding.exists(code = 'MTH')",
      "Provenance.activity.coding.code = 'V04'");

  static void vxuIsAccepted(Message m, Message expectedAck) {
    InboundResult.Accepted a = TestMessages.accepted(m.text().getBytes(StandardCharsets.UTF_8));
    Bundle b = a.mapped().transaction();
    for (String assertion : m.assertions()) {
      assertThat(evaluate(b, assertion)).as(assertion).isTrue();
    }
    assertThat(a.mapped().doses()).hasSize(3);
    assertThat(expectedAck.type()).isEqualTo("ACK");
    String[] expectedMsa = expectedAck.segments().stream().filter(x -> x.startsWith("MSA|")).findFirst()
        .orElseThrow().split("\\|", -1);
    assertThat(TestMessages.field(a.ack(), "MSA", 1, 1)).isEqualTo(expectedMsa[1]);
    // the file's ACK answers another control id (9299381); the hub answers this message's
    assertThat(TestMessages.field(a.ack(), "MSA", 1, 2)).isEqualTo(m.msh(10));
    assertThat(TestMessages.field(a.ack(), "MSH", 1, 9)).isEqualTo(expectedAck.msh(9));
    assertThat(TestMessages.field(a.ack(), "MSH", 1, 12)).isEqualTo(expectedAck.msh(12));
  }

  /**
   * QBP^Q11 Z34 is answered; where the file shows the answer to an erroneous query (an RSP with
   * MSA AE), the hub's answer says the same. PIX/PDQ queries (Q22, Q23) and a QBP without MSH-4
   * are refused (README).
   */
  static void queryIsAnswered(Message m, Message next) {
    InboundResult r = TestMessages.process(m.text().getBytes(StandardCharsets.UTF_8));
    String trigger = m.msh(9).split("\\^", -1)[1];
    if (!trigger.equals("Q11")) {
      assertThat(r.ackCode().name()).isEqualTo("AR");
      assertThat(TestMessages.field(r.ack(), "ERR", 1, 2)).isEqualTo("MSH^1^9^1^2");
      assertThat(TestMessages.field(r.ack(), "ERR", 1, 3)).startsWith("201^");
      return;
    }
    if (m.msh(4).isEmpty() && m.msh(3).isEmpty()) {
      assertThat(r.ackCode().name()).isEqualTo("AR");
      assertThat(TestMessages.field(r.ack(), "ERR", 1, 2)).isEqualTo("MSH^1^4");
      return;
    }
    assertThat(next).as("the file shows the answer").isNotNull();
    assertThat(next.type()).isEqualTo("RSP");
    String expectedText = next.text();
    String expectedMsa = TestMessages.field(expectedText, "MSA", 1, 1);
    assertThat(TestMessages.field(r.ack(), "MSH", 1, 9)).isEqualTo("RSP^K11^RSP_K11");
    assertThat(TestMessages.field(r.ack(), "MSA", 1, 1)).isEqualTo(expectedMsa);
    assertThat(TestMessages.field(r.ack(), "MSA", 1, 2)).isEqualTo(m.msh(10));
    if (!expectedMsa.equals("AA")) {
      assertThat(TestMessages.field(r.ack(), "ERR", 1, 2)).isEqualTo(TestMessages.field(expectedText, "ERR", 1, 2));
      assertThat(TestMessages.field(r.ack(), "ERR", 1, 3).split("\\^")[0])
          .isEqualTo(TestMessages.field(expectedText, "ERR", 1, 3).split("\\^")[0]);
      assertThat(TestMessages.field(r.ack(), "QAK", 1, 2)).isEqualTo(TestMessages.field(expectedText, "QAK", 1, 2));
    }
  }

  /** Responses and cancellations (RSP, QCN) are not messages the hub takes. */
  static void responseIsRefused(Message m) {
    InboundResult.Rejected r = TestMessages.rejected(m.text().getBytes(StandardCharsets.UTF_8));
    assertThat(r.ackCode().name()).isEqualTo("AR");
    assertThat(TestMessages.field(r.ack(), "ERR", 1, 2)).isEqualTo("MSH^1^9^1^1");
  }

  /** The QPD of the first RSP, sent as the QBP^Q11 it echoes, and the query as FHIR Parameters. */
  static void qpdAssertion(Message rsp, String assertion) {
    String qpd = rsp.segments().stream().filter(x -> x.startsWith("QPD|")).findFirst().orElseThrow();
    String msh = rsp.segments().get(0).replace("RSP^K11^RSP_K11", "QBP^Q11^QBP_Q11").replace("Z32^", "Z34^");
    InboundResult r = TestMessages.process((msh + "\r" + qpd + "\r").getBytes(StandardCharsets.UTF_8));
    assertThat(r).isInstanceOf(InboundResult.Query.class);
    Bundle b = new Bundle();
    b.addEntry().setResource(((InboundResult.Query) r).toParameters());
    boolean result;
    try {
      result = evaluate(b, assertion);
    } catch (RuntimeException e) {
      result = false;
    }
    if (DISAGREE.containsKey(assertion)) {
      assertThat(result).as("the hub disagrees (%s); if this now passes, update the README", DISAGREE.get(assertion))
          .isFalse();
    } else {
      assertThat(result).as(assertion).isTrue();
    }
  }

  static void pidAssertion(Message rsp, String assertion) {
    String pid = rsp.segments().stream().filter(s -> s.startsWith("PID|")).findFirst().orElseThrow();
    String msh = rsp.segments().get(0).replace("RSP^K11^RSP_K11", "ADT^A28^ADT_A05");
    String adt = msh + "\rEVN|A28|20240618083101-0400\r" + pid + "\r";
    Bundle b = TestMessages.accepted(adt.getBytes(StandardCharsets.UTF_8)).mapped().transaction();
    boolean result = evaluate(b, assertion);
    if (DISAGREE.containsKey(assertion)) {
      assertThat(result).as("the hub disagrees (%s); if this now passes, update the README", DISAGREE.get(assertion))
          .isFalse();
    } else {
      assertThat(result).as(assertion).isTrue();
    }
  }

  /** Evaluates an assertion against the Bundle: a leading resource type means that resource of the Bundle. */
  static boolean evaluate(Bundle b, String assertion) {
    String expr = assertion.replaceFirst("^([A-Z][A-Za-z]+)(\\[(\\d+)\\])?\\.",
        "Bundle.entry.resource.ofType($1)$2.");
    List<IBase> result = FHIR_PATH.evaluate(b, expr, IBase.class);
    return result.size() == 1 && result.get(0) instanceof BooleanType bt && bt.booleanValue();
  }
}
