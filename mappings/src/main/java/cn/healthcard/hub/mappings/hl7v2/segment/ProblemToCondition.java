package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;
import static cn.healthcard.hub.mappings.hl7v2.segment.DiagnosisToCondition.CATEGORY;
import static cn.healthcard.hub.mappings.hl7v2.segment.DiagnosisToCondition.CLINICAL;
import static cn.healthcard.hub.mappings.hl7v2.segment.DiagnosisToCondition.VERIFICATION;
import static cn.healthcard.hub.mappings.hl7v2.segment.DiagnosisToCondition.concept;

import ca.uhn.hl7v2.model.v251.segment.PRB;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.OpaqueKeys;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * PRB (problem detail, in PPR^PC1-PC3) to a Condition of category {@code problem-list-item},
 * after the v2-to-FHIR IG's PRB[Condition] map:
 *
 * <ul>
 *   <li>PRB-3 -> {@code code} (required); PRB-10 classification -> a second {@code category};
 *   <li>PRB-7 established -> {@code recordedDate}; PRB-16 onset -> {@code onsetDateTime};
 *       PRB-9 actual resolution -> {@code abatementDateTime} (and the problem is resolved);
 *   <li>PRB-14 life-cycle status (A active, I inactive, R resolved; user-defined, these are the
 *       codes the hub reads) -> {@code clinicalStatus}, else active;
 *   <li>PRB-13 confirmation status (C confirmed, P provisional, D differential, R refuted) ->
 *       {@code verificationStatus};
 *   <li>PRB-1 action code DE (delete), or the trigger PC3 (problem delete) -> entered-in-error.
 * </ul>
 *
 * Keyed by PRB-4, the problem instance id (in its EI-2 namespace, else the sender's
 * {@code problem} namespace), else by an opaque digest of the patient and the problem code.
 */
public final class ProblemToCondition {

  private ProblemToCondition() {}

  /** @return the Condition's fullUrl, or empty (an error recorded) when PRB names no problem */
  public static Optional<String> add(MappingContext ctx, SegmentRef ref, Identifier patientKey, String patientUrl,
      Optional<String> encounterUrl, boolean deleteTrigger) {
    PRB prb = ref.as(PRB.class);
    Optional<CodeableConcept> code = Codes.concept(ctx, prb.getPrb3_ProblemID());
    if (code.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(3), "PRB-3 (problem id) is required");
      return Optional.empty();
    }
    Condition condition = ctx.stamp(new Condition());
    condition.setCode(code.get());
    condition.setSubject(new Reference(patientUrl));
    encounterUrl.ifPresent(e -> condition.setEncounter(new Reference(e)));
    condition.addCategory(concept(CATEGORY, "problem-list-item"));
    Codes.concept(ctx, prb.getPrb10_ProblemClassification()).ifPresent(condition::addCategory);
    ctx.dateTime(s(prb.getPrb7_ProblemEstablishedDateTime().getTs1_Time()), ref.at(7), "PRB-7")
        .ifPresent(condition::setRecordedDateElement);
    ctx.dateTime(s(prb.getPrb16_ProblemDateOfOnset().getTs1_Time()), ref.at(16), "PRB-16")
        .ifPresent(condition::setOnset);
    Optional<org.hl7.fhir.r4.model.DateTimeType> resolved =
        ctx.dateTime(s(prb.getPrb9_ActualProblemResolutionDateTime().getTs1_Time()), ref.at(9), "PRB-9");
    resolved.ifPresent(condition::setAbatement);
    boolean deleted = deleteTrigger || "DE".equals(s(prb.getPrb1_ActionCode()));
    if (deleted) {
      condition.setVerificationStatus(concept(VERIFICATION, "entered-in-error"));
    } else {
      String lifeCycle = s(prb.getPrb14_ProblemLifeCycleStatus().getCe1_Identifier());
      String clinical = switch (lifeCycle) {
        case "I" -> "inactive";
        case "R" -> "resolved";
        // an abated problem cannot be active (con-4)
        default -> resolved.isPresent() ? "resolved" : "active";
      };
      condition.setClinicalStatus(concept(CLINICAL, clinical));
      String verification = switch (s(prb.getPrb13_ProblemConfirmationStatus().getCe1_Identifier())) {
        case "C" -> "confirmed";
        case "P" -> "provisional";
        case "D" -> "differential";
        case "R" -> "refuted";
        default -> null;
      };
      if (verification != null) {
        condition.setVerificationStatus(concept(VERIFICATION, verification));
      }
    }
    Identifier id;
    if (!s(prb.getPrb4_ProblemInstanceID().getEi1_EntityIdentifier()).isEmpty()) {
      id = Identifiers.fromEi(ctx, prb.getPrb4_ProblemInstanceID(), ctx.sender().namespace("problem"));
    } else {
      Coding coding = code.get().getCodingFirstRep();
      id = new Identifier().setSystem(ctx.sender().namespace("problem")).setValue(OpaqueKeys.of("pr",
          patientKey.getSystem(), patientKey.getValue(), coding.getSystem(), coding.getCode(),
          code.get().hasText() ? code.get().getText() : ""));
    }
    condition.addIdentifier(id);
    return Optional.of(ctx.transaction().updateWhere(condition, SearchUrls.identifierQuery(List.of(id))));
  }
}
