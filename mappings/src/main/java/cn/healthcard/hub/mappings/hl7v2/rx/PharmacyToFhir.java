package cn.healthcard.hub.mappings.hl7v2.rx;

import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.OrderGroups;
import cn.healthcard.hub.mappings.hl7v2.segment.DispenseToMedicationDispense;
import cn.healthcard.hub.mappings.hl7v2.segment.PharmacyOrderToMedicationRequest;
import cn.healthcard.hub.mappings.hl7v2.segment.ReferencedPatient;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pharmacy messages: RDE^O11 (encoded order) and RDE^O25 (refill authorization) to
 * MedicationRequests, RDS^O13 (dispense) to MedicationDispenses. Each ORC starts an order; the
 * RXE or RXD and the RXR after it (before the next ORC) belong to it. The Patient and Encounter
 * are referred to, not described.
 */
public final class PharmacyToFhir {

  private PharmacyToFhir() {}

  public static Optional<String> map(MappingContext ctx, String organizationUrl) {
    Optional<ReferencedPatient.Refs> refs = ReferencedPatient.add(ctx, organizationUrl);
    if (refs.isEmpty()) {
      return Optional.empty();
    }
    boolean dispense = "RDS".equals(ctx.messageType());
    List<OrderGroups.Order> orders = OrderGroups.of(ctx.message(), Set.of("RXE", "RXD", "RXR"));
    for (OrderGroups.Order order : orders) {
      if (dispense) {
        DispenseToMedicationDispense.add(ctx, order.orc(), order.first("RXD"), order.first("RXR"),
            refs.get().patientUrl(), refs.get().encounterUrl());
      } else {
        PharmacyOrderToMedicationRequest.add(ctx, order.orc(), order.first("RXE"), order.first("RXR"),
            refs.get().patientUrl(), refs.get().encounterUrl());
      }
    }
    boolean anyOrder = !orders.isEmpty();
    if (!anyOrder) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("ORC", 1), "a pharmacy message needs an ORC segment");
    }
    return Optional.of(refs.get().patientUrl());
  }
}
