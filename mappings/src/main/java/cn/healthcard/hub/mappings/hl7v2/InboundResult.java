package cn.healthcard.hub.mappings.hl7v2;

import cn.healthcard.hub.mappings.hl7v2.ack.AckCode;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.codec.Hl7v2Decoder;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Optional;

/** What {@link Hl7v2Inbound#process} made of one message: accepted and mapped, or not. */
public sealed interface InboundResult permits InboundResult.Accepted, InboundResult.Rejected {

  /** The ACK text (segments ended by CR, no MLLP framing). */
  String ack();

  /** The charset to send the ACK in: the one the message came in. */
  Charset charset();

  /** The ACK encoded in {@link #charset()}. */
  default byte[] ackBytes() {
    return Hl7v2Decoder.encode(ack(), charset());
  }

  AckCode ackCode();

  /**
   * Accepted and mapped. {@link #ack()} is the AA to send once the raw message is stored durably.
   *
   * @param processingId MSH-11.1, {@code P} or {@code T}: a deployment that must not store
   *     training messages can drop {@code T} here
   */
  record Accepted(
      MessageKey key,
      String messageType,
      String triggerEvent,
      String version,
      String processingId,
      Charset charset,
      MappedMessage mapped,
      String ack)
      implements InboundResult {
    @Override
    public AckCode ackCode() {
      return AckCode.AA;
    }
  }

  /**
   * Not accepted: nothing to store. {@code ackCode} is AR (unsupported type, event, version,
   * processing id or charset; unreadable header) or AE (content errors).
   *
   * @param key present when MSH-4 and MSH-10 could be read
   */
  record Rejected(
      AckCode ackCode, List<Hl7Error> errors, Optional<MessageKey> key, String ack, Charset charset)
      implements InboundResult {
    public Rejected {
      errors = List.copyOf(errors);
    }
  }
}
