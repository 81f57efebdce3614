package cn.healthcard.hub.server.his;

import static cn.healthcard.hub.server.his.HisMessages.adt;
import static cn.healthcard.hub.server.his.HisMessages.field;
import static cn.healthcard.hub.server.his.HisMessages.message;
import static cn.healthcard.hub.server.his.HisMessages.msa1;
import static cn.healthcard.hub.server.his.HisMessages.msh;
import static cn.healthcard.hub.server.his.HisMessages.pid;
import static cn.healthcard.hub.server.his.HisMessages.pv1;
import static cn.healthcard.hub.server.his.HisMessages.segment;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.routes.mllp.MllpClient;
import cn.healthcard.hub.server.IdentityNumbers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

class HisIntakeIT extends HisIntegrationTest {
  private static final Charset GB18030 = Charset.forName("GB18030");
  private static final AtomicInteger CONTROL = new AtomicInteger();

  private static String controlId() {
    return "T" + System.nanoTime() % 1_000_000_000L + "-" + CONTROL.incrementAndGet();
  }

  private static String visitSystem(String facility) {
    return "https://hub.healthcard.cn/fhir/NamingSystem/" + facility + "/visit";
  }

  @Test
  void admissionOverMllpIsAcknowledgedAndStoredWithTheOriginalMessage() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1975, 3, 7));
    String visit = "V" + controlId();
    String ack = sendMllp(adt("A01", "HOSP_A", controlId(), card, "MRN" + controlId(), visit, "王", "小明", "19750307", "M"));
    assertThat(msa1(ack)).isEqualTo("AA");

    Bundle patients = awaitAtLeast("/Patient?identifier=" + token(CARD, card), 1);
    assertThat(patients.getEntry()).hasSize(1);
    Patient patient = (Patient) patients.getEntry().get(0).getResource();
    assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("王");
    Bundle encounters = awaitAtLeast("/Encounter?identifier=" + token(visitSystem("HOSP_A"), visit), 1);
    assertThat(encounters.getEntry()).hasSize(1);
    Encounter encounter = (Encounter) encounters.getEntry().get(0).getResource();
    assertThat(encounter.getSubject().getReferenceElement().getIdPart()).isEqualTo(patient.getIdElement().getIdPart());

    Bundle provenance = awaitAtLeast("/Provenance?target=" + encounter.getIdElement().toUnqualifiedVersionless().getValue(), 1);
    assertThat(provenance.getEntry()).hasSize(1);
    Provenance p = (Provenance) provenance.getEntry().get(0).getResource();
    String binaryId = p.getEntityFirstRep().getWhat().getReferenceElement().getIdPart();
    Binary binary = FHIR.newJsonParser().parseResource(Binary.class, get("/Binary/" + binaryId + "?_format=json").body());
    assertThat(new String(binary.getData(), StandardCharsets.UTF_8)).contains("ADT^A01").contains(visit);
  }

  @Test
  void gb18030MessageKeepsChineseNamesAndIsAnsweredInGb18030() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1968, 11, 2));
    String controlId = controlId();
    String text = message(
        msh("HOSP_GB", "ADT^A04^ADT_A01", controlId, "2.4", "GB 18030-2000"),
        segment("EVN", "A04", "20261126093000+0800"),
        pid(card, "MRN" + controlId, "HOSP_GB", "张", "三丰", "19681102", "1"),
        pv1("O", "V" + controlId, "HOSP_GB"));
    byte[] ack = sendMllp(text.getBytes(GB18030));
    String ackText = new String(ack, GB18030);
    assertThat(msa1(ackText)).isEqualTo("AA");
    assertThat(field(ackText, "MSH", 17)).isEqualTo("GB 18030-2000");

    Bundle patients = awaitAtLeast("/Patient?identifier=" + token(CARD, card), 1);
    Patient patient = (Patient) patients.getEntry().get(0).getResource();
    assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("张");
    assertThat(patient.getNameFirstRep().getGivenAsSingleString()).isEqualTo("三丰");
    assertThat(patient.getGender().toCode()).isEqualTo("male");
  }

  @Test
  void senderWithoutMsh18IsDecodedWithItsConfiguredDefault() throws Exception {
    // hub.hl7v2.sender-charsets[HOSP_GBK]=GBK is set for the test run (HubIntegrationTest)
    String card = IdentityNumbers.next(LocalDate.of(1990, 1, 15));
    String controlId = controlId();
    String text = message(
        msh("HOSP_GBK", "ADT^A04^ADT_A01", controlId, "2.4", null),
        segment("EVN", "A04", "20261126093000+0800"),
        pid(card, "MRN" + controlId, "HOSP_GBK", "欧阳", "娜娜", "19900115", "F"),
        pv1("O", "V" + controlId, "HOSP_GBK"));
    String ack = new String(sendMllp(text.getBytes(Charset.forName("GBK"))), Charset.forName("GBK"));
    assertThat(msa1(ack)).isEqualTo("AA");
    Patient patient = (Patient) awaitAtLeast("/Patient?identifier=" + token(CARD, card), 1).getEntry().get(0).getResource();
    assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("欧阳");
  }

  @Test
  void duplicateControlIdIsAcknowledgedWithTheOriginalAckButNotStoredTwice() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1981, 5, 5));
    String controlId = controlId();
    String msg = adt("A01", "HOSP_A", controlId, card, "MRN" + controlId, "V" + controlId, "李", "雷", "19810505", "M");
    String first = sendMllp(msg);
    String second = sendMllp(msg);
    assertThat(msa1(first)).isEqualTo("AA");
    assertThat(second).isEqualTo(first);
    awaitAtLeast("/Patient?identifier=" + token(CARD, card), 1);
    awaitInboxDrained();
    Bundle encounters = search("/Encounter?identifier=" + token(visitSystem("HOSP_A"), "V" + controlId));
    assertThat(encounters.getEntry()).hasSize(1);
    String encounterId = encounters.getEntry().get(0).getResource().getIdElement().getIdPart();
    assertThat(get("/Encounter/" + encounterId + "/_history").body()).contains("\"total\":1");
    // one Provenance (and so one stored original message) for the message, not two
    assertThat(search("/Provenance?target=Encounter/" + encounterId).getEntry()).hasSize(1);
  }

  @Test
  void invalidCardNumberGetsAeNamingPid3AndNothingIsStored() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1970, 1, 1));
    String broken = card.substring(0, 17) + (card.charAt(17) == '1' ? "2" : "1");
    String ack = sendMllp(adt("A01", "HOSP_A", controlId(), broken, "MRN" + controlId(), "V" + controlId(), "赵", "四", "19700101", "M"));
    assertThat(msa1(ack)).isEqualTo("AE");
    assertThat(field(ack, "ERR", 2)).startsWith("PID^1^3");
    assertThat(field(ack, "ERR", 4)).isEqualTo("E");
    assertThat(ack).doesNotContain(broken).doesNotContain("赵");
    assertThat(search("/Patient?identifier=" + token(CARD, broken)).getEntry()).isEmpty();
  }

  @Test
  void birthDateContradictingTheCardGetsAeNamingPid7() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1985, 6, 1));
    String ack = sendMllp(adt("A08", "HOSP_A", controlId(), card, "MRN" + controlId(), "V" + controlId(), "钱", "五", "19850602", "F"));
    assertThat(msa1(ack)).isEqualTo("AE");
    assertThat(field(ack, "ERR", 2)).startsWith("PID^1^7");
  }

  @Test
  void unsupportedMessageTypeGetsAr() throws Exception {
    String ack = sendMllp(message(msh("HOSP_A", "MFN^M02^MFN_M02", controlId(), "2.4", null), "MFI|PRA"));
    assertThat(msa1(ack)).isEqualTo("AR");
    assertThat(field(ack, "ERR", 3)).startsWith("200");
  }

  @Test
  void unsupportedVersionGetsAr() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1985, 6, 1));
    String ack = sendMllp(adt("A01", "HOSP_A", controlId(), card, "M1", "V1", "孙", "六", "19850601", "M").replace("|P|2.4|", "|P|3.0|"));
    assertThat(msa1(ack)).isEqualTo("AR");
    assertThat(field(ack, "ERR", 3)).startsWith("203");
  }

  @Test
  void garbageStillGetsAnAckAndTheConnectionStaysUsable() throws Exception {
    registerHospital("HOSP_A");
    try (MllpClient client = new MllpClient("localhost", MLLP_PORT, Duration.ofSeconds(30))) {
      String ack = new String(client.send("this is not HL7".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
      assertThat(msa1(ack)).isIn("AR", "AE");
      String card = IdentityNumbers.next(LocalDate.of(1999, 9, 9));
      String second = new String(client.send(adt("A04", "HOSP_A", controlId(), card, "MRN" + controlId(), "V" + controlId(),
          "周", "七", "19990909", "M").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
      assertThat(msa1(second)).isEqualTo("AA");
    }
  }

  @Test
  void httpEndpointAnswersWithTheAck() throws Exception {
    registerHospital("HOSP_H");
    String card = IdentityNumbers.next(LocalDate.of(2001, 2, 3));
    String controlId = controlId();
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/hl7v2"))
            .header("Content-Type", "x-application/hl7-v2+er7")
            .POST(HttpRequest.BodyPublishers.ofString(
                adt("A04", "HOSP_H", controlId, card, "MRN" + controlId, "V" + controlId, "吴", "八", "20010203", "F")))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("hl7-v2"));
    assertThat(msa1(response.body())).isEqualTo("AA");
    assertThat(field(response.body(), "MSA", 2)).isEqualTo(controlId);
    assertThat(awaitAtLeast("/Patient?identifier=" + token(CARD, card), 1).getEntry()).hasSize(1);
  }

  @Test
  void oversizedHttpBodyIs413BeforeItIsRead() throws Exception {
    byte[] body = new byte[65 * 1024 * 1024];
    java.util.Arrays.fill(body, (byte) 'x');
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/hl7v2"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void thirtyTwoConcurrentConnectionsAreAllServed() throws Exception {
    registerHospital("HOSP_C");
    int connections = 32;
    ExecutorService pool = Executors.newFixedThreadPool(connections);
    List<Future<List<String>>> results = new ArrayList<>();
    List<String> cards = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      String card = IdentityNumbers.next(LocalDate.of(1960, 1, 1).plusDays(c));
      cards.add(card);
      String birth = card.substring(6, 14);
      Callable<List<String>> task = () -> {
        List<String> acks = new ArrayList<>();
        try (MllpClient client = new MllpClient("localhost", MLLP_PORT, Duration.ofSeconds(60))) {
          for (int i = 0; i < 3; i++) {
            String id = controlId();
            acks.add(msa1(new String(client.send(adt("A04", "HOSP_C", id, card, "MRN-" + card.substring(14) + "-" + birth, "V" + id,
                "郑", "九", birth, "M").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)));
          }
        }
        return acks;
      };
      results.add(pool.submit(task));
    }
    for (Future<List<String>> f : results) {
      assertThat(f.get()).containsOnly("AA").hasSize(3);
    }
    pool.shutdown();
    for (String card : cards) {
      assertThat(awaitAtLeast("/Patient?identifier=" + token(CARD, card), 1).getEntry()).hasSize(1);
    }
  }

  @Test
  void metricsCountMessagesPerSenderTypeAndOutcome() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1977, 7, 7));
    sendMllp(adt("A01", "HOSP_M", controlId(), card, "MRN" + controlId(), "V" + controlId(), "冯", "十", "19770707", "M"));
    awaitAtLeast("/Patient?identifier=" + token(CARD, card), 1);
    HttpResponse<String> metric = http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/actuator/metrics/hub.hl7v2.messages?tag=sender:HOSP_M&tag=type:ADT%5EA01&tag=outcome:accepted")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(metric.statusCode()).isEqualTo(200);
    assertThat(metric.body()).contains("\"value\":1.0");
  }

  @Test
  void noLogLineContainsAChineseNameFromAMessage() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1955, 5, 5));
    sendMllp(adt("A01", "HOSP_A", controlId(), card, "MRN" + controlId(), "V" + controlId(), "褚", "卫国", "19550505", "M"));
    awaitAtLeast("/Patient?identifier=" + token(CARD, card), 1);
    List<String> lines = Files.readAllLines(LOG_FILE, StandardCharsets.UTF_8);
    assertThat(lines).noneMatch(l -> l.contains("卫国") || l.contains(card));
  }
}
