package cn.healthcard.hub.routes.bank;

import cn.healthcard.hub.mappings.bank.BankStatement;
import cn.healthcard.hub.mappings.bank.BankStatementToReconciliation;
import cn.healthcard.hub.mappings.bank.MalformedStatement;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The receiving half: a file is read whole as a statement (a malformed one is refused whole,
 * naming its line and the reason, and nothing of it is kept), then recorded durably. Only then is
 * it answered for.
 */
public final class BankStatementIntake {

  /** Larger files are refused before they are read (a day's statement of one account is far smaller). */
  public static final int MAX_BYTES = 32 * 1024 * 1024;

  private final BankStatementInbox inbox;

  public BankStatementIntake(BankStatementInbox inbox) {
    this.inbox = inbox;
  }

  /** What the hub answers for an accepted file. */
  public record Accepted(long id, boolean duplicate, String format, int statements, int entries,
      BankStatementInbox.Status status) {}

  /**
   * @param source how the file came ({@code http}, {@code file})
   * @throws MalformedStatement when it is not a statement the hub reads
   */
  public Accepted receive(byte[] raw, String source, String fileName) {
    if (raw == null || raw.length == 0) {
      throw new MalformedStatement(0, "the file is empty");
    }
    if (raw.length > MAX_BYTES) {
      throw new MalformedStatement(0, "the file is " + raw.length + " bytes, more than " + MAX_BYTES);
    }
    BankStatementToReconciliation.Format format = BankStatementToReconciliation.Format.of(raw);
    List<BankStatement> statements = BankStatementToReconciliation.read(raw);
    // mapped once here too: a file that reads but does not map is refused now, not after the answer
    BankStatementToReconciliation.transaction(statements);
    int entries = statements.stream().mapToInt(s -> s.entries().size()).sum();
    BankStatementInbox.Receipt receipt = inbox.record(new BankStatementInbox.Received(source, fileName, format.code(),
        sha256(raw), statements.size(), entries, raw));
    return new Accepted(receipt.id(), receipt.duplicate(), format.code(), statements.size(), entries, receipt.status());
  }

  static String sha256(byte[] raw) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(raw));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
