package cn.healthcard.hub.routes.his;

import cn.healthcard.hub.mappings.hl7v2.AckContext;
import cn.healthcard.hub.mappings.hl7v2.Hl7v2Inbound;
import cn.healthcard.hub.mappings.hl7v2.InboundResult;
import cn.healthcard.hub.mappings.hl7v2.InboundResult.Accepted;
import cn.healthcard.hub.routes.his.HisInbox.Status;
import cn.healthcard.hub.routes.his.HisInbox.StoredMessage;
import cn.healthcard.hub.routes.his.HisMetrics.Outcome;
import cn.healthcard.hub.terminology.identity.IdentityNumberRedactor;
import java.nio.charset.Charset;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processing half: one recorded message to the FHIR repository. The mapping is pure and
 * deterministic, so it runs again from the stored bytes; the repository write and the inbox
 * status change are one transaction, so a redelivered message is skipped, never stored twice.
 */
public final class HisProcessor {
  private static final Logger log = LoggerFactory.getLogger(HisProcessor.class);

  private final Hl7v2Inbound inbound;
  private final HisInbox inbox;
  private final HisRepository repository;
  private final HisMetrics metrics;
  private final Clock clock;

  public HisProcessor(Hl7v2Inbound inbound, HisInbox inbox, HisRepository repository, HisMetrics metrics, Clock clock) {
    this.inbound = inbound;
    this.inbox = inbox;
    this.repository = repository;
    this.metrics = metrics;
    this.clock = clock;
  }

  public void process(long inboxId) {
    Optional<StoredMessage> found = inbox.load(inboxId);
    if (found.isEmpty() || found.get().status() != Status.RECEIVED) {
      return;
    }
    StoredMessage message = found.get();
    InboundResult result = inbound.process(
        message.raw(), Charset.forName(message.charset()), AckContext.of(OffsetDateTime.now(clock), ""));
    if (!(result instanceof Accepted accepted)) {
      throw new UnmappableMessageException(
          "message " + message.controlId() + " no longer maps: " + result.ackCode() + " "
              + ((InboundResult.Rejected) result).errors().stream()
                  .map(e -> e.code().code() + "@" + e.location()).toList());
    }
    if (repository.store(inboxId, accepted.mapped())) {
      metrics.count(message.sendingFacility(), message.messageType(), Outcome.STORED);
      log.debug("HL7 v2 message {} from {} stored", message.controlId(), message.sendingFacility());
    }
  }

  /** Dead letter after the retries are spent. The reason names codes and locations, no content. */
  public void deadLetter(long inboxId, Throwable cause) {
    String reason = cause == null ? "unknown" : reason(cause);
    inbox.markFailed(inboxId, reason);
    inbox.load(inboxId).ifPresent(m -> {
      metrics.count(m.sendingFacility(), m.messageType(), Outcome.FAILED);
      log.warn("HL7 v2 message {} from {} is a dead letter: {}", m.controlId(), m.sendingFacility(),
          cause == null ? "unknown" : cause.getClass().getSimpleName());
    });
  }

  /**
   * What an operator needs to fix the cause: the exception and its message, without the SQL
   * values a database error quotes (names, identifiers) and with identity numbers masked.
   */
  public static String reason(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    for (String quoting : new String[] {"[Batch entry", "Detail:", " values (", "\n"}) {
      int at = message.indexOf(quoting);
      if (at >= 0) {
        message = message.substring(0, at).strip();
      }
    }
    return IdentityNumberRedactor.redact(cause.getClass().getSimpleName() + ": " + message);
  }

  /** The message mapped when it arrived but no longer does (a terminology or mapping change). */
  public static final class UnmappableMessageException extends RuntimeException {
    public UnmappableMessageException(String message) {
      super(message);
    }
  }
}
