package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.datatype.EI;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.TQ1;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestIntent;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;

/**
 * An order (ORC, with its OBR when there is one) to a ServiceRequest, after the v2-to-FHIR IG's
 * ORC[ServiceRequest] and OBR[ServiceRequest] maps:
 *
 * <ul>
 *   <li>identifiers: ORC-2 (else OBR-2) placer number in the sender's {@code placer-order}
 *       namespace (type PLAC), ORC-3 (else OBR-3) filler number in {@code filler-order} (FILL), the
 *       same namespaces a result's DiagnosticReport uses, so a result finds its order; the request
 *       is keyed by the placer number, else the filler number;
 *   <li>status from ORC-5 (table 0038) when sent, else from ORC-1 (table 0119): NW, XO, RL, RP,
 *       SN active; CA, OC, DC, OD revoked; HD, OH on-hold; SC needs ORC-5 (active without it);
 *   <li>OBR-4 {@code code}; ORC-9 {@code authoredOn}; ORC-12 (else OBR-16) {@code requester};
 *       TQ1-9 (else ORC-7.6, OBR-27.6) priority S stat, A asap, R routine; TQ1-7 (else OBR-7)
 *       {@code occurrenceDateTime}; OBR-31 {@code reasonCode}; ORC-16 (order control reason) as a
 *       {@code note} (R4's ServiceRequest has no status reason).
 * </ul>
 */
public final class OrderToServiceRequest {

  private OrderToServiceRequest() {}

