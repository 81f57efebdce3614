package cn.healthcard.hub.mappings.hl7v2.orm;

import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.OrderGroups;
import cn.healthcard.hub.mappings.hl7v2.segment.OrderToServiceRequest;
import cn.healthcard.hub.mappings.hl7v2.segment.ReferencedPatient;
import java.util.List;
import java.util.Set;
import java.util.Optional;

/**
 * Order messages (ORM^O01, OML^O21 laboratory, OMG^O19 general clinical) to ServiceRequests: each
 * ORC starts an order, the OBR and TQ1 after it (before the next ORC) belong to it. New orders,
 * changes, holds, releases and cancellations all update the same ServiceRequest (its key is the
 * placer order number). The Patient and Encounter are referred to, not described (conditional
 * creates, as in results).
 */
public final class OrderToFhir {

  private OrderToFhir() {}

  public static Optional<String> map(MappingContext ctx, String organizationUrl) {
    Optional<ReferencedPatient.Refs> refs = ReferencedPatient.add(ctx, organizationUrl);
    if (refs.isEmpty()) {
      return Optional.empty();
    }
    List<OrderGroups.Order> orders = OrderGroups.of(ctx.message(), Set.of("OBR", "TQ1"));
    for (OrderGroups.Order order : orders) {
      OrderToServiceRequest.add(ctx, order.orc(), order.first("OBR"), order.first("TQ1"), refs.get().patientUrl(),
          refs.get().encounterUrl());
    }
    boolean anyOrder = !orders.isEmpty();
    if (!anyOrder) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("ORC", 1), "an order message needs an ORC segment");
    }
    return Optional.of(refs.get().patientUrl());
  }
}
