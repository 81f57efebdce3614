package cn.healthcard.hub.mappings.bank;

import cn.healthcard.hub.mappings.bank.BankStatement.Charge;
import cn.healthcard.hub.mappings.bank.BankStatement.Entry;
import cn.healthcard.hub.mappings.bank.BankStatement.EntryStatus;
import cn.healthcard.hub.mappings.bank.BankStatement.Transaction;
import cn.healthcard.hub.terminology.text.Csv;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The partner bank's account-transaction export (CSV, RFC 4180, UTF-8 or GB 18030 as Chinese
 * banks' exports often are; a byte-order mark is skipped). The header names the columns, in any
 * order: {@code 账号, 交易日期, 流水号, 借贷标志, 交易金额} are required; {@code 交易时间, 手续费,
 * 对方账号, 对方户名, 用途, 余额} are read when present ({@code 对方户名}, a person's name, is not
 * kept). Each row is a booked entry; rows of each account make one statement. Where every row of
 * an account has {@code 余额}, each balance must follow from the one before (balance + credit -
 * debit - fee): a file with a row missing or altered is refused.
 */
public final class BankCsvReader {

  static final List<String> REQUIRED = List.of("账号", "交易日期", "流水号", "借贷标志", "交易金额");
  private static final DateTimeFormatter COMPACT = DateTimeFormatter.BASIC_ISO_DATE;

  private BankCsvReader() {}

  public static List<BankStatement> read(byte[] file) {
    List<Csv.Row> rows = Csv.rows(text(file));
    if (rows.isEmpty()) {
      throw new MalformedStatement(0, "the file is empty");
    }
    Map<String, Integer> column = new HashMap<>();
    List<String> names = rows.get(0).fields();
    for (int i = 0; i < names.size(); i++) {
      column.put(names.get(i).strip(), i);
    }
    for (String name : REQUIRED) {
      if (!column.containsKey(name)) {
        throw new MalformedStatement(rows.get(0).line(), "the header has no column " + name + " (required: "
            + String.join(", ", REQUIRED) + ")");
      }
    }
    if (rows.size() == 1) {
      throw new MalformedStatement(rows.get(0).line(), "the file has a header and no transactions");
    }
    Map<String, List<Entry>> byAccount = new LinkedHashMap<>();
    Map<String, BigDecimal> lastBalance = new HashMap<>();
    Map<String, Boolean> balanced = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (Csv.Row row : rows.subList(1, rows.size())) {
      int line = row.line();
      if (row.fields().size() != names.size()) {
        throw new MalformedStatement(line, row.fields().size() + " fields where the header has " + names.size());
      }
      String account = required(row, column, "账号");
      String serial = required(row, column, "流水号");
      if (!seen.add(account + "\u0000" + serial)) {
        throw new MalformedStatement(line, "流水号 " + serial + " appears twice for one account");
      }
      LocalDate date = date(required(row, column, "交易日期"), line);
      BigDecimal amount = amount(required(row, column, "交易金额"), line, "交易金额");
      BigDecimal signed = switch (required(row, column, "借贷标志")) {
        case "贷", "C", "CR", "CRDT" -> amount;
        case "借", "D", "DR", "DBIT" -> amount.negate();
        default -> throw new MalformedStatement(line, "借贷标志 " + field(row, column, "借贷标志")
            + " is not 贷/C (money in) or 借/D (money out)");
      };
      Optional<String> feeText = optional(row, column, "手续费");
      BigDecimal fee = feeText.map(f -> amount(f, line, "手续费")).orElse(BigDecimal.ZERO);
      List<Charge> charges = fee.signum() == 0 ? List.of() : List.of(new Charge(fee.negate(), Optional.of("手续费")));
      Optional<BigDecimal> balance = optional(row, column, "余额").map(b -> decimal(b, line, "余额"));
      if (balance.isEmpty()) {
        balanced.put(account, false);
      } else if (balanced.getOrDefault(account, true)) {
        BigDecimal before = lastBalance.get(account);
        BigDecimal expected = before == null ? null : before.add(signed).subtract(fee);
        if (expected != null && expected.compareTo(balance.get()) != 0) {
          throw new MalformedStatement(line, "余额 " + balance.get().toPlainString() + " does not follow from the row before ("
              + before.toPlainString() + " " + (signed.signum() < 0 ? "- " + amount.toPlainString() : "+ " + amount.toPlainString())
              + (fee.signum() == 0 ? "" : " - " + fee.toPlainString()) + " = " + expected.toPlainString()
              + "): a row is missing or altered");
        }
        lastBalance.put(account, balance.get());
        balanced.put(account, true);
      }
      Transaction transaction = new Transaction(Optional.empty(), signed, optional(row, column, "用途"), Optional.of(date));
      byAccount.computeIfAbsent(account, a -> new ArrayList<>()).add(new Entry(line, EntryStatus.BOOKED, signed, "CNY",
          Optional.of(date), Optional.of(serial), false, List.of(transaction), charges));
    }
    List<BankStatement> statements = new ArrayList<>();
    byAccount.forEach((account, entries) -> {
      LocalDate from = entries.stream().map(e -> e.bookingDate().orElseThrow()).min(LocalDate::compareTo).orElseThrow();
      LocalDate to = entries.stream().map(e -> e.bookingDate().orElseThrow()).max(LocalDate::compareTo).orElseThrow();
      statements.add(new BankStatement("bank-csv", account + "/" + from + "/" + to, account, Optional.empty(),
          Optional.empty(), Optional.of(from), Optional.of(to), entries));
    });
    return statements;
  }

  /** UTF-8 when the bytes are UTF-8, else GB 18030 (a GBK export); a byte-order mark is dropped. */
  static String text(byte[] file) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(file)).toString();
    } catch (CharacterCodingException e) {
      text = new String(file, Charset.forName("GB18030"));
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }

  private static String field(Csv.Row row, Map<String, Integer> column, String name) {
    return row.fields().get(column.get(name)).strip();
  }

  private static String required(Csv.Row row, Map<String, Integer> column, String name) {
    String value = field(row, column, name);
    if (value.isEmpty()) {
      throw new MalformedStatement(row.line(), name + " is empty");
    }
    return value;
  }

  private static Optional<String> optional(Csv.Row row, Map<String, Integer> column, String name) {
    return column.containsKey(name) ? Optional.of(field(row, column, name)).filter(v -> !v.isEmpty()) : Optional.empty();
  }

  private static LocalDate date(String text, int line) {
    try {
      return text.length() == 8 ? LocalDate.parse(text, COMPACT) : LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new MalformedStatement(line, "交易日期 " + text + " is not a date (yyyyMMdd or yyyy-MM-dd)");
    }
  }

  private static BigDecimal amount(String text, int line, String name) {
    BigDecimal value = decimal(text, line, name);
    if (value.signum() < 0) {
      throw new MalformedStatement(line, name + " " + text + " is negative (the direction is 借贷标志)");
    }
    if (value.stripTrailingZeros().scale() > 2) {
      throw new MalformedStatement(line, name + " " + text + " has more than two decimals");
    }
    return value;
  }

  private static BigDecimal decimal(String text, int line, String name) {
    try {
      return new BigDecimal(text.replace(",", ""));
    } catch (NumberFormatException e) {
      throw new MalformedStatement(line, name + " " + text + " is not an amount");
    }
  }
}
