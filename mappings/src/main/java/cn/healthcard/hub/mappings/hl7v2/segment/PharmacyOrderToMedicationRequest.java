package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.RXE;
import ca.uhn.hl7v2.model.v251.segment.RXR;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Numbers;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestIntent;
import org.hl7.fhir.r4.model.MedicationRequest.MedicationRequestStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;

/**
 * A pharmacy order (ORC with its RXE and RXR, in RDE^O11/O25) to a MedicationRequest, after the
 * v2-to-FHIR IG's RXE[MedicationRequest] map:
 *
 * <ul>
 *   <li>identifiers and status as for any order (see {@link OrderToServiceRequest}): ORC-2 placer
 *       (key), ORC-3 filler; ORC-5/ORC-1 active, on-hold, completed, entered-in-error; a
 *       discontinue (DC, OD) stopped, other cancels cancelled;
 *   <li>RXE-2 -> {@code medicationCodeableConcept} (required); ORC-9 {@code authoredOn}; ORC-12
 *       {@code requester}; RXE-27 {@code reasonCode};
 *   <li>one {@code dosageInstruction}: RXE-3/RXE-5 dose, RXR-1 route, RXE-7 as its text;
 *   <li>{@code dispenseRequest}: RXE-10/RXE-11 quantity, RXE-12 repeats.
 * </ul>
 */
public final class PharmacyOrderToMedicationRequest {

  private PharmacyOrderToMedicationRequest() {}

