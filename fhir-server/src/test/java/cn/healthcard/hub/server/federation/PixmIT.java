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
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * IHE PIXm (ITI-83) on the hub: a person's card number, identity-card number and hospital record
 * numbers cross-referenced, with PIXm's error answers and who may ask.
 */
class PixmIT extends HubIntegrationTest {

  private static final String ID_CARD = "urn:oid:2.16.156.10011.1.3";
  private static final String MRN = "urn:oid:1.2.156.112604.1.2.880";
  private final HttpClient raw = HttpClient.newHttpClient();

  private HttpResponse<String> pix(String token, String query) throws Exception {
    return raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient/$ihe-pix?" + query))
        .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String q(String name, String value) {
    return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private String person(String card, String mrn, LocalDate birth) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(card);
    patient.addIdentifier().setSystem(ID_CARD).setValue(card);
    patient.addIdentifier().setSystem(MRN).setValue(mrn);
    patient.addName().setFamily("王").addGiven("秀英");
    patient.setBirthDate(java.sql.Date.valueOf(birth));
    return client().create().resource(patient).execute().getId().getIdPart();
  }

  private static Parameters parameters(HttpResponse<String> response) {
    return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  private static OperationOutcome outcome(HttpResponse<String> response) {
    return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
  }

  @Test
  void aCardNumberFindsThePersonsOtherIdentifiersAndTheTargetSystemNarrowsThem() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1962, 8, 9));
    String mrn = "MRN-" + System.nanoTime();
    String id = person(card, mrn, LocalDate.of(1962, 8, 9));
    String peer = clients().tokenFor("pix-peer", Map.of("role", "peer-hub"));

    HttpResponse<String> all = pix(peer, q("sourceIdentifier", CARD + "|" + card));
    assertThat(all.statusCode()).isEqualTo(200);
    Parameters found = parameters(all);
    List<Identifier> identifiers = found.getParameter().stream().filter(p -> p.getName().equals("targetIdentifier"))
        .map(p -> (Identifier) p.getValue()).toList();
    assertThat(identifiers).hasSize(2);
    assertThat(identifiers).anyMatch(i -> i.getSystem().equals(ID_CARD) && i.getValue().equals(card));
    assertThat(identifiers).anyMatch(i -> i.getSystem().equals(MRN) && i.getValue().equals(mrn));
    List<String> ids = found.getParameter().stream().filter(p -> p.getName().equals("targetId"))
        .map(p -> ((Reference) p.getValue()).getReference()).toList();
    // HAPI writes references to its own resources relative to its base
    assertThat(ids).containsExactly("Patient/" + id);

    // the person whose identifiers were disclosed sees who asked, in their access log
    java.time.Instant deadline = java.time.Instant.now().plusSeconds(20);
    String log = "";
    while (!log.contains("pix-peer") && java.time.Instant.now().isBefore(deadline)) {
      HttpResponse<String> answer = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
              + "/fhir/Patient/$access-log?patient=Patient/" + id)).header("Authorization", "Bearer " + clients().adminToken())
          .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(200);
      log = answer.body();
      Thread.sleep(200);
    }
    assertThat(log).contains("\"valueString\":\"pix-peer\"");

    HttpResponse<String> narrowed = pix(peer, q("sourceIdentifier", MRN + "|" + mrn) + "&" + q("targetSystem", CARD));
    assertThat(narrowed.statusCode()).isEqualTo(200);
    Parameters cardOnly = parameters(narrowed);
    assertThat(cardOnly.getParameter().stream().filter(p -> p.getName().equals("targetIdentifier")).toList()).hasSize(1);
    assertThat(((Identifier) cardOnly.getParameter("targetIdentifier").getValue()).getValue()).isEqualTo(card);
  }

  @Test
  void pixmsErrorsNameWhatIsUnknown() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1970, 1, 2));
    person(card, "MRN-" + System.nanoTime(), LocalDate.of(1970, 1, 2));
    String hospital = testToken();

    HttpResponse<String> unknownPerson = pix(hospital, q("sourceIdentifier", CARD + "|" + IdentityNumbers.next(LocalDate.of(1999, 9, 9))));
    assertThat(unknownPerson.statusCode()).isEqualTo(404);
    assertThat(outcome(unknownPerson).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.NOTFOUND);

    HttpResponse<String> unknownDomain = pix(hospital, q("sourceIdentifier", "urn:oid:9.9.9.9|1"));
    assertThat(unknownDomain.statusCode()).isEqualTo(400);
    assertThat(outcome(unknownDomain).getIssueFirstRep().getDiagnostics())
        .isEqualTo("sourceIdentifier Assigning Authority not found: urn:oid:9.9.9.9");

    HttpResponse<String> unknownTarget = pix(hospital, q("sourceIdentifier", CARD + "|" + card) + "&" + q("targetSystem", "urn:oid:9.9.9.8"));
    assertThat(unknownTarget.statusCode()).isEqualTo(403);
    assertThat(outcome(unknownTarget).getIssueFirstRep().getDiagnostics()).isEqualTo("targetSystem not found: urn:oid:9.9.9.8");

    HttpResponse<String> noSource = pix(hospital, q("targetSystem", CARD));
    assertThat(noSource.statusCode()).isEqualTo(400);
  }

  @Test
  void aHospitalLearnsOnlyAboutThePeopleItTreats() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1975, 6, 6));
    registerHospital("PIX_HOSP_A");
    registerHospital("PIX_HOSP_B");
    String treating = clients().tokenFor("pix-hosp-a", Map.of("role", "hospital", "institution", "PIX_HOSP_A"));
    String other = clients().tokenFor("pix-hosp-b", Map.of("role", "hospital", "institution", "PIX_HOSP_B"));
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(card);
    patient.addIdentifier().setSystem(MRN).setValue("MRN-A-" + System.nanoTime());
    patient.setBirthDate(java.sql.Date.valueOf(LocalDate.of(1975, 6, 6)));
    HttpResponse<String> created = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient"))
        .header("Authorization", "Bearer " + treating).header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(patient))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);

    assertThat(pix(treating, q("sourceIdentifier", CARD + "|" + card)).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = pix(other, q("sourceIdentifier", CARD + "|" + card));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).doesNotContain("MRN-A-");
    String clinician = clients().tokenFor("pix-clinician", Map.of("role", "clinician", "institution", "PIX_HOSP_B"));
    assertThat(pix(clinician, q("sourceIdentifier", CARD + "|" + card)).statusCode()).isEqualTo(403);
  }

  @Test
  void onlyHospitalsCliniciansPeerHubsAndOperatorsMayCrossReference() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1980, 4, 4));
    person(card, "MRN-" + System.nanoTime(), LocalDate.of(1980, 4, 4));
    String channel = clients().tokenFor("pix-channel", Map.of("role", "payment-channel"));
    String issuer = clients().tokenFor("pix-issuer", Map.of("role", "card-issuer", "institution", "PIX_KIOSK"));
    assertThat(pix(channel, q("sourceIdentifier", CARD + "|" + card)).statusCode()).isEqualTo(403);
    assertThat(pix(issuer, q("sourceIdentifier", CARD + "|" + card)).statusCode()).isEqualTo(403);
    String resident = clients().tokenFor("pix-resident", Map.of("role", "resident", "patient", "1"));
    assertThat(pix(resident, q("sourceIdentifier", CARD + "|" + card)).statusCode()).isEqualTo(403);
  }
}
