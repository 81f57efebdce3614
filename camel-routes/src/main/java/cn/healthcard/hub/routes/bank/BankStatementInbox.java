package cn.healthcard.hub.routes.bank;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The durable inbox of bank statement files: every accepted file is recorded here, whole, before
 * the hub answers for it (HTTP 202, or the dropped file moved to {@code .done}). The file's
 * SHA-256 is the idempotency key: the same file again is the same statement. Implemented by the
 * server on its database.
 */
public interface BankStatementInbox {

  enum Status {
    /** Recorded and answered for; its reconciliations not yet in the repository. */
    RECEIVED,
    /** Its reconciliations are in the repository. */
    STORED,
    /** Storing failed after the retries: a dead letter, replayable. */
    FAILED
  }

  /** A file that read as a statement, about to be recorded. */
  record Received(String source, String fileName, String format, String digest, int statements, int entries, byte[] raw) {}

  /** The recorded file: its id, whether it had been recorded before, and its status now. */
  record Receipt(long id, boolean duplicate, Status status) {}

  record StoredStatement(long id, String source, String fileName, String format, byte[] raw, Status status) {}

  record DeadLetter(long id, String source, String fileName, String format, Instant receivedAt, int attempts, String reason) {}

  /** Records the file durably (committed before returning), or finds the earlier record of it. */
  Receipt record(Received file);

  Optional<StoredStatement> load(long id);

  /** Turns a statement into a dead letter with the reason (no file content in it). */
  void markFailed(long id, String reason);

  /** Statements recorded before {@code instant} and still not stored (at start: an earlier run's). */
  List<Long> receivedBefore(Instant instant, int limit);

  List<DeadLetter> deadLetters(int limit);

  /** Makes one dead letter RECEIVED again; false when it is not a dead letter. */
  boolean requeue(long id);
}