  /** @return the MedicationRequest's fullUrl, or empty (errors recorded) */
  public static Optional<String> add(MappingContext ctx, SegmentRef orcRef, Optional<SegmentRef> rxeRef,
      Optional<SegmentRef> rxrRef, String patientUrl, Optional<String> encounterUrl) {
    ORC orc = orcRef.as(ORC.class);
    Optional<Identifier> placer = OrderToServiceRequest.identifier(ctx, orc.getOrc2_PlacerOrderNumber(),
        Optional.empty(), "placer-order", "PLAC");
    Optional<Identifier> filler = OrderToServiceRequest.identifier(ctx, orc.getOrc3_FillerOrderNumber(),
        Optional.empty(), "filler-order", "FILL");
    if (placer.isEmpty() && filler.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, orcRef.at(2),
          "ORC-2 (placer order number) or ORC-3 (filler order number) is required to identify the order");
      return Optional.empty();
    }
    if (rxeRef.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("RXE", orcRef.sequence()),
          "each ORC of a pharmacy order needs its RXE");
      return Optional.empty();
    }
    RXE rxe = rxeRef.get().as(RXE.class);
    Optional<CodeableConcept> medication = Codes.concept(ctx, rxe.getRxe2_GiveCode());
    if (medication.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, rxeRef.get().at(2), "RXE-2 (give code) is required");
      return Optional.empty();
    }
    String control = s(orc.getOrc1_OrderControl());
    Optional<MedicationRequestStatus> status = status(s(orc.getOrc5_OrderStatus()), control);
    if (status.isEmpty()) {
      ctx.error(control.isEmpty() ? ErrorCode.REQUIRED_FIELD_MISSING : ErrorCode.TABLE_VALUE_NOT_FOUND, orcRef.at(1),
          "ORC-1 must be an order control code of HL7 table 0119 the hub applies to an order");
      return Optional.empty();
    }
    MedicationRequest request = ctx.stamp(new MedicationRequest());
    placer.ifPresent(request::addIdentifier);
    filler.ifPresent(request::addIdentifier);
    request.setStatus(status.get());
    request.setIntent(MedicationRequestIntent.ORDER);
    request.setMedication(medication.get());
    request.setSubject(new Reference(patientUrl));
    encounterUrl.ifPresent(e -> request.setEncounter(new Reference(e)));
    ctx.dateTime(s(orc.getOrc9_DateTimeOfTransaction().getTs1_Time()), orcRef.at(9), "ORC-9")
        .ifPresent(request::setAuthoredOnElement);
    for (XCN xcn : orc.getOrc12_OrderingProvider()) {
      Optional<Reference> requester = XcnToPractitioner.reference(ctx, xcn);
      if (requester.isPresent()) {
        request.setRequester(requester.get());
        break;
      }
    }
    for (CE indication : rxe.getRxe27_GiveIndication()) {
      Codes.concept(ctx, indication).ifPresent(request::addReasonCode);
    }
    Dosage dosage = new Dosage();
    quantity(ctx, s(rxe.getRxe3_GiveAmountMinimum()), rxeRef.get().at(3), "RXE-3", rxe.getRxe5_GiveUnits())
        .ifPresent(q -> dosage.addDoseAndRate().setDose(q));
    rxrRef.flatMap(r -> Codes.concept(ctx, r.as(RXR.class).getRxr1_Route())).ifPresent(dosage::setRoute);
    StringBuilder text = new StringBuilder();
    for (CE instruction : rxe.getRxe7_ProviderSAdministrationInstructions()) {
      String line = !s(instruction.getCe2_Text()).isEmpty() ? s(instruction.getCe2_Text()) : s(instruction.getCe1_Identifier());
      if (!line.isEmpty()) {
        text.append(text.length() == 0 ? "" : "; ").append(line);
      }
    }
    if (text.length() > 0) {
      dosage.setText(text.toString());
    }
    if (!dosage.isEmpty()) {
      request.addDosageInstruction(dosage);
    }
    quantity(ctx, s(rxe.getRxe10_DispenseAmount()), rxeRef.get().at(10), "RXE-10", rxe.getRxe11_DispenseUnits())
        .ifPresent(q -> request.getDispenseRequest().setQuantity(q));
    String refills = s(rxe.getRxe12_NumberOfRefills());
    if (!refills.isEmpty()) {
      try {
        request.getDispenseRequest().setNumberOfRepeatsAllowed(Integer.parseInt(refills));
      } catch (NumberFormatException e) {
        ctx.error(ErrorCode.DATA_TYPE_ERROR, rxeRef.get().at(12), "RXE-12 (number of refills) must be a whole number");
      }
    }
    Identifier key = placer.orElseGet(filler::get);
    return Optional.of(ctx.transaction().updateWhere(request, SearchUrls.identifierQuery(List.of(key))));
  }

  /** The order's status by the rules every order follows, in MedicationRequest's terms. */
  static Optional<MedicationRequestStatus> status(String orderStatus, String control) {
    if ("DC".equals(orderStatus) || ("DC".equals(control) || "OD".equals(control)) && orderStatus.isEmpty()) {
      return Optional.of(MedicationRequestStatus.STOPPED);
    }
    return OrderToServiceRequest.status(orderStatus, control).map(s -> switch (s) {
      case ACTIVE -> MedicationRequestStatus.ACTIVE;
      case ONHOLD -> MedicationRequestStatus.ONHOLD;
      case COMPLETED -> MedicationRequestStatus.COMPLETED;
      case ENTEREDINERROR -> MedicationRequestStatus.ENTEREDINERROR;
      case REVOKED -> MedicationRequestStatus.CANCELLED;
      default -> MedicationRequestStatus.UNKNOWN;
    });
  }

  /** An NM amount with its CE units (UCUM when CE-3 says so, else the sender's code) as a Quantity. */
  static Optional<Quantity> quantity(MappingContext ctx, String amount, ErrorLocation where, String name, CE units) {
    Optional<BigDecimal> value = Numbers.decimal(ctx, amount, where, name);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    Quantity quantity = new Quantity().setValue(value.get());
    Codes.concept(ctx, units).ifPresent(u -> {
      var coding = u.getCodingFirstRep();
      if (coding.hasCode()) {
        quantity.setSystem(coding.getSystem()).setCode(coding.getCode());
        quantity.setUnit(coding.hasDisplay() ? coding.getDisplay() : coding.getCode());
      } else if (u.hasText()) {
        quantity.setUnit(u.getText());
      }
    });
    return Optional.of(quantity);
  }
}
