package cn.healthcard.hub.routes.his;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable inbox of HL7 v2 messages: every accepted message is recorded here, with the ACK it
 * got, before that ACK leaves the hub. Keyed by (sending facility, control id), so a resent
 * message finds its original ACK and nothing new is written. Implemented by the server on its
 * database; the routes only see this port.
 */
public interface HisInbox {

  enum Status {
    /** Recorded and acknowledged; not yet in the repository. */
    RECEIVED,
    /** Written to the FHIR repository. */
    STORED,
    /** Processing failed after the ACK: a dead letter, replayable. */
    FAILED
  }

  /** An accepted inbound message, as received, with the ACK it is about to get. */
  record InboundMessage(
      String sendingFacility,
      String controlId,
      String messageType,
      String charset,
      byte[] raw,
      byte[] ack) {}

  /**
   * The outcome of recording: the row id and the ACK to send (the stored one when the message
   * was seen before).
   */
  record Receipt(long id, boolean duplicate, byte[] ack) {}

  record StoredMessage(
      long id,
      String sendingFacility,
      String controlId,
      String messageType,
      String charset,
      byte[] raw,
      Status status) {}

  record DeadLetter(
      long id,
      String sendingFacility,
      String controlId,
      String messageType,
      Instant receivedAt,
      int attempts,
      String reason) {}

  /** Records the message durably (committed before returning), or finds the earlier one. */
  Receipt record(InboundMessage message);

  Optional<StoredMessage> load(long id);

  /** Turns a message into a dead letter with the reason (no message content in the reason). */
  void markFailed(long id, String reason);

  /**
   * Messages still RECEIVED whose last hand-over to the work queue is older than {@code age}
   * (the hub stopped between recording and queueing): marks them handed over now and returns
   * their ids.
   */
  List<Long> claimStalled(Duration age, int limit);

  /**
   * Messages still RECEIVED that were handed to the work queue before {@code instant} (at start:
   * everything an earlier run recorded but did not store): marks them handed over now and
   * returns their ids.
   */
  List<Long> claimQueuedBefore(Instant instant, int limit);

  List<DeadLetter> deadLetters(int limit);

  /** Makes one dead letter RECEIVED again; false when it is not a dead letter. */
  boolean requeue(long id);

  /** Makes every dead letter RECEIVED again and returns their ids. */
  List<Long> requeueAll();
}
