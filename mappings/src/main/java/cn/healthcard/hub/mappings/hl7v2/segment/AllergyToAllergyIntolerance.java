package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.ST;
import ca.uhn.hl7v2.model.v251.segment.AL1;
import ca.uhn.hl7v2.model.v251.segment.IAM;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.OpaqueKeys;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCategory;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceCriticality;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceSeverity;
import org.hl7.fhir.r4.model.AllergyIntolerance.AllergyIntoleranceType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * AL1 (patient allergy information, in ADT) and IAM (patient adverse reaction information, in
 * ADT^A60) to AllergyIntolerance, after the v2-to-FHIR IG's segment maps:
 *
 * <ul>
 *   <li>AL1-2 / IAM-2 allergen type (table 0127) -> {@code category} (DA medication, FA food,
 *       EA/AA/PA/LA environment) and {@code type} allergy (for the allergy types, not MC);
 *   <li>AL1-3 / IAM-3 -> {@code code} (required);
 *   <li>AL1-4 / IAM-4 severity (table 0128) -> {@code criticality} (SV high, MO/MI low, U
 *       unable-to-assess) and each reaction's {@code severity};
 *   <li>AL1-5 / IAM-5 -> one {@code reaction} per repetition (the text as its manifestation);
 *   <li>AL1-6 / IAM-11 -> {@code onsetDateTime}; IAM-13 -> {@code recordedDate};
 *   <li>IAM-17 clinical status (table 0438) -> {@code verificationStatus} / {@code clinicalStatus}
 *       (C confirmed; U, P, S unconfirmed; I inactive; E entered-in-error); IAM-6 action D
 *       (delete) -> entered-in-error;
 * </ul>
 *
 * Each is a conditional update on an identifier in the sender's {@code allergy} namespace: IAM-7
 * (the sender's unique allergy id) when given, else an opaque digest of the patient's identifier
 * and the allergen code, so the same allergy reported again updates, never duplicates.
 */
public final class AllergyToAllergyIntolerance {
  private static final String CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
  private static final String VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
  private static final List<String> ALLERGY_TYPES = List.of("DA", "FA", "MA", "EA", "AA", "PA", "LA");

  private AllergyToAllergyIntolerance() {}

  /** AL1 of an ADT message. */
  public static void fromAl1(MappingContext ctx, SegmentRef ref, Identifier patientKey, String patientUrl) {
    AL1 al1 = ref.as(AL1.class);
    add(ctx, ref, patientKey, patientUrl, al1.getAl12_AllergenTypeCode(), al1.getAl13_AllergenCodeMnemonicDescription(),
        3, al1.getAl14_AllergySeverityCode(), al1.getAl15_AllergyReactionCode(),
        s(al1.getAl16_IdentificationDate()), 6, "", "", "", "");
  }

  /** IAM of an ADT^A60. */
  public static void fromIam(MappingContext ctx, SegmentRef ref, Identifier patientKey, String patientUrl) {
    IAM iam = ref.as(IAM.class);
    add(ctx, ref, patientKey, patientUrl, iam.getIam2_AllergenTypeCode(), iam.getIam3_AllergenCodeMnemonicDescription(),
        3, iam.getIam4_AllergySeverityCode(), iam.getIam5_AllergyReactionCode(),
        s(iam.getIam11_OnsetDate()), 11, s(iam.getIam13_ReportedDateTime().getTs1_Time()),
        s(iam.getIam17_AllergyClinicalStatusCode().getCe1_Identifier()),
        s(iam.getIam6_AllergyActionCode().getCne1_Identifier()),
        s(iam.getIam7_AllergyUniqueIdentifier().getEi1_EntityIdentifier()));
  }

  private static void add(MappingContext ctx, SegmentRef ref, Identifier patientKey, String patientUrl,
      CE typeCode, CE allergen, int allergenField, CE severityCode, ST[] reactions, String onset, int onsetField,
      String reported, String clinicalStatus, String action, String uniqueId) {
    Optional<CodeableConcept> code = Codes.concept(ctx, allergen);
    if (code.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(allergenField),
          ref.id() + "-" + allergenField + " (allergen) is required");
      return;
    }
    AllergyIntolerance allergy = ctx.stamp(new AllergyIntolerance());
    allergy.setCode(code.get());
    allergy.setPatient(new Reference(patientUrl));
    String type = s(typeCode.getCe1_Identifier());
    if (!type.isEmpty()) {
      category(type).ifPresent(allergy::addCategory);
      if (ALLERGY_TYPES.contains(type)) {
        allergy.setType(AllergyIntoleranceType.ALLERGY);
      }
    }
    String severity = s(severityCode.getCe1_Identifier());
    switch (severity) {
      case "SV" -> allergy.setCriticality(AllergyIntoleranceCriticality.HIGH);
      case "MO", "MI" -> allergy.setCriticality(AllergyIntoleranceCriticality.LOW);
      case "U" -> allergy.setCriticality(AllergyIntoleranceCriticality.UNABLETOASSESS);
      default -> { }
    }
    for (ST reaction : reactions) {
      String text = s(reaction);
      if (text.isEmpty()) {
        continue;
      }
      AllergyIntolerance.AllergyIntoleranceReactionComponent r = allergy.addReaction();
      r.addManifestation(new CodeableConcept().setText(text));
      switch (severity) {
        case "SV" -> r.setSeverity(AllergyIntoleranceSeverity.SEVERE);
        case "MO" -> r.setSeverity(AllergyIntoleranceSeverity.MODERATE);
        case "MI" -> r.setSeverity(AllergyIntoleranceSeverity.MILD);
        default -> { }
      }
    }
    if (!onset.isEmpty()) {
      ctx.dateTime(onset, ref.at(onsetField), ref.id() + "-" + onsetField).ifPresent(allergy::setOnset);
    }
    if (!reported.isEmpty()) {
      ctx.dateTime(reported, ref.at(13), "IAM-13").ifPresent(allergy::setRecordedDateElement);
    }
    boolean deleted = "D".equals(action) || "E".equals(clinicalStatus);
    if (deleted) {
      allergy.setVerificationStatus(concept(VERIFICATION, "entered-in-error"));
    } else {
      allergy.setClinicalStatus(concept(CLINICAL, "I".equals(clinicalStatus) ? "inactive" : "active"));
      switch (clinicalStatus) {
        case "C" -> allergy.setVerificationStatus(concept(VERIFICATION, "confirmed"));
        case "U", "P", "S" -> allergy.setVerificationStatus(concept(VERIFICATION, "unconfirmed"));
        default -> { }
      }
    }
    Identifier id = new Identifier().setSystem(ctx.sender().namespace("allergy"))
        .setValue(uniqueId.isEmpty() ? digest(patientKey, code.get()) : uniqueId);
    allergy.addIdentifier(id);
    ctx.transaction().updateWhere(allergy, SearchUrls.identifierQuery(List.of(id)));
  }

  private static Optional<AllergyIntoleranceCategory> category(String type) {
    return Optional.ofNullable(switch (type) {
      case "DA" -> AllergyIntoleranceCategory.MEDICATION;
      case "FA" -> AllergyIntoleranceCategory.FOOD;
      case "EA", "AA", "PA", "LA" -> AllergyIntoleranceCategory.ENVIRONMENT;
      default -> null;
    });
  }

  private static CodeableConcept concept(String system, String code) {
    return new CodeableConcept().addCoding(new Coding(system, code, null));
  }

  /** An opaque, stable key: the patient's identifier and the allergen, hashed (no MRN in clear). */
  private static String digest(Identifier patient, CodeableConcept allergen) {
    Coding coding = allergen.getCodingFirstRep();
    return OpaqueKeys.of("al", patient.getSystem(), patient.getValue(), coding.getSystem(), coding.getCode(),
        allergen.hasText() ? allergen.getText() : "");
  }
}
