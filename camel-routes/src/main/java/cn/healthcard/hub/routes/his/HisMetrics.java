package cn.healthcard.hub.routes.his;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Counters per sender, message type and outcome ({@code hub.hl7v2.messages}), and the time from
 * receipt to ACK ({@code hub.hl7v2.ack}). Tags carry facility ids and message types only, never
 * message content.
 */
public final class HisMetrics {

  public enum Outcome {
    /** AA: recorded durably, queued. */
    ACCEPTED,
    /** AA again for a message seen before (same sender and control id); nothing written. */
    DUPLICATE,
    /** AE: content errors. */
    ERROR,
    /** A query (QBP) answered from the repository. */
    QUERY,
    /** AR: unsupported type, event, version, processing id or charset. */
    REJECTED,
    /** Written to the FHIR repository. */
    STORED,
    /** Processing failed after the ACK: now a dead letter. */
    FAILED
  }

  private final MeterRegistry registry;

  public HisMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  public void count(String sender, String messageType, Outcome outcome) {
    Counter.builder("hub.hl7v2.messages")
        .description("HL7 v2 messages by sending facility, message type and outcome")
        .tag("sender", tag(sender))
        .tag("type", tag(messageType))
        .tag("outcome", outcome.name().toLowerCase())
        .register(registry)
        .increment();
  }

  public void ackTime(String channel, Duration elapsed) {
    Timer.builder("hub.hl7v2.ack")
        .description("Time from receiving an HL7 v2 message to having its ACK")
        .tag("channel", channel)
        .publishPercentiles(0.5, 0.95, 0.99)
        .register(registry)
        .record(elapsed);
  }

  private static String tag(String value) {
    return value == null || value.isBlank() ? "unknown" : PlainTokens.plain(value, "other");
  }
}
