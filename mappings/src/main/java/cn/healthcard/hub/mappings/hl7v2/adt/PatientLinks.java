package cn.healthcard.hub.mappings.hl7v2.adt;

import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.PidToPatient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.LinkType;
import org.hl7.fhir.r4.model.Reference;

/**
 * A24 (link patient information) and A37 (unlink): two PIDs, two records the sender holds for
 * one person (or believes so) without merging them. A24 gives each Patient a {@code seealso} link
 * to the other; A37 asks the server to remove those links ({@link HubExtensions#UNLINK}). Links
 * live on the stored Patient: later messages, which never carry them, keep them (the server
 * keeps stored links a message does not remove).
 */
final class PatientLinks {

  static final Set<String> EVENTS = Set.of("A24", "A37");

  private PatientLinks() {}

  static AdtToFhir.Result map(MappingContext ctx) {
    List<SegmentRef> pids = ctx.message().all("PID");
    String trigger = ctx.triggerEvent();
    if (pids.size() != 2) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("PID", Math.min(pids.size() + 1, 3)),
          "an ADT^" + trigger + " " + ("A24".equals(trigger) ? "links" : "unlinks") + " two patients: it needs two PID segments");
      return new AdtToFhir.Result(Optional.empty(), List.of());
    }
    List<Patient> patients = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    for (SegmentRef pid : pids) {
      Optional<PidToPatient.Result> patient = PidToPatient.map(ctx, pid);
      if (patient.isEmpty()) {
        continue;
      }
      Patient p = ctx.stamp(patient.get().patient());
      patients.add(p);
      urls.add(ctx.transaction().updateWhere(p, SearchUrls.identifierQuery(patient.get().matchIdentifiers())));
    }
    if (patients.size() != 2) {
      return new AdtToFhir.Result(Optional.empty(), List.of());
    }
    if (shareANumber(patients.get(0), patients.get(1))) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, pids.get(1).at(3), "both PIDs name the same patient: nothing to "
          + ("A24".equals(trigger) ? "link" : "unlink") + " (they share a number)");
      return new AdtToFhir.Result(Optional.empty(), List.of());
    }
    for (int i = 0; i < 2; i++) {
      Reference other = new Reference(urls.get(1 - i));
      if ("A24".equals(trigger)) {
        patients.get(i).addLink().setType(LinkType.SEEALSO).setOther(other);
      } else {
        patients.get(i).addExtension(HubExtensions.UNLINK, other);
      }
    }
    return new AdtToFhir.Result(Optional.of(urls.get(0)), List.of());
  }

  private static boolean shareANumber(Patient a, Patient b) {
    return a.getIdentifier().stream().anyMatch(x -> b.getIdentifier().stream()
        .anyMatch(y -> x.getSystem().equals(y.getSystem()) && x.getValue().equals(y.getValue())));
  }
}
