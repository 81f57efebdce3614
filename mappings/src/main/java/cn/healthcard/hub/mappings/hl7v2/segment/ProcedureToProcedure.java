package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.PR1;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.OpaqueKeys;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Procedure;
import org.hl7.fhir.r4.model.Procedure.ProcedureStatus;
import org.hl7.fhir.r4.model.Reference;

/**
 * PR1 (procedures, in ADT, BAR, DFT and REF) to a Procedure, after the v2-to-FHIR IG's
 * PR1[Procedure] map:
 *
 * <ul>
 *   <li>PR1-3 -> {@code code} (PR1-4 description as its text, or alone when PR1-3 is empty; one
 *       is required); PR1-5 -> {@code performedDateTime};
 *   <li>PR1-11 surgeon, PR1-12 procedure practitioner, PR1-8 anesthesiologist -> one
 *       {@code performer} each, its {@code function} saying which (v2 table 0010's role text);
 *   <li>PR1-15 associated diagnosis -> {@code reasonCode};
 *   <li>status {@code completed}; PR1-20 action code D (delete) -> {@code entered-in-error}.
 * </ul>
 *
 * Keyed by PR1-19 (the sender's procedure id) in the sender's {@code procedure} namespace, else an
 * opaque digest of the patient, the visit, the code and PR1-5.
 */
public final class ProcedureToProcedure {

  private ProcedureToProcedure() {}

  /** @return the Procedure's fullUrl, or empty (an error recorded) when PR1 names no procedure */
  public static Optional<String> add(MappingContext ctx, SegmentRef ref, Identifier patientKey, String patientUrl,
      Optional<String> encounterUrl, Optional<String> visit) {
    PR1 pr1 = ref.as(PR1.class);
    Optional<CodeableConcept> code = Codes.conceptOrText(ctx, pr1.getPr13_ProcedureCode(), s(pr1.getPr14_ProcedureDescription()));
    if (code.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(3), "PR1-3 (procedure code) or PR1-4 (description) is required");
      return Optional.empty();
    }
    Procedure procedure = ctx.stamp(new Procedure());
    procedure.setCode(code.get());
    procedure.setSubject(new Reference(patientUrl));
    encounterUrl.ifPresent(e -> procedure.setEncounter(new Reference(e)));
    procedure.setStatus("D".equals(s(pr1.getPr120_ProcedureActionCode()))
        ? ProcedureStatus.ENTEREDINERROR : ProcedureStatus.COMPLETED);
    String performed = s(pr1.getPr15_ProcedureDateTime().getTs1_Time());
    ctx.dateTime(performed, ref.at(5), "PR1-5").ifPresent(procedure::setPerformed);
    performers(ctx, procedure, pr1.getPr111_Surgeon(), "surgeon");
    performers(ctx, procedure, pr1.getPr112_ProcedurePractitioner(), "procedure practitioner");
    performers(ctx, procedure, pr1.getPr18_Anesthesiologist(), "anesthesiologist");
    Codes.concept(ctx, pr1.getPr115_AssociatedDiagnosisCode()).ifPresent(procedure::addReasonCode);
    String senderId = s(pr1.getPr119_ProcedureIdentifier().getEi1_EntityIdentifier());
    Coding coding = code.get().getCodingFirstRep();
    Identifier id = new Identifier().setSystem(ctx.sender().namespace("procedure")).setValue(senderId.isEmpty()
        ? OpaqueKeys.of("px", patientKey.getSystem(), patientKey.getValue(), visit.orElse(""), coding.getSystem(),
            coding.getCode(), code.get().hasText() ? code.get().getText() : "", performed)
        : senderId);
    procedure.addIdentifier(id);
    return Optional.of(ctx.transaction().updateWhere(procedure, SearchUrls.identifierQuery(List.of(id))));
  }

  private static void performers(MappingContext ctx, Procedure procedure, XCN[] people, String function) {
    for (XCN xcn : people) {
      XcnToPractitioner.reference(ctx, xcn).ifPresent(actor ->
          procedure.addPerformer().setActor(actor).setFunction(new CodeableConcept().setText(function)));
    }
  }
}
