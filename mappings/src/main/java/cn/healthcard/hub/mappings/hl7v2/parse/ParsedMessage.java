package cn.healthcard.hub.mappings.hl7v2.parse;

import ca.uhn.hl7v2.model.GenericSegment;
import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Segment;
import ca.uhn.hl7v2.model.v251.segment.MSH;
import cn.healthcard.hub.mappings.hl7v2.codec.Delimiters;
import java.util.List;
import java.util.Optional;

/**
 * A message parsed into v2.5.1 structures, flattened into its non-empty segments in message
 * order.
 *
 * @param text the normalised text that was parsed (segments ended by CR)
 */
public record ParsedMessage(Message message, List<SegmentRef> segments, Delimiters delimiters, String text) {

  public ParsedMessage {
    segments = List.copyOf(segments);
  }

  public MSH msh() {
    return (MSH) segments.get(0).segment();
  }

  /** The first typed segment with this id (a segment HAPI could only keep generic is skipped). */
  public Optional<SegmentRef> first(String id) {
    return segments.stream().filter(s -> s.id().equals(id) && !(s.segment() instanceof GenericSegment)).findFirst();
  }

  /** The typed segments with this id, in message order. */
  public List<SegmentRef> all(String id) {
    return segments.stream().filter(s -> s.id().equals(id) && !(s.segment() instanceof GenericSegment)).toList();
  }

  public <T extends Segment> Optional<T> first(Class<T> type) {
    return segments.stream().filter(s -> type.isInstance(s.segment())).map(s -> type.cast(s.segment())).findFirst();
  }
}