  /**
   * Adds the ServiceRequest an order message describes (a conditional update on its key).
   *
   * @param obrRef the order's OBR, if any
   * @param tq1Ref the order's TQ1, if any
   * @return the ServiceRequest's fullUrl, or empty (errors recorded) when the order names no number
   */
  public static Optional<String> add(MappingContext ctx, SegmentRef orcRef, Optional<SegmentRef> obrRef,
      Optional<SegmentRef> tq1Ref, String patientUrl, Optional<String> encounterUrl) {
    ORC orc = orcRef.as(ORC.class);
    Optional<OBR> obr = obrRef.map(r -> r.as(OBR.class));
    Optional<Identifier> placer = identifier(ctx, orc.getOrc2_PlacerOrderNumber(),
        obr.map(OBR::getObr2_PlacerOrderNumber), "placer-order", "PLAC");
    Optional<Identifier> filler = identifier(ctx, orc.getOrc3_FillerOrderNumber(),
        obr.map(OBR::getObr3_FillerOrderNumber), "filler-order", "FILL");
    if (placer.isEmpty() && filler.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, orcRef.at(2),
          "ORC-2 (placer order number) or ORC-3 (filler order number) is required to identify the order");
      return Optional.empty();
    }
    String control = s(orc.getOrc1_OrderControl());
    if (control.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, orcRef.at(1), "ORC-1 (order control) is required");
      return Optional.empty();
    }
    Optional<ServiceRequestStatus> status = status(s(orc.getOrc5_OrderStatus()), control);
    if (status.isEmpty()) {
      ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, orcRef.at(1),
          "ORC-1 is not an order control code of HL7 table 0119 the hub applies to an order");
      return Optional.empty();
    }
    ServiceRequest request = ctx.stamp(new ServiceRequest());
    placer.ifPresent(request::addIdentifier);
    filler.ifPresent(request::addIdentifier);
    request.setStatus(status.get());
    request.setIntent(ServiceRequestIntent.ORDER);
    request.setSubject(new Reference(patientUrl));
    encounterUrl.ifPresent(e -> request.setEncounter(new Reference(e)));
    obr.flatMap(o -> Codes.concept(ctx, o.getObr4_UniversalServiceIdentifier())).ifPresent(request::setCode);
    ctx.dateTime(s(orc.getOrc9_DateTimeOfTransaction().getTs1_Time()), orcRef.at(9), "ORC-9")
        .ifPresent(request::setAuthoredOnElement);
    XCN[] requesters = orc.getOrc12_OrderingProvider();
    if ((requesters.length == 0 || cn.healthcard.hub.mappings.hl7v2.datatype.V2.isEmpty(requesters[0])) && obr.isPresent()) {
      requesters = obr.get().getObr16_OrderingProvider();
    }
    for (XCN xcn : requesters) {
      Optional<Reference> practitioner = XcnToPractitioner.reference(ctx, xcn);
      if (practitioner.isPresent()) {
        request.setRequester(practitioner.get());
        break;
      }
    }
    priority(orc, obr, tq1Ref.map(t -> t.as(TQ1.class))).ifPresent(request::setPriority);
    Optional<org.hl7.fhir.r4.model.DateTimeType> when = tq1Ref.flatMap(t ->
        ctx.dateTime(s(t.as(TQ1.class).getTq17_StartDateTime().getTs1_Time()), t.at(7), "TQ1-7"));
    if (when.isEmpty() && obrRef.isPresent()) {
      when = ctx.dateTime(s(obr.get().getObr7_ObservationDateTime().getTs1_Time()), obrRef.get().at(7), "OBR-7");
    }
    when.ifPresent(request::setOccurrence);
    if (obr.isPresent()) {
      for (CE reason : obr.get().getObr31_ReasonForStudy()) {
        Codes.concept(ctx, reason).ifPresent(request::addReasonCode);
      }
    }
    Codes.concept(ctx, orc.getOrc16_OrderControlCodeReason()).ifPresent(reason -> request.addNote().setText(
        "order control reason: " + (reason.hasText() ? reason.getText()
            : reason.getCodingFirstRep().hasDisplay() ? reason.getCodingFirstRep().getDisplay()
            : reason.getCodingFirstRep().getCode())));
    Identifier key = placer.orElseGet(filler::get);
    return Optional.of(ctx.transaction().updateWhere(request, SearchUrls.identifierQuery(List.of(key))));
  }

  /**
   * The order a result answers (ORU: OBR-2, else OBR-3): created when the hub has not seen it,
   * left as it is when it has (the order feed owns it). Empty when OBR names neither number.
   */
  public static Optional<String> referenced(MappingContext ctx, SegmentRef obrRef, String patientUrl) {
    OBR obr = obrRef.as(OBR.class);
    Optional<Identifier> placer = identifier(ctx, obr.getObr2_PlacerOrderNumber(), Optional.empty(), "placer-order", "PLAC");
    Optional<Identifier> filler = identifier(ctx, obr.getObr3_FillerOrderNumber(), Optional.empty(), "filler-order", "FILL");
    if (placer.isEmpty() && filler.isEmpty()) {
      return Optional.empty();
    }
    ServiceRequest request = ctx.stamp(new ServiceRequest());
    placer.ifPresent(request::addIdentifier);
    filler.ifPresent(request::addIdentifier);
    request.setStatus(ServiceRequestStatus.ACTIVE);
    request.setIntent(ServiceRequestIntent.ORDER);
    request.setSubject(new Reference(patientUrl));
    Codes.concept(ctx, obr.getObr4_UniversalServiceIdentifier()).ifPresent(request::setCode);
    Identifier key = placer.orElseGet(filler::get);
    return Optional.of(ctx.transaction().createIfNoneExist(request, SearchUrls.identifierQuery(List.of(key))));
  }

  static Optional<Identifier> identifier(MappingContext ctx, EI primary, Optional<EI> fallback,
      String namespace, String type) {
    EI ei = !s(primary.getEi1_EntityIdentifier()).isEmpty() ? primary
        : fallback.filter(f -> !s(f.getEi1_EntityIdentifier()).isEmpty()).orElse(null);
    if (ei == null) {
      return Optional.empty();
    }
    Identifier id = Identifiers.fromEi(ctx, ei, ctx.sender().namespace(namespace));
    Identifiers.type(ctx, type, id);
    return Optional.of(id);
  }

  /** ORC-5 (table 0038) when it is one, else ORC-1 (table 0119); empty for a control code that is not an order change. */
  static Optional<ServiceRequestStatus> status(String orderStatus, String control) {
    ServiceRequestStatus byStatus = switch (orderStatus) {
      case "A", "IP", "SC" -> ServiceRequestStatus.ACTIVE;
      case "CM" -> ServiceRequestStatus.COMPLETED;
      case "CA", "DC", "RP" -> ServiceRequestStatus.REVOKED;
      case "HD" -> ServiceRequestStatus.ONHOLD;
      case "ER" -> ServiceRequestStatus.ENTEREDINERROR;
      default -> null;
    };
    if (byStatus != null) {
      return Optional.of(byStatus);
    }
    return Optional.ofNullable(switch (control) {
      case "NW", "XO", "RL", "RP", "SN", "SC", "OK", "UA" -> ServiceRequestStatus.ACTIVE;
      case "CA", "OC", "DC", "OD", "CR", "DR" -> ServiceRequestStatus.REVOKED;
      case "HD", "OH", "HR" -> ServiceRequestStatus.ONHOLD;
      default -> null;
    });
  }

  private static Optional<ServiceRequestPriority> priority(ORC orc, Optional<OBR> obr, Optional<TQ1> tq1) {
    String code = "";
    if (tq1.isPresent()) {
      for (CWE p : tq1.get().getTq19_Priority()) {
        code = s(p.getCwe1_Identifier());
        if (!code.isEmpty()) {
          break;
        }
      }
    }
    if (code.isEmpty() && orc.getOrc7_QuantityTimingReps() > 0) {
      code = s(orc.getOrc7_QuantityTiming(0).getTq6_Priority());
    }
    if (code.isEmpty() && obr.isPresent() && obr.get().getObr27_QuantityTimingReps() > 0) {
      code = s(obr.get().getObr27_QuantityTiming(0).getTq6_Priority());
    }
    return Optional.ofNullable(switch (code) {
      case "S" -> ServiceRequestPriority.STAT;
      case "A" -> ServiceRequestPriority.ASAP;
      case "R" -> ServiceRequestPriority.ROUTINE;
      default -> null;
    });
  }
}
