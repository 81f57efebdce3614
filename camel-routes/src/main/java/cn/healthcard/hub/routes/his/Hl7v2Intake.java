package cn.healthcard.hub.routes.his;

import cn.healthcard.hub.mappings.hl7v2.AckContext;
import cn.healthcard.hub.mappings.hl7v2.Hl7v2Inbound;
import cn.healthcard.hub.mappings.hl7v2.InboundResult;
import cn.healthcard.hub.mappings.hl7v2.InboundResult.Accepted;
import cn.healthcard.hub.mappings.hl7v2.InboundResult.Query;
import cn.healthcard.hub.mappings.hl7v2.InboundResult.Rejected;
import cn.healthcard.hub.mappings.hl7v2.ack.AckCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7v2Ack;
import cn.healthcard.hub.mappings.hl7v2.codec.Hl7v2Decoder;
import cn.healthcard.hub.mappings.hl7v2.codec.RawHeader;
import cn.healthcard.hub.routes.his.HisMetrics.Outcome;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving half of the HIS flow, shared by the MLLP and HTTP endpoints: check and map the
 * message, record it durably in the inbox, and only then answer AA. A message seen before gets
 * its original ACK and is not recorded again. If the inbox cannot be written, the sender gets
 * AE (application internal error, 207) so it keeps the message and retries: nothing is
 * acknowledged that is not on disk.
 */
public final class Hl7v2Intake {
  private static final Logger log = LoggerFactory.getLogger(Hl7v2Intake.class);

  /** The ACK to send, and the inbox row to process when the message is new. */
  public record Receipt(byte[] ack, Charset charset, OptionalLong inboxId) {}

  private final Hl7v2Inbound inbound;
  private final HisInbox inbox;
  private final SenderCharsets charsets;
  private final HisMetrics metrics;
  private final Clock clock;
  private final HisQueries queries;
  private final SenderPolicy senders;

  public Hl7v2Intake(
      Hl7v2Inbound inbound, HisInbox inbox, SenderCharsets charsets, HisMetrics metrics, Clock clock,
      HisQueries queries) {
    this(inbound, inbox, charsets, metrics, clock, queries, SenderPolicy.OPEN);
  }

  public Hl7v2Intake(
      Hl7v2Inbound inbound, HisInbox inbox, SenderCharsets charsets, HisMetrics metrics, Clock clock,
      HisQueries queries, SenderPolicy senders) {
    this.senders = senders;
    this.inbound = inbound;
    this.inbox = inbox;
    this.charsets = charsets;
    this.metrics = metrics;
    this.clock = clock;
    this.queries = queries;
  }

  public Receipt receive(byte[] raw, String channel) {
    return receive(raw, new SenderPolicy.Sender(channel, null, null));
  }

  public Receipt receive(byte[] raw, SenderPolicy.Sender sender) {
    long started = System.nanoTime();
    try {
      return receiveFrom(raw, sender);
    } finally {
      metrics.ackTime(sender.channel(), Duration.ofNanos(System.nanoTime() - started));
    }
  }

  /**
   * What the hub would make of a message, without recording, storing or answering it: the ACK it
   * would send and, when accepted, the FHIR transaction it would write. An integrator's first
   * tool; the sending facility's registration is not checked.
   */
  public InboundResult dryRun(byte[] raw) {
    return inbound.process(raw, charsets.forMessage(raw), AckContext.of(OffsetDateTime.now(clock), ""));
  }

