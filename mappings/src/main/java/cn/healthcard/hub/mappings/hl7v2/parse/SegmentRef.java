package cn.healthcard.hub.mappings.hl7v2.parse;

import ca.uhn.hl7v2.model.Segment;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;

/**
 * One segment of a parsed message with its position: {@code sequence} is the 1-based
 * occurrence of its segment id in the message, as ERR-2.2 counts it.
 */
public record SegmentRef(Segment segment, String id, int sequence, int index) {

  public ErrorLocation at(int field) {
    return ErrorLocation.field(id, sequence, field);
  }

  public ErrorLocation at(int field, int repetition) {
    return ErrorLocation.repetition(id, sequence, field, repetition);
  }

  public ErrorLocation at(int field, int repetition, int component) {
    return ErrorLocation.component(id, sequence, field, repetition, component);
  }

  public <T extends Segment> T as(Class<T> type) {
    return type.cast(segment);
  }

  public boolean is(Class<? extends Segment> type) {
    return type.isInstance(segment);
  }
}
