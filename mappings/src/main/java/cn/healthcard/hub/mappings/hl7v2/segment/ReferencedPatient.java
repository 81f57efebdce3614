package cn.healthcard.hub.mappings.hl7v2.segment;

import ca.uhn.hl7v2.model.v251.segment.PV1;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.Optional;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * The Patient and Encounter of a result or document message (ORU, MDM): these messages refer
 * to a person and a visit, they do not describe them, so both are conditional creates: an
 * existing Patient or Encounter is left as it is (a lab system's thin PID never overwrites what
 * the ADT feed said), a missing one is created from what the message has.
 */
public final class ReferencedPatient {

  /**
   * The fullUrls of the Patient and, when PV1-19 is valued, the Encounter; the identifier the
   * Patient is matched by (the card number, else the MRN) and the visit number, when there is one.
   */
  public record Refs(String patientUrl, Optional<String> encounterUrl, Identifier patientKey, Optional<String> visit) {}

  private ReferencedPatient() {}

  public static Optional<Refs> add(MappingContext ctx, String organizationUrl) {
    Optional<SegmentRef> pidRef = ctx.message().first("PID");
    if (pidRef.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("PID", 1),
          "the message needs a PID segment");
      return Optional.empty();
    }
    Optional<PidToPatient.Result> r = PidToPatient.map(ctx, pidRef.get());
    if (r.isEmpty()) {
      return Optional.empty();
    }
    Patient p = ctx.stamp(r.get().patient());
    String patientUrl = ctx.transaction().createIfNoneExist(p, SearchUrls.identifierQuery(r.get().matchIdentifiers()));
    Optional<SegmentRef> pv1 = ctx.message().first("PV1");
    Optional<Identifier> visit = pv1.flatMap(v -> Pv1ToEncounter.visitIdentifier(ctx, v.as(PV1.class)));
    Optional<String> encounterUrl = visit.isEmpty() ? Optional.empty()
        : Pv1ToEncounter.add(ctx, pv1.get(), ctx.message().first("PV2"), patientUrl, organizationUrl,
            Pv1ToEncounter.Mode.referenceOnly());
    return Optional.of(new Refs(patientUrl, encounterUrl, r.get().matchIdentifiers().get(0),
        visit.map(Identifier::getValue)));
  }
}
