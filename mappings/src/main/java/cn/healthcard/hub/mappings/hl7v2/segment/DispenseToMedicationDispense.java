package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.RXD;
import ca.uhn.hl7v2.model.v251.segment.RXR;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.OpaqueKeys;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationDispense;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.Reference;

/**
 * A dispense (ORC with its RXD and RXR, in RDS^O13) to a MedicationDispense, after the v2-to-FHIR
 * IG's RXD[MedicationDispense] map: RXD-2 {@code medicationCodeableConcept} (required), RXD-3
 * {@code whenHandedOver}, RXD-4/RXD-5 {@code quantity}, RXD-10 {@code performer}, RXD-9
 * {@code note}s, RXR-1 the dosage's route; status completed (ORC-1 CA/DC/OC: cancelled). It is
 * {@code authorizingPrescription} of the order the ORC names (created when the hub has not seen
 * it, left as it is when it has: the order feed owns it). Keyed by RXD-7 (prescription number)
 * with RXD-1 (dispense counter) in the sender's {@code dispense} namespace, else a digest of the
 * order, the counter and RXD-3.
 */
public final class DispenseToMedicationDispense {

  private DispenseToMedicationDispense() {}

  public static Optional<String> add(MappingContext ctx, SegmentRef orcRef, Optional<SegmentRef> rxdRef,
      Optional<SegmentRef> rxrRef, String patientUrl, Optional<String> encounterUrl) {
    ORC orc = orcRef.as(ORC.class);
    if (rxdRef.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("RXD", orcRef.sequence()),
          "each ORC of a dispense needs its RXD");
      return Optional.empty();
    }
    RXD rxd = rxdRef.get().as(RXD.class);
    Optional<CodeableConcept> medication = Codes.concept(ctx, rxd.getRxd2_DispenseGiveCode());
    if (medication.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, rxdRef.get().at(2), "RXD-2 (dispense/give code) is required");
      return Optional.empty();
    }
    Optional<Identifier> placer = OrderToServiceRequest.identifier(ctx, orc.getOrc2_PlacerOrderNumber(),
        Optional.empty(), "placer-order", "PLAC");
    Optional<Identifier> filler = OrderToServiceRequest.identifier(ctx, orc.getOrc3_FillerOrderNumber(),
        Optional.empty(), "filler-order", "FILL");
    MedicationDispense dispense = ctx.stamp(new MedicationDispense());
    String control = s(orc.getOrc1_OrderControl());
    dispense.setStatus(switch (control) {
      case "CA", "DC", "OC" -> MedicationDispense.MedicationDispenseStatus.CANCELLED;
      default -> MedicationDispense.MedicationDispenseStatus.COMPLETED;
    });
    dispense.setMedication(medication.get());
    dispense.setSubject(new Reference(patientUrl));
    encounterUrl.ifPresent(e -> dispense.setContext(new Reference(e)));
    String dispensed = s(rxd.getRxd3_DateTimeDispensed().getTs1_Time());
    ctx.dateTime(dispensed, rxdRef.get().at(3), "RXD-3").ifPresent(dispense::setWhenHandedOverElement);
    PharmacyOrderToMedicationRequest.quantity(ctx, s(rxd.getRxd4_ActualDispenseAmount()), rxdRef.get().at(4), "RXD-4",
        rxd.getRxd5_ActualDispenseUnits()).ifPresent(dispense::setQuantity);
    for (XCN xcn : rxd.getRxd10_DispensingProvider()) {
      XcnToPractitioner.reference(ctx, xcn).ifPresent(actor -> dispense.addPerformer().setActor(actor));
    }
    for (var note : rxd.getRxd9_DispenseNotes()) {
      if (!s(note).isEmpty()) {
        dispense.addNote().setText(s(note));
      }
    }
    rxrRef.flatMap(r -> Codes.concept(ctx, r.as(RXR.class).getRxr1_Route()))
        .ifPresent(route -> dispense.addDosageInstruction().setRoute(route));
    Optional<Identifier> order = placer.or(() -> filler);
    order.ifPresent(key -> {
      MedicationRequest request = ctx.stamp(new MedicationRequest());
      placer.ifPresent(request::addIdentifier);
      filler.ifPresent(request::addIdentifier);
      request.setStatus(MedicationRequestStatus.ACTIVE);
      request.setIntent(MedicationRequestIntent.ORDER);
      request.setMedication(medication.get().copy());
      request.setSubject(new Reference(patientUrl));
      dispense.addAuthorizingPrescription(new Reference(
          ctx.transaction().createIfNoneExist(request, SearchUrls.identifierQuery(List.of(key)))));
    });
    String prescription = s(rxd.getRxd7_PrescriptionNumber());
    String counter = s(rxd.getRxd1_DispenseSubIDCounter());
    Identifier id = new Identifier().setSystem(ctx.sender().namespace("dispense")).setValue(!prescription.isEmpty()
        ? prescription + (counter.isEmpty() ? "" : "-" + counter)
        : OpaqueKeys.of("rx", order.map(Identifier::getSystem).orElse(""), order.map(Identifier::getValue).orElse(""),
            counter, dispensed, ctx.controlId()));
    dispense.addIdentifier(id);
    return Optional.of(ctx.transaction().updateWhere(dispense, SearchUrls.identifierQuery(List.of(id))));
  }
}
