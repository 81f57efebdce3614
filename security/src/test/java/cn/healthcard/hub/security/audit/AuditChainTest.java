package cn.healthcard.hub.security.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;

class AuditChainTest {
  private static final FhirContext FHIR = FhirContext.forR4Cached();
  private final AuditChain chain = new AuditChain(FHIR);

  private static AuditRecord read(String client, String patient) {
    return new AuditRecord(Instant.parse("2026-12-07T01:02:03Z"), "fhir", "read", "R", null, 200, client,
        "HOSP_A", null, List.of("hospital"), List.of(patient), List.of("Patient/" + patient),
        "Patient/" + patient, null, "req-1", "127.0.0.1");
  }

  @Test
  void aLinkDependsOnThePreviousLinkAndEveryElementButIdAndMeta() {
    AuditEvent event = BalpAuditEvents.toFhir(read("his-a", "7"));
    AuditChain.chainTo(event, AuditChain.GENESIS);
    String link = chain.link(AuditChain.GENESIS, event);
    assertThat(link).hasSize(64).isNotEqualTo(AuditChain.GENESIS);

    AuditEvent stored = event.copy();
    stored.setId("AuditEvent/42/_history/1");
    stored.getMeta().setVersionId("1").setLastUpdated(new java.util.Date());
    assertThat(chain.link(AuditChain.GENESIS, stored)).isEqualTo(link);

    AuditEvent edited = event.copy();
    edited.setOutcomeDesc("HTTP 204");
    assertThat(chain.link(AuditChain.GENESIS, edited)).isNotEqualTo(link);
    assertThat(chain.link("1".repeat(64), event)).isNotEqualTo(link);
    assertThat(AuditChain.previousOf(event)).isEqualTo(AuditChain.GENESIS);
  }

  @Test
  void readsAreBalpPatientReadsWithTheClientAsDestination() {
    AuditEvent event = BalpAuditEvents.toFhir(read("his-a", "7"));
    assertThat(event.getMeta().getProfile().get(0).getValue())
        .isEqualTo("https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead");
    assertThat(event.getType().getCode()).isEqualTo("rest");
    assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("read");
    assertThat(event.getAgentFirstRep().getType().getCodingFirstRep().getCode()).isEqualTo("110152");
    assertThat(event.getAgent().get(1).getType().getCodingFirstRep().getCode()).isEqualTo("110153");
    assertThat(event.getEntityFirstRep().getWhat().getIdentifier().getValue()).isEqualTo("Patient/7");
    assertThat(event.getEntityFirstRep().getWhat().hasReference()).isFalse();
    assertThat(event.getEntityFirstRep().getRole().getCode()).isEqualTo("1");
  }

  @Test
  void breakGlassIsEmergencyTreatmentWithTheReasonAndNoIdentityNumberSurvives() {
    AuditRecord record = new AuditRecord(Instant.parse("2026-12-07T01:02:03Z"), "fhir", "search-type", "E", null, 200,
        "dr", "HOSP_B", "Practitioner/9", List.of("clinician"), List.of("7"), List.of(),
        "Patient?identifier=urn:oid:2.16.156.10011.1.19|11010519491231002X", "unconscious, no card 11010519491231002X",
        null, null);
    AuditEvent event = BalpAuditEvents.toFhir(record);
    String json = FHIR.newJsonParser().encodeResourceToString(event);
    assertThat(json).doesNotContain("11010519491231002X");
    assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode()).isEqualTo("ETREAT");
    assertThat(event.getPurposeOfEventFirstRep().getText()).startsWith("unconscious, no card");
    assertThat(event.getAgent()).anyMatch(a -> "Practitioner/9".equals(a.getWho().getDisplay())
        && "IRCP".equals(a.getType().getCodingFirstRep().getCode()));
  }
}
