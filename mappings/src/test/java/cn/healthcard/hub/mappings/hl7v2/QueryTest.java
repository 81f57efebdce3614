package cn.healthcard.hub.mappings.hl7v2;

import static cn.healthcard.hub.mappings.hl7v2.Messages.CARD;
import static cn.healthcard.hub.mappings.hl7v2.Messages.QBP_Q11;
import static cn.healthcard.hub.mappings.hl7v2.Messages.with;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.hl7v2.qbp.QueryAnswer;
import cn.healthcard.hub.mappings.hl7v2.qbp.RspK11Builder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class QueryTest {

  static InboundResult.Query query(String message) {
    InboundResult r = TestMessages.process(TestMessages.utf8(message));
    assertThat(r).as(() -> r.ack().replace('\r', '\n')).isInstanceOf(InboundResult.Query.class);
    return (InboundResult.Query) r;
  }

  static String rsp(InboundResult.Query q, QueryAnswer a) {
    return RspK11Builder.build(q, a, ImmunizationGoldenFilesTest.RSP_CONTEXT);
  }

  @Test
  void aZ34QueryIsReadWithTheCardNumberFirstAndIsNotStored() {
    InboundResult.Query q = query(QBP_Q11);
    assertThat(q.key()).isEqualTo(new MessageKey("TESTHOSP", "CTRL-5"));
    assertThat(q.queryName()).isEqualTo("Z34");
    assertThat(q.queryTag()).isEqualTo("Q-1");
    assertThat(q.quantityLimit()).hasValue(5);
    assertThat(q.parameters().identifiers()).extracting(i -> i.getSystem() + "|" + i.getValue())
        .containsExactly("urn:oid:2.16.156.10011.1.19|" + CARD, "urn:oid:2.999.86.1|M0001");
    assertThat(q.parameters().cardNumber().orElseThrow().getValue()).isEqualTo(CARD);
    assertThat(q.parameters().identifierSearch()).contains(
        "identifier=urn:oid:2.16.156.10011.1.19|" + CARD + ",urn:oid:2.999.86.1|M0001");
    assertThat(q.parameters().gender()).contains(AdministrativeGender.MALE);
    assertThat(q.parameters().birthDate()).contains("1980-01-01");
    assertThat(q.parameters().demographicSearch()).contains(
        "family=%E6%B5%8B%E8%AF%95&given=%E7%94%B2&birthdate=1980-01-01&gender=male");
  }

  @Test
  void aLegacyFifteenDigitCardInQpd3IsNormalised() {
    InboundResult.Query q = query(with(QBP_Q11, "QPD", 3, "800101001^^^&2.16.156.10011.1.19&ISO".replace("800101001",
        "110101800101001")));
    assertThat(q.parameters().cardNumber().orElseThrow().getValue()).isEqualTo(CARD);
  }

  @Test
  void aQueryByNameAndBirthDateAloneIsAnswerable() {
    InboundResult.Query q = query(with(QBP_Q11, "QPD", 3, ""));
    assertThat(q.parameters().identifiers()).isEmpty();
    assertThat(q.parameters().identifierSearch()).isEmpty();
    assertThat(q.parameters().demographicSearch()).isPresent();
  }

  @Test
  void whenTheSearchFailsTheFallbackReplyIsAnRspWithAe207() {
    InboundResult.Query q = query(QBP_Q11);
    assertThat(q.ackCode().name()).isEqualTo("AE");
    assertThat(TestMessages.field(q.ack(), "MSH", 1, 9)).isEqualTo("RSP^K11^RSP_K11");
    assertThat(TestMessages.field(q.ack(), "MSA", 1, 1)).isEqualTo("AE");
    assertThat(TestMessages.field(q.ack(), "ERR", 1, 3)).startsWith("207^");
    assertThat(TestMessages.field(q.ack(), "QAK", 1, 1)).isEqualTo("Q-1");
    assertThat(TestMessages.field(q.ack(), "QAK", 1, 2)).isEqualTo("AE");
    assertThat(new String(q.ackBytes(), StandardCharsets.UTF_8)).isEqualTo(q.ack());
  }

  @Test
  void moreCandidatesThanRcp2AllowsIsTooMany() {
    InboundResult.Query q = query(with(QBP_Q11, "RCP", 2, "1^RD&records&HL70126"));
    Patient a = new Patient();
    a.addName().setFamily("测试").addGiven("甲");
    Patient b = a.copy();
    String reply = rsp(q, new QueryAnswer.Candidates(List.of(a, b)));
    assertThat(TestMessages.field(reply, "QAK", 1, 2)).isEqualTo("TM");
    assertThat(TestMessages.field(reply, "MSH", 1, 21)).isEqualTo("Z33^CDCPHINVS");
    assertThat(TestMessages.segment(reply, "PID", 1)).isNull();
    String one = rsp(q, new QueryAnswer.Candidates(List.of(a)));
    assertThat(TestMessages.field(one, "QAK", 1, 2)).isEqualTo("OK");
    assertThat(TestMessages.field(one, "MSH", 1, 21)).isEqualTo("Z32^CDCPHINVS");
  }

  @Test
  void enteredInErrorDosesAreNotReturnedAndTheHistoryIsOldestFirst() {
    InboundResult.Query q = query(QBP_Q11);
    Stored stored = ImmunizationGoldenFilesTest.stored();
    List<Immunization> doses = new java.util.ArrayList<>(stored.immunizations());
    java.util.Collections.reverse(doses);
    Immunization deleted = doses.get(0).copy().setStatus(Immunization.ImmunizationStatus.ENTEREDINERROR);
    deleted.setLotNumber("DELETED");
    doses.add(deleted);
    String reply = rsp(q, new QueryAnswer.Found(stored.patient(), doses, List.of(ImmunizationGoldenFilesTest.forecast()),
        stored.referenced()));
    assertThat(reply).doesNotContain("DELETED").doesNotContain("998^");
    assertThat(RspRoundTripTest.segments(reply, "RXA")).extracting(f -> f[3])
        .containsExactly("20250115", "20250115", "20250415102000+0800");
  }

  @Test
  void textIsEscapedWithTheSendersDelimiters() {
    InboundResult.Query q = query(QBP_Q11);
    Patient p = new Patient();
    p.addName().setFamily("O|Brien^Jr");
    p.addIdentifier().setSystem("urn:oid:2.999.86.1").setValue("A&B");
    String reply = rsp(q, new QueryAnswer.Found(p, List.of(), List.of(), List.of()));
    assertThat(TestMessages.field(reply, "PID", 1, 5)).isEqualTo("O\\F\\Brien\\S\\Jr");
    assertThat(TestMessages.field(reply, "PID", 1, 3)).isEqualTo("A\\T\\B^^^&2.999.86.1&ISO");
    assertThat(AckParsing.parsesAs(reply, "RSP_K11")).isTrue();
  }

  @Test
  void theQueryAsFhirParametersNamesQueryAndTag() {
    var p = query(QBP_Q11).toParameters();
    assertThat(p.getMeta().getTag()).extracting(c -> c.getSystem() + "|" + c.getCode()).containsExactly(
        "urn:oid:2.16.840.1.113883.12.471|Z34", "https://hub.healthcard.cn/fhir/NamingSystem/TESTHOSP/query-tag|Q-1");
    assertThat(p.getParameter()).extracting(x -> x.getName()).containsExactly("patient.identifier", "patient.identifier",
        "patient.name", "patient.birthdate", "patient.gender", "_count");
    assertThat(Optional.of(p.getMeta().getTagFirstRep().getDisplay())).contains("Request Immunization History");
  }
}
