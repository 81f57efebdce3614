package cn.healthcard.hub.mappings.hl7v2.parse;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The orders of an order message (ORM, OML, OMG, RDE, RDS): each ORC starts one, and the
 * segments after it, up to the next ORC, belong to it. Read from the flat segment list, so a
 * later version's extra segments between them do not matter.
 */
public final class OrderGroups {

  /** One order: its ORC and the first segment of each wanted kind after it. */
  public record Order(SegmentRef orc, Map<String, SegmentRef> details) {
    public Optional<SegmentRef> first(String id) {
      return Optional.ofNullable(details.get(id));
    }
  }

  private OrderGroups() {}

  /** The orders of the message, in order; {@code wanted} names the segments to pick up after each ORC. */
  public static List<Order> of(ParsedMessage message, Set<String> wanted) {
    List<SegmentRef> segments = message.segments();
    List<Order> orders = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      if (!segments.get(i).id().equals("ORC")) {
        continue;
      }
      Map<String, SegmentRef> details = new LinkedHashMap<>();
      for (int j = i + 1; j < segments.size() && !segments.get(j).id().equals("ORC"); j++) {
        SegmentRef s = segments.get(j);
        if (wanted.contains(s.id())) {
          details.putIfAbsent(s.id(), s);
        }
      }
      orders.add(new Order(segments.get(i), details));
    }
    return orders;
  }
}
