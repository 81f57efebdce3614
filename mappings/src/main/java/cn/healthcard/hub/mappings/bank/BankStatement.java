package cn.healthcard.hub.mappings.bank;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A bank's statement of one account as read from its file, whatever the format: the entries
 * booked (or pending) on the account, each with its transactions and charges. Amounts are signed
 * from the account's side: credits positive, debits negative. Counterparties' names are not
 * read: reconciliation needs references, not people.
 *
 * @param format {@code camt.053} or {@code bank-csv}
 * @param servicer the account's bank (BIC), when the file names it
 */
public record BankStatement(String format, String statementId, String account, Optional<String> servicer,
    Optional<OffsetDateTime> created, Optional<LocalDate> from, Optional<LocalDate> to, List<Entry> entries) {

  public BankStatement {
    entries = List.copyOf(entries);
  }

  public enum EntryStatus { BOOKED, PENDING, INFORMATION }

  /**
   * One entry on the account.
   *
   * @param reference the bank's own reference of the entry (AcctSvcrRef, a CSV's serial number)
   * @param line where the entry starts in the file
   */
  public record Entry(int line, EntryStatus status, BigDecimal amount, String currency, Optional<LocalDate> bookingDate,
      Optional<String> reference, boolean reversal, List<Transaction> transactions, List<Charge> charges) {

    public Entry {
      transactions = List.copyOf(transactions);
      charges = List.copyOf(charges);
    }
  }

  /** A transaction inside an entry (a batch entry has several). */
  public record Transaction(Optional<String> endToEndId, BigDecimal amount, Optional<String> remittance,
      Optional<LocalDate> valueDate) {}

  /** A charge the bank took (negative) or refunded (positive). */
  public record Charge(BigDecimal amount, Optional<String> kind) {}
}
