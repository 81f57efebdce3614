package cn.healthcard.hub.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * IHE PDQm's Patient search (ITI-78) on the hub, as another province's hub asks it: the PDQm
 * parameters, the mother's maiden name among them, find the person; their clinical records stay
 * out of a peer hub's reach.
 */
class PdqmSearchIT extends HubIntegrationTest {

  private static final String ID_CARD = "urn:oid:2.16.156.10011.1.3";
  private final HttpClient raw = HttpClient.newHttpClient();

  private HttpResponse<String> getAs(String token, String pathAndQuery) throws Exception {
    return raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir" + pathAndQuery))
        .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Until the local Elasticsearch node answers and every Patient write is in the person index. */
  private void awaitIndexCaughtUp() throws Exception {
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(180);
    while (true) {
      HttpResponse<String> status = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
          + "/admin/federation/person-index")).header("Authorization", "Bearer " + clients().adminToken()).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(status.statusCode()).isEqualTo(200);
      com.fasterxml.jackson.databind.JsonNode body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(status.body());
      if (body.path("indexed").isNumber() && body.path("pending").asLong() == 0) {
        return;
      }
      assertThat(java.time.Instant.now()).as("the person index did not catch up").isBefore(deadline);
      Thread.sleep(250);
    }
  }

  private static String q(String name, String value) {
    return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static Bundle bundle(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  @Test
  void aPeerHubFindsAPersonByThePdqmParametersButNotTheirRecords() throws Exception {
    LocalDate birth = LocalDate.of(1951, 3, 17);
    String card = IdentityNumbers.next(birth, true);
    String phone = "1370" + String.format("%07d", System.nanoTime() % 10_000_000);
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(card);
    patient.addIdentifier().setSystem(ID_CARD).setValue(card);
    patient.addName().setFamily("司马").addGiven("秋菊");
    patient.setGender(AdministrativeGender.FEMALE);
    patient.setBirthDate(java.sql.Date.valueOf(birth));
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue(phone);
    patient.addAddress().setCity("大连市").setState("辽宁省").setPostalCode("116001").setCountry("CN");
    String maiden = "欧阳" + (System.nanoTime() % 1000);
    patient.addExtension(PdqmSearchParameters.EXTENSION, new StringType(maiden));
    String id = client().create().resource(patient).execute().getId().getIdPart();
    Observation observation = new Observation();
    observation.setStatus(Observation.ObservationStatus.FINAL);
    observation.getCode().setText("blood pressure");
    observation.setSubject(new Reference("Patient/" + id));
    String observationId = client().create().resource(observation).execute().getId().getIdPart();

    String peer = clients().tokenFor("pdqm-peer", Map.of("role", "peer-hub"));
    String[] queries = {
        q("family", "司马") + "&" + q("given", "秋菊") + "&" + q("birthdate", birth.toString()),
        q("identifier", ID_CARD + "|" + card),
        q("telecom", phone) + "&" + q("gender", "female"),
        q("mothersMaidenName", maiden),
        q("address-city", "大连") + "&" + q("address-postalcode", "116001") + "&" + q("birthdate", birth.toString())
            + "&" + q("family", "司马"),
        q("_id", id) + "&active:missing=true"
    };
    for (String query : queries) {
      // a peer's search is answered from the person index, which follows writes within moments
      java.time.Instant deadline = java.time.Instant.now().plusSeconds(180);
      Bundle found = bundle(getAs(peer, "/Patient?" + query));
      while (found.getEntry().isEmpty() && java.time.Instant.now().isBefore(deadline)) {
        Thread.sleep(250);
        found = bundle(getAs(peer, "/Patient?" + query));
      }
      assertThat(found.getEntry()).as(query).hasSize(1);
      assertThat(found.getEntryFirstRep().getResource().getIdElement().getIdPart()).as(query).isEqualTo(id);
    }
    // FHIR's meaning: names start with the value; a date by its precision; no one is no one
    assertThat(bundle(getAs(peer, "/Patient?" + q("family", "司") + "&" + q("given", "秋") + "&" + q("birthdate", "1951")))
        .getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).contains(id);
    assertThat(bundle(getAs(peer, "/Patient?" + q("family", "司马") + "&" + q("birthdate", "gt1951-03-17")))
        .getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart()).doesNotContain(id);
    assertThat(bundle(getAs(peer, "/Patient?" + q("family", "司马") + "&" + q("given", "秋菊") + "&" + q("birthdate", "1951-03-18")))
        .getEntry()).isEmpty();

    // a peer's search comes from the person index, which leaves out records no longer in use
    // (inactive, merged); the repository's own search, a hospital's, still finds them
    Patient retired = new Patient();
    retired.setActive(false);
    retired.addName().setFamily("司马").addGiven("退休");
    retired.setBirthDate(java.sql.Date.valueOf(birth));
    String retiredId = client().create().resource(retired).execute().getId().getIdPart();
    awaitIndexCaughtUp();
    String byName = "/Patient?" + q("family", "司马") + "&" + q("given", "退") + "&" + q("birthdate", birth.toString());
    assertThat(bundle(getAs(testToken(), byName)).getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
        .containsExactly(retiredId);
    assertThat(bundle(getAs(peer, byName)).getEntry()).isEmpty();

    // demographics only: a peer hub reads no clinical record
    assertThat(getAs(peer, "/Observation/" + observationId).statusCode()).isEqualTo(403);
    assertThat(getAs(peer, "/Observation?subject=Patient/" + id).statusCode()).isEqualTo(403);
  }
}
