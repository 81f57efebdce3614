package cn.healthcard.hub.server.security;

import cn.healthcard.hub.mappings.hl7v2.MappedMessage;
import cn.healthcard.hub.security.audit.AuditRecord;
import cn.healthcard.hub.security.audit.AuditTrail;
import cn.healthcard.hub.server.his.HisStoreAudit;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;

/**
 * The audit entry of an HL7 v2 message stored: the sending facility (MSH-4) is the client and
 * the institution, the patients are those the message's transaction wrote to.
 */
public final class HisAuditEntries implements HisStoreAudit {
  private final AuditTrail trail;
  private final Clock clock;

  public HisAuditEntries(AuditTrail trail, Clock clock) {
    this.trail = trail;
    this.clock = clock;
  }

  @Override
  public void stored(MappedMessage message, Bundle response) {
    Set<String> patients = new LinkedHashSet<>();
    List<String> resources = new ArrayList<>();
    for (Bundle.BundleEntryComponent entry : response.getEntry()) {
      String location = entry.getResponse().getLocation();
      if (location == null) {
        continue;
      }
      int history = location.indexOf("/_history");
      String reference = history > 0 ? location.substring(0, history) : location;
      if (reference.startsWith("Patient/")) {
        patients.add(reference.substring("Patient/".length()));
      }
      if (resources.size() < 100) {
        resources.add(reference);
      }
    }
    String facility = message.key().sendingFacility();
    trail.record(new AuditRecord(
        clock.instant(), "hl7v2", "message", "C", null, 200, "hl7v2:" + facility, facility, null,
        List.of("hospital"), List.copyOf(patients), resources,
        message.messageType() + "^" + message.triggerEvent() + " " + message.key().controlId(),
        null, message.key().controlId(), null));
  }
}
