package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.datatype.EI;
import ca.uhn.hl7v2.model.v251.segment.SPM;
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
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Specimen;

/**
 * SPM (specimen, in OUL^R22-R24 and ORU) to a Specimen, after the v2-to-FHIR IG's SPM[Specimen]
 * map: SPM-2 filler (else placer) id -> the key (the placer's as a second identifier), in its EI-2 namespace or the sender's
 * {@code specimen} namespace (without one, a digest of the message and SPM-1); SPM-4 {@code type}
 * (required); SPM-7 collection method, SPM-8 body site, SPM-17 collected time (a period when
 * DR-2 is valued); SPM-18 {@code receivedTime}; SPM-24 {@code condition}; SPM-14 notes.
 */
public final class SpecimenToSpecimen {

  private SpecimenToSpecimen() {}

  /** @return the Specimen's fullUrl, or empty (an error recorded) when SPM-4 is missing */
  public static Optional<String> add(MappingContext ctx, SegmentRef ref, String patientUrl) {
    SPM spm = ref.as(SPM.class);
    Optional<CodeableConcept> type = Codes.concept(ctx, spm.getSpm4_SpecimenType());
    if (type.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(4), "SPM-4 (specimen type) is required");
      return Optional.empty();
    }
    Specimen specimen = ctx.stamp(new Specimen());
    specimen.setStatus(Specimen.SpecimenStatus.AVAILABLE);
    specimen.setType(type.get());
    specimen.setSubject(new Reference(patientUrl));
    Codes.concept(ctx, spm.getSpm7_SpecimenCollectionMethod()).ifPresent(m -> specimen.getCollection().setMethod(m));
    Codes.concept(ctx, spm.getSpm8_SpecimenSourceSite()).ifPresent(b -> specimen.getCollection().setBodySite(b));
    var start = ctx.dateTime(s(spm.getSpm17_SpecimenCollectionDateTime().getDr1_RangeStartDateTime().getTs1_Time()),
        ref.at(17, 1, 1), "SPM-17.1");
    var end = ctx.dateTime(s(spm.getSpm17_SpecimenCollectionDateTime().getDr2_RangeEndDateTime().getTs1_Time()),
        ref.at(17, 1, 2), "SPM-17.2");
    if (end.isPresent()) {
      Period period = new Period().setEndElement(end.get());
      start.ifPresent(period::setStartElement);
      specimen.getCollection().setCollected(period);
    } else {
      start.ifPresent(t -> specimen.getCollection().setCollected(t));
    }
    ctx.dateTime(s(spm.getSpm18_SpecimenReceivedDateTime().getTs1_Time()), ref.at(18), "SPM-18")
        .ifPresent(specimen::setReceivedTimeElement);
    for (CWE condition : spm.getSpm24_SpecimenCondition()) {
      Codes.concept(ctx, condition).ifPresent(specimen::addCondition);
    }
    for (var description : spm.getSpm14_SpecimenDescription()) {
      if (!s(description).isEmpty()) {
        specimen.addNote().setText(s(description));
      }
    }
    EI filler = spm.getSpm2_SpecimenID().getEip2_FillerAssignedIdentifier();
    EI placer = spm.getSpm2_SpecimenID().getEip1_PlacerAssignedIdentifier();
    EI chosen = !s(filler.getEi1_EntityIdentifier()).isEmpty() ? filler
        : !s(placer.getEi1_EntityIdentifier()).isEmpty() ? placer : null;
    Identifier id = chosen != null ? Identifiers.fromEi(ctx, chosen, ctx.sender().namespace("specimen"))
        : new Identifier().setSystem(ctx.sender().namespace("specimen"))
            .setValue(OpaqueKeys.of("sp", ctx.sender().key(), ctx.controlId(), s(spm.getSpm1_SetIDSPM())));
    specimen.addIdentifier(id);
    if (chosen == filler && !s(placer.getEi1_EntityIdentifier()).isEmpty()) {
      specimen.addIdentifier(Identifiers.fromEi(ctx, placer, ctx.sender().namespace("specimen")));
    }
    return Optional.of(ctx.transaction().updateWhere(specimen, SearchUrls.identifierQuery(List.of(id))));
  }
}
