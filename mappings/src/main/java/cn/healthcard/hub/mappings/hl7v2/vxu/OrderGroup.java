package cn.healthcard.hub.mappings.hl7v2.vxu;

import ca.uhn.hl7v2.model.v251.segment.NTE;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.model.v251.segment.RXA;
import ca.uhn.hl7v2.model.v251.segment.RXR;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One ORDER group of a VXU (CDC IIS guide): an ORC, its RXA, the RXR and the OBXs (each with its
 * NTEs) that follow, read from the flattened segments in message order. An RXA without an ORC
 * before it is a group of its own; an ORC without an RXA is a group with {@code rxa} empty.
 */
public record OrderGroup(Optional<SegmentRef> orc, Optional<SegmentRef> rxa, Optional<SegmentRef> rxr,
    List<Observation> observations) {

  /** An OBX and the NTEs after it. */
  public record Observation(SegmentRef obx, List<SegmentRef> notes) {}

  public OrderGroup {
    observations = List.copyOf(observations);
  }

  /** The groups of a message, in order. */
  public static List<OrderGroup> read(List<SegmentRef> segments) {
    List<Builder> groups = new ArrayList<>();
    Builder current = null;
    for (SegmentRef s : segments) {
      if (s.is(PID.class)) {
        current = null;
      } else if (s.is(ORC.class)) {
        current = new Builder(s);
        groups.add(current);
      } else if (s.is(RXA.class)) {
        if (current == null || current.rxa != null) {
          current = new Builder(null);
          groups.add(current);
        }
        current.rxa = s;
      } else if (current != null && s.is(RXR.class) && current.rxr == null) {
        current.rxr = s;
      } else if (current != null && s.is(OBX.class)) {
        current.observations.add(new Observation(s, new ArrayList<>()));
      } else if (current != null && s.is(NTE.class) && !current.observations.isEmpty()) {
        current.observations.get(current.observations.size() - 1).notes().add(s);
      }
    }
    return groups.stream().map(Builder::build).toList();
  }

  private static final class Builder {
    final SegmentRef orc;
    SegmentRef rxa;
    SegmentRef rxr;
    final List<Observation> observations = new ArrayList<>();

    Builder(SegmentRef orc) {
      this.orc = orc;
    }

    OrderGroup build() {
      return new OrderGroup(Optional.ofNullable(orc), Optional.ofNullable(rxa), Optional.ofNullable(rxr),
          observations.stream().map(o -> new Observation(o.obx(), List.copyOf(o.notes()))).toList());
    }
  }
}