  private Receipt receiveFrom(byte[] raw, SenderPolicy.Sender from) {
    InboundResult result = inbound.process(raw, charsets.forMessage(raw), AckContext.of(OffsetDateTime.now(clock), ""));
    if (result instanceof Rejected rejected) {
      String sender = rejected.key().map(k -> k.sendingFacility()).orElse(null);
      metrics.count(sender, null, rejected.ackCode() == AckCode.AR ? Outcome.REJECTED : Outcome.ERROR);
      log.info("HL7 v2 message {} from {} answered {} ({} errors)",
          PlainTokens.plain(rejected.key().map(k -> k.controlId()).orElse(null), "?"),
          PlainTokens.plain(sender, "?"), rejected.ackCode(), rejected.errors().size());
      return new Receipt(rejected.ackBytes(), rejected.charset(), OptionalLong.empty());
    }
    String facility = result instanceof Query q ? q.key().sendingFacility()
        : ((Accepted) result).key().sendingFacility();
    Charset charset = result instanceof Query q ? q.charset() : ((Accepted) result).charset();
    Optional<String> refused = senders.refusal(facility, from);
    if (refused.isPresent()) {
      metrics.count(facility, null, Outcome.REJECTED);
      log.warn("HL7 v2 message from {} over {} refused: {}", PlainTokens.plain(facility, "?"), from.channel(),
          refused.get());
      return new Receipt(refusedSender(raw, charset, refused.get()), charset, OptionalLong.empty());
    }
    if (result instanceof Query query) {
      return answer(query);
    }
    Accepted accepted = (Accepted) result;
    String sender = accepted.key().sendingFacility();
    String type = accepted.messageType() + "^" + accepted.triggerEvent();
    HisInbox.Receipt receipt;
    try {
      receipt = inbox.record(new HisInbox.InboundMessage(
          sender, accepted.key().controlId(), type, accepted.charset().name(), raw, accepted.ackBytes()));
    } catch (RuntimeException e) {
      log.error("HL7 v2 message {} from {} could not be recorded; answered AE so the sender retries: {}",
          accepted.key().controlId(), sender, e.getClass().getSimpleName());
      metrics.count(sender, type, Outcome.ERROR);
      return new Receipt(internalError(raw, accepted), accepted.charset(), OptionalLong.empty());
    }
    if (receipt.duplicate()) {
      metrics.count(sender, type, Outcome.DUPLICATE);
      log.info("HL7 v2 message {} from {} seen before: original ACK returned", accepted.key().controlId(), sender);
      return new Receipt(receipt.ack(), accepted.charset(), OptionalLong.empty());
    }
    metrics.count(sender, type, Outcome.ACCEPTED);
    return new Receipt(receipt.ack(), accepted.charset(), OptionalLong.of(receipt.id()));
  }

  /** Queries are read-only: answered from the repository, never recorded. */
  private Receipt answer(Query query) {
    String sender = query.key().sendingFacility();
    String type = "QBP^Q11^" + query.queryName();
    try {
      byte[] response = queries.answer(query);
      metrics.count(sender, type, Outcome.QUERY);
      return new Receipt(response, query.charset(), OptionalLong.empty());
    } catch (RuntimeException e) {
      log.error("HL7 v2 query {} from {} could not be answered: {}",
          query.key().controlId(), sender, e.getClass().getSimpleName());
      metrics.count(sender, type, Outcome.ERROR);
      return new Receipt(query.ackBytes(), query.charset(), OptionalLong.empty());
    }
  }

  private byte[] refusedSender(byte[] raw, Charset charset, String reason) {
    String ack = Hl7v2Ack.build(
        RawHeader.read(new String(raw, charset)),
        AckCode.AR,
        List.of(Hl7Error.reject(ErrorCode.TABLE_VALUE_NOT_FOUND, ErrorLocation.msh(4), reason)),
        AckContext.of(OffsetDateTime.now(clock), ""));
    return Hl7v2Decoder.encode(ack, charset);
  }

  private byte[] internalError(byte[] raw, Accepted accepted) {
    String text = new String(raw, accepted.charset());
    String ack = Hl7v2Ack.build(
        RawHeader.read(text),
        AckCode.AE,
        List.of(Hl7Error.error(ErrorCode.APPLICATION_INTERNAL_ERROR, ErrorLocation.segment("MSH", 1),
            "the hub could not store the message; send it again")),
        AckContext.of(OffsetDateTime.now(clock), ""));
    return Hl7v2Decoder.encode(ack, accepted.charset());
  }
}
