package cn.healthcard.hub.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class EverythingByCardIT extends HubIntegrationTest {

  private String everything(String number, String extra) {
    return "/Patient/$everything?identifier="
        + URLEncoder.encode(CARD + "|" + number, StandardCharsets.UTF_8)
        + extra;
  }

  @Test
  void everythingByCardNumberReturnsThePersonsCompartmentAndNothingElse() {
    String number = IdentityNumbers.next();
    String patientId = createPersonWithRecords(number, 3);
    String otherId = createPersonWithRecords(IdentityNumbers.next(), 2);

    HttpResponse<String> response = get(everything(number, ""));
    assertThat(response.statusCode()).isEqualTo(200);
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    Set<String> types = new HashSet<>();
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      types.add(entry.getResource().fhirType());
      if (entry.getResource() instanceof Patient p) {
        assertThat(p.getIdElement().getIdPart()).isEqualTo(patientId);
      }
      if (entry.getResource() instanceof Observation o) {
        assertThat(o.getSubject().getReferenceElement().getIdPart()).isEqualTo(patientId).isNotEqualTo(otherId);
      }
    }
    assertThat(types).contains("Patient", "Encounter", "Observation");
    assertThat(bundle.getEntry()).hasSize(1 + 1 + 3);
  }

  @Test
  void everythingByCardNumberPages() {
    String number = IdentityNumbers.next();
    createPersonWithRecords(number, 7);
    Bundle first = FHIR.newJsonParser().parseResource(Bundle.class, get(everything(number, "&_count=4")).body());
    assertThat(first.getEntry()).hasSize(4);
    assertThat(first.getLink(Bundle.LINK_NEXT)).isNotNull();

    Set<String> ids = new HashSet<>();
    int pages = 0;
    for (Bundle page = first; page != null; page = page.getLink(Bundle.LINK_NEXT) == null ? null : client().loadPage().next(page).execute()) {
      pages++;
      assertThat(page.getEntry().size()).isLessThanOrEqualTo(4);
      page.getEntry().forEach(e -> ids.add(e.getResource().getIdElement().toUnqualifiedVersionless().getValue()));
    }
    assertThat(pages).isEqualTo(3);
    assertThat(ids).hasSize(9);
  }

  @Test
  void everythingByLegacyFifteenDigitFormFindsThePerson() {
    String legacy = "210103" + "760808" + "246";
    String full = cn.healthcard.hub.terminology.identity.ResidentIdNumber.parse(legacy).value();
    createPersonWithRecords(full, 1);
    HttpResponse<String> response = get(everything(legacy, ""));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(Bundle.class, response.body()).getEntry()).hasSize(3);
  }

  @Test
  void everythingForAnUnknownCardIs404WithAnOperationOutcome() {
    HttpResponse<String> response = get(everything(IdentityNumbers.next(), ""));
    assertThat(response.statusCode()).isEqualTo(404);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).isEqualTo("No Patient has this identifier");
  }

  @Test
  void everythingWithAMalformedIdentifierIs400() {
    HttpResponse<String> response = get("/Patient/$everything?identifier=nobar");
    assertThat(response.statusCode()).isEqualTo(400);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("identifier");
  }

  private String createPersonWithRecords(String number, int observations) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(number);
    patient.addName().setText("赵六");
    String patientId = client().create().resource(patient).execute().getId().getIdPart();
    Encounter encounter = new Encounter();
    encounter.setStatus(Encounter.EncounterStatus.FINISHED);
    encounter.getClass_().setSystem("http://terminology.hl7.org/CodeSystem/v3-ActCode").setCode("AMB");
    encounter.setSubject(new Reference("Patient/" + patientId));
    String encounterId = client().create().resource(encounter).execute().getId().getIdPart();
    for (int i = 0; i < observations; i++) {
      Observation o = new Observation();
      o.setStatus(Observation.ObservationStatus.FINAL);
      o.getCode().addCoding().setSystem("http://loinc.org").setCode("8867-4");
      o.setSubject(new Reference("Patient/" + patientId));
      o.setEncounter(new Reference("Encounter/" + encounterId));
      client().create().resource(o).execute();
    }
    return patientId;
  }
}
