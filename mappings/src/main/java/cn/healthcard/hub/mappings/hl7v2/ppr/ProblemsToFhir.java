package cn.healthcard.hub.mappings.hl7v2.ppr;

import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.ProblemToCondition;
import cn.healthcard.hub.mappings.hl7v2.segment.ReferencedPatient;
import java.util.List;
import java.util.Optional;

/**
 * Problem messages PPR^PC1 (add), PC2 (update) and PC3 (delete) to Conditions on the patient's
 * problem list, one per PRB. The Patient and Encounter are referred to, not described.
 */
public final class ProblemsToFhir {

  private ProblemsToFhir() {}

  public static Optional<String> map(MappingContext ctx, String organizationUrl) {
    Optional<ReferencedPatient.Refs> refs = ReferencedPatient.add(ctx, organizationUrl);
    if (refs.isEmpty()) {
      return Optional.empty();
    }
    List<SegmentRef> problems = ctx.message().all("PRB");
    if (problems.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("PRB", 1), "a PPR message needs a PRB segment");
    }
    boolean delete = "PC3".equals(ctx.triggerEvent());
    for (SegmentRef prb : problems) {
      ProblemToCondition.add(ctx, prb, refs.get().patientKey(), refs.get().patientUrl(), refs.get().encounterUrl(),
          delete);
    }
    return Optional.of(refs.get().patientUrl());
  }
}
