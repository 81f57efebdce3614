package cn.healthcard.hub.payments.reconcile;

import cn.healthcard.hub.payments.channel.StatementLine.Kind;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One line of a reconciliation: a statement line with what the hub has for it, or a hub payment
 * or refund the statement lacks. Ids only: no card number, no name.
 *
 * @param channelAmountFen what the channel booked (empty for a line only in the hub)
 * @param hubAmountFen what the hub's ledger has (empty for a line only in the channel)
 */
public record ReconciledLine(Match match, Kind kind, Instant at, Optional<String> paymentId, Optional<String> refundId,
    Optional<String> institution, Optional<String> channelTransactionId, Optional<String> channelRefundId,
    OptionalLong channelAmountFen, OptionalLong hubAmountFen, long feeFen) {

  /** The line's amount as it settles: the channel's where it has one, else the hub's. */
  public long amountFen() {
    return channelAmountFen.orElse(hubAmountFen.orElse(0));
  }

  /** The line as one text, for the report's digest. */
  String canonical() {
    return String.join("|", match.code(), kind.name(), at.toString(), paymentId.orElse(""), refundId.orElse(""),
        institution.orElse(""), channelTransactionId.orElse(""), channelRefundId.orElse(""),
        channelAmountFen.isPresent() ? Long.toString(channelAmountFen.getAsLong()) : "",
        hubAmountFen.isPresent() ? Long.toString(hubAmountFen.getAsLong()) : "", Long.toString(feeFen));
  }
}
