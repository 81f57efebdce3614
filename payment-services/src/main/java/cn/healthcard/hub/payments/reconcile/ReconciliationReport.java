package cn.healthcard.hub.payments.reconcile;

import cn.healthcard.hub.payments.channel.StatementLine.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A channel's day reconciled against the ledger: every line with its {@link Match}, the totals as
 * the channel booked them, and when this result was first produced (a re-run that finds the same
 * lines is the same report, first produced at the same time).
 *
 * @param statementDigest the digest of the channel's file the report was made from
 * @param producedAt when a run first produced these lines
 * @param runs how many runs found these lines (1 the first time)
 */
public record ReconciliationReport(String channel, LocalDate day, String statementDigest, List<ReconciledLine> lines,
    Instant producedAt, int runs) {

  public ReconciliationReport {
    lines = List.copyOf(lines);
  }

  public Map<Match, Integer> counts() {
    Map<Match, Integer> counts = new EnumMap<>(Match.class);
    for (Match m : Match.values()) {
      counts.put(m, 0);
    }
    lines.forEach(l -> counts.merge(l.match(), 1, Integer::sum));
    return counts;
  }

  /** Paid in, as the channel booked it (lines only in the hub count nothing). */
  public long paidInFen() {
    return lines.stream().filter(l -> l.kind() == Kind.PAYMENT).mapToLong(l -> l.channelAmountFen().orElse(0)).sum();
  }

  public long refundedFen() {
    return lines.stream().filter(l -> l.kind() == Kind.REFUND).mapToLong(l -> l.channelAmountFen().orElse(0)).sum();
  }

  /** The channel's fees: charged on payments, partly given back on refunds. */
  public long feesFen() {
    return lines.stream().mapToLong(l -> l.kind() == Kind.PAYMENT ? l.feeFen() : -l.feeFen()).sum();
  }

  /** What the channel settles to the hub's account for the day. */
  public long netFen() {
    return paidInFen() - refundedFen() - feesFen();
  }

  public boolean allMatched() {
    return lines.stream().allMatch(l -> l.match() == Match.MATCHED);
  }

  /** A digest of the lines (not of when they were produced): equal lines, equal digest. */
  static String digest(List<ReconciledLine> lines) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (ReconciledLine line : lines) {
        sha.update(line.canonical().getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
