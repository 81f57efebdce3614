package cn.healthcard.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class TransactionIT extends HubIntegrationTest {

  private static String entry(String fullUrl, String resource, String method, String url, String ifNoneExist) {
    return "{\"fullUrl\":\"" + fullUrl + "\",\"resource\":" + resource + ",\"request\":{\"method\":\""
        + method + "\",\"url\":\"" + url + "\"" + (ifNoneExist == null ? "" : ",\"ifNoneExist\":\"" + ifNoneExist + "\"")
        + "}}";
  }

  private static String transaction(String... entries) {
    return "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[" + String.join(",", entries) + "]}";
  }

  private static String observation(String subjectReference) {
    return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"8302-2\"}]},"
        + "\"subject\":{\"reference\":\"" + subjectReference + "\"}}";
  }

  @Test
  void urnUuidAndConditionalReferencesResolveInOneAtomicTransaction() {
    String number = IdentityNumbers.next();
    String patient = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + CARD + "\",\"value\":\"" + number + "\"}]}";
    HttpResponse<String> first =
        post("", "application/fhir+json",
            transaction(
                entry("urn:uuid:11111111-1111-1111-1111-111111111111", patient, "POST", "Patient", "identifier=" + CARD + "|" + number),
                entry("urn:uuid:22222222-2222-2222-2222-222222222222", observation("urn:uuid:11111111-1111-1111-1111-111111111111"), "POST", "Observation", null)));
    assertThat(first.statusCode()).isEqualTo(200);

    // a later transaction refers to the same person by card number only
    HttpResponse<String> second =
        post("", "application/fhir+json",
            transaction(entry("urn:uuid:33333333-3333-3333-3333-333333333333",
                observation("Patient?identifier=" + CARD + "|" + number), "POST", "Observation", null)));
    assertThat(second.statusCode()).isEqualTo(200);

    Bundle patients = client().search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndCode(CARD, number)).returnBundle(Bundle.class).execute();
    assertThat(patients.getEntry()).hasSize(1);
    String patientId = patients.getEntryFirstRep().getResource().getIdElement().getIdPart();
    Bundle observations = client().search().forResource(Observation.class)
        .where(Observation.SUBJECT.hasId("Patient/" + patientId)).returnBundle(Bundle.class).execute();
    assertThat(observations.getEntry()).hasSize(2);
  }

  @Test
  void aFailingEntryRollsBackEveryOtherEntry() {
    String number = IdentityNumbers.next();
    String patient = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + CARD + "\",\"value\":\"" + number + "\"}]}";
    HttpResponse<String> response =
        post("", "application/fhir+json",
            transaction(
                entry("urn:uuid:44444444-4444-4444-4444-444444444444", patient, "POST", "Patient", null),
                entry("urn:uuid:55555555-5555-5555-5555-555555555555", observation("Patient/does-not-exist"), "POST", "Observation", null)));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("OperationOutcome").contains("Patient/does-not-exist");
    Bundle patients = client().search().forResource(Patient.class)
        .where(Patient.IDENTIFIER.exactly().systemAndCode(CARD, number)).returnBundle(Bundle.class).execute();
    assertThat(patients.getEntry()).isEmpty();
  }

  @Test
  void conditionalReferenceToAnUnknownCardFailsTheTransactionClearly() {
    String unknown = IdentityNumbers.next();
    HttpResponse<String> response =
        post("", "application/fhir+json",
            transaction(entry("urn:uuid:66666666-6666-6666-6666-666666666666",
                observation("Patient?identifier=" + CARD + "|" + unknown), "POST", "Observation", null)));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body())
        .contains("OperationOutcome")
        .contains("No resources match this search")
        .doesNotContain(unknown);
  }
}
