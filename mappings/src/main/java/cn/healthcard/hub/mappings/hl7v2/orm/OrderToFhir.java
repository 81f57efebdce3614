package cn.healthcard.hub.mappings.hl7v2.orm;

import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.TQ1;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.OrderToServiceRequest;
import cn.healthcard.hub.mappings.hl7v2.segment.ReferencedPatient;
import java.util.List;
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
    List<SegmentRef> segments = ctx.message().segments();
    boolean anyOrder = false;
    for (int i = 0; i < segments.size(); i++) {
      if (!segments.get(i).is(ORC.class)) {
        continue;
      }
      anyOrder = true;
      Optional<SegmentRef> obr = Optional.empty();
      Optional<SegmentRef> tq1 = Optional.empty();
      for (int j = i + 1; j < segments.size() && !segments.get(j).is(ORC.class); j++) {
        SegmentRef s = segments.get(j);
        if (obr.isEmpty() && s.is(OBR.class)) {
          obr = Optional.of(s);
        } else if (tq1.isEmpty() && s.is(TQ1.class)) {
          tq1 = Optional.of(s);
        }
      }
      OrderToServiceRequest.add(ctx, segments.get(i), obr, tq1, refs.get().patientUrl(), refs.get().encounterUrl());
    }
    if (!anyOrder) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("ORC", 1), "an order message needs an ORC segment");
    }
    return Optional.of(refs.get().patientUrl());
  }
}
