package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.DG1;
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
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * DG1 (diagnosis, in ADT, BAR, DFT and REF) to a Condition of category
 * {@code encounter-diagnosis}, after the v2-to-FHIR IG's DG1[Condition] map:
 *
 * <ul>
 *   <li>DG1-3 -> {@code code} (DG1-4, the free-text description, when DG1-3 is empty: Chinese
 *       HIS often send only the description); one of them is required;
 *   <li>DG1-5 -> {@code recordedDate}; DG1-16 (first with a name or id) -> {@code asserter};
 *   <li>DG1-6 diagnosis type (table 0052: A admitting, W working, F final) -> a second
 *       {@code category} and the {@code verificationStatus} (F confirmed, A/W provisional);
 *   <li>DG1-21 action code D (delete) -> {@code entered-in-error} (and no clinical status);
 *       otherwise the diagnosis is {@code active}.
 * </ul>
 *
 * Each is a conditional update on an identifier in the sender's {@code diagnosis} namespace: DG1-20
 * (the sender's diagnosis id) when given, else an opaque digest of the patient, the visit and the
 * code, so a diagnosis sent again (BAR^P12, a later A08) updates the same Condition.
 */
public final class DiagnosisToCondition {
  static final String CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
  static final String CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
  static final String VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";

  private DiagnosisToCondition() {}

  /**
   * @param visit the visit number (PV1-19) the diagnosis belongs to, when there is one
   * @return the Condition's fullUrl, or empty (an error recorded) when DG1 names no diagnosis
   */
  public static Optional<String> add(MappingContext ctx, SegmentRef ref, Identifier patientKey, String patientUrl,
      Optional<String> encounterUrl, Optional<String> visit) {
    DG1 dg1 = ref.as(DG1.class);
    Optional<CodeableConcept> code = Codes.conceptOrText(ctx, dg1.getDg13_DiagnosisCodeDG1(), s(dg1.getDg14_DiagnosisDescription()));
    if (code.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(3), "DG1-3 (diagnosis code) or DG1-4 (description) is required");
      return Optional.empty();
    }
    Condition condition = ctx.stamp(new Condition());
    condition.setCode(code.get());
    condition.setSubject(new Reference(patientUrl));
    encounterUrl.ifPresent(e -> condition.setEncounter(new Reference(e)));
    condition.addCategory(concept(CATEGORY, "encounter-diagnosis"));
    String type = s(dg1.getDg16_DiagnosisType());
    Codes.tableConcept(ctx, dg1.getDg16_DiagnosisType(), "0052").ifPresent(condition::addCategory);
    ctx.dateTime(s(dg1.getDg15_DiagnosisDateTime().getTs1_Time()), ref.at(5), "DG1-5")
        .ifPresent(condition::setRecordedDateElement);
    for (XCN clinician : dg1.getDg116_DiagnosingClinician()) {
      Optional<Reference> asserter = XcnToPractitioner.reference(ctx, clinician);
      if (asserter.isPresent()) {
        condition.setAsserter(asserter.get());
        break;
      }
    }
    if ("D".equals(s(dg1.getDg121_DiagnosisActionCode()))) {
      condition.setVerificationStatus(concept(VERIFICATION, "entered-in-error"));
    } else {
      condition.setClinicalStatus(concept(CLINICAL, "active"));
      switch (type) {
        case "F" -> condition.setVerificationStatus(concept(VERIFICATION, "confirmed"));
        case "A", "W" -> condition.setVerificationStatus(concept(VERIFICATION, "provisional"));
        default -> { }
      }
    }
    String senderId = s(dg1.getDg120_DiagnosisIdentifier().getEi1_EntityIdentifier());
    Identifier id = new Identifier().setSystem(ctx.sender().namespace("diagnosis"))
        .setValue(senderId.isEmpty() ? key(patientKey, visit, code.get()) : senderId);
    condition.addIdentifier(id);
    return Optional.of(ctx.transaction().updateWhere(condition, SearchUrls.identifierQuery(List.of(id))));
  }

  private static String key(Identifier patient, Optional<String> visit, CodeableConcept code) {
    Coding coding = code.getCodingFirstRep();
    return OpaqueKeys.of("dx", patient.getSystem(), patient.getValue(), visit.orElse(""),
        coding.getSystem(), coding.getCode(), code.hasText() ? code.getText() : "");
  }

  static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }
}
