package cn.healthcard.hub.server.records;

import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.Date;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/** The Provenance every primary-care record-management operation leaves. */
public final class RecordProvenance {
  /** The hub's record-management activities: transfer-out, cancel, household. */
  public static final String ACTIVITY_SYSTEM = HubCodeSystems.BASE + "/CodeSystem/record-activity";

  private RecordProvenance() {}

  /**
   * @param after the version the operation wrote
   * @param before the version it replaced (the Provenance's {@code revision} entity)
   * @param actor who did it, as the request declares it (until security lands)
   */
  public static Provenance of(IIdType after, IIdType before, String activity, String display, String reason,
      String actor, Reference onBehalfOf) {
    Provenance provenance = new Provenance();
    provenance.addTarget(new Reference(after.toUnqualified().getValue()));
    provenance.setRecorded(new Date());
    provenance.setActivity(new CodeableConcept(new Coding(ACTIVITY_SYSTEM, activity, display)));
    if (reason != null && !reason.isBlank()) {
      provenance.addReason(new CodeableConcept().setText(reason));
    }
    Provenance.ProvenanceAgentComponent agent = provenance.addAgent();
    agent.setType(new CodeableConcept(new Coding(
        "http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author")));
    agent.setWho(new Reference().setDisplay(actor));
    if (onBehalfOf != null && !onBehalfOf.isEmpty()) {
      agent.setOnBehalfOf(onBehalfOf);
    }
    if (before != null) {
      provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.REVISION)
          .setWhat(new Reference(before.toUnqualified().getValue()));
    }
    return provenance;
  }
}
