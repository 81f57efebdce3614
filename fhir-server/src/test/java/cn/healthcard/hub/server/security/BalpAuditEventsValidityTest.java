package cn.healthcard.hub.server.security;

import cn.healthcard.hub.security.audit.AuditChain;
import cn.healthcard.hub.security.audit.AuditRecord;
import cn.healthcard.hub.security.audit.BalpAuditEvents;
import cn.healthcard.hub.server.R4Validation;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;

/**
 * The AuditEvents the hub writes are valid against the FHIR R4 base definitions. (Their BALP
 * profiles are claimed in meta.profile; the BALP package is not shipped with the hub, so the
 * claim is taken off for the base validation rather than reported as an unknown profile.)
 */
class BalpAuditEventsValidityTest {

  private static AuditEvent event(AuditRecord record) {
    AuditEvent event = BalpAuditEvents.toFhir(record, client -> "Device/5");
    AuditChain.chainTo(event, AuditChain.GENESIS);
    event.getMeta().getProfile().clear();
    return event;
  }

  @Test
  void everyKindOfEntryIsAValidAuditEvent() {
    Instant at = Instant.parse("2026-12-07T01:02:03Z");
    R4Validation.assertValid(
        event(new AuditRecord(at, "fhir", "read", "R", null, 200, "his-a", "HOSP_A", null, List.of("hospital"),
            List.of("7"), List.of("Patient/7"), "Patient/7", null, "r1", "127.0.0.1")),
        event(new AuditRecord(at, "fhir", "search-type", "E", null, 200, "dr", "HOSP_B", "Practitioner/9",
            List.of("clinician"), List.of("7", "gone"), List.of("Observation/3"), "Observation?patient=7",
            "unconscious", "r2", "::1")),
        event(new AuditRecord(at, "fhir", "transaction", "E", null, 200, "his-a", null, null, List.of("hospital"),
            List.of(), List.of("Encounter/4"), "", null, null, null)),
        event(new AuditRecord(at, "fhir", "operation", "E", "$everything", 403, "his-b", "HOSP_B", null,
            List.of("hospital"), List.of(), List.of(), "Patient/7/$everything", null, "r3", null)),
        event(new AuditRecord(at, "hl7v2", "message", "C", null, 200, "hl7v2:HOSP_A", "HOSP_A", null,
            List.of("hospital"), List.of("7"), List.of("Encounter/4"), "ADT^A01 C1", null, "C1", null)),
        event(new AuditRecord(at, "admin", "http", "C", null, 401, "anonymous", null, null, List.of(), List.of(),
            List.of(), "POST /admin/clients", null, "r4", "10.0.0.1")));
  }
}
