package cn.healthcard.hub.server.his;

import static cn.healthcard.hub.server.his.HisMessages.message;
import static cn.healthcard.hub.server.his.HisMessages.msa1;
import static cn.healthcard.hub.server.his.HisMessages.msh;
import static cn.healthcard.hub.server.his.HisMessages.pid;
import static cn.healthcard.hub.server.his.HisMessages.pv1;
import static cn.healthcard.hub.server.his.HisMessages.segment;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.IdentityNumbers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/**
 * A message that is acknowledged but cannot be stored becomes a dead letter with its reason,
 * listed by the admin API, and is stored once the cause is fixed and it is replayed.
 */
class DeadLetterIT extends HisIntegrationTest {

  @Test
  void twoRecordsOfOnePersonMakeADeadLetterThatReplaysOnceFixed() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1966, 6, 6));
    String mrn = "MRN-DL-" + System.nanoTime();
    String cardOnly = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + CARD + "\",\"value\":\"" + card + "\"}]}";
    HttpResponse<String> created = post("/Patient", "application/fhir+json", cardOnly);
    assertThat(created.statusCode()).isEqualTo(201);
    String cardOnlyId = FHIR.newJsonParser().parseResource(Patient.class, created.body()).getIdElement().getIdPart();

    String byMrn = message(msh("HOSP_D", "ADT^A04^ADT_A01", "DL1-" + mrn, "2.4", null),
        segment("EVN", "A04", "20261126080000+0800"),
        pid(null, mrn, "HOSP_D", "蒋", "一", "19660606", "M"), pv1("O", "V1-" + mrn, "HOSP_D"));
    assertThat(msa1(sendMllp(byMrn))).isEqualTo("AA");
    String mrnQuery = "/Patient?identifier=" + URLEncoder.encode("https://hub.healthcard.cn/fhir/NamingSystem/HOSP_D/mrn|" + mrn, StandardCharsets.UTF_8);
    awaitTotal(mrnQuery, 1);

    String controlId = "DL2-" + mrn;
    String withBoth = message(msh("HOSP_D", "ADT^A08^ADT_A01", controlId, "2.4", null),
        segment("EVN", "A08", "20261126090000+0800"),
        pid(card, mrn, "HOSP_D", "蒋", "一", "19660606", "M"), pv1("O", "V1-" + mrn, "HOSP_D"));
    assertThat(msa1(sendMllp(withBoth))).isEqualTo("AA");

    String deadLetters = awaitDeadLetter(controlId);
    assertThat(deadLetters).contains("\"sendingFacility\":\"HOSP_D\"").contains("ADT^A08").contains("matches 2");
    assertThat(deadLetters).doesNotContain(card).doesNotContain("蒋");

    assertThat(http.send(HttpRequest.newBuilder(URI.create(base() + "/Patient/" + cardOnlyId)).DELETE().build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    long id = Long.parseLong(deadLetters.replaceAll("(?s).*\\{\"id\":(\\d+),\"sendingFacility\":\"HOSP_D\",\"controlId\":\"" + controlId + "\".*", "$1"));
    assertThat(admin("POST", "/dead-letters/" + id + "/replay")).contains("\"replayed\":[" + id + "]");

    Bundle byCard = awaitTotal("/Patient?identifier=" + URLEncoder.encode(CARD + "|" + card, StandardCharsets.UTF_8), 1);
    Patient merged = (Patient) byCard.getEntry().get(0).getResource();
    assertThat(merged.getIdentifier()).extracting(i -> i.getValue()).contains(card, mrn);
    assertThat(admin("GET", "/dead-letters")).doesNotContain(controlId);
  }

  @Test
  void replayingSomethingThatIsNotADeadLetterIs404() throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
            URI.create("http://localhost:" + port + "/admin/hl7v2/dead-letters/999999999/replay"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(404);
  }

  private String awaitDeadLetter(String controlId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String body = admin("GET", "/dead-letters");
    while (!body.contains(controlId) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      body = admin("GET", "/dead-letters");
    }
    assertThat(body).contains(controlId);
    return body;
  }

  private Bundle awaitTotal(String query, int expected) throws InterruptedException {
    Bundle b = await(query, found -> found.getEntry().size() == expected);
    assertThat(b.getEntry()).hasSize(expected);
    return b;
  }
}
