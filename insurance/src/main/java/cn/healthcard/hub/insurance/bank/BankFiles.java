package cn.healthcard.hub.insurance.bank;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The files exchanged with the partner bank: CSV, UTF-8, a header line, comma-separated fields
 * without quoting (no field may hold a comma). Pure.
 *
 * <pre>
 * premium collection (hub -> bank)  batch,line,premium,card_number,amount_fen
 * fund transfer (hub -> bank)       batch,line,institution,amount_fen,claims
 * answer (bank -> hub)              batch,line,result,bank_reference,paid_at,reason
 * </pre>
 *
 * {@code result} is {@code paid} or {@code failed}; {@code paid_at} ISO 8601 with its offset
 * (empty when failed); {@code claims} the hub's claim ids separated by {@code ;}.
 */
public final class BankFiles {

  public static final String PREMIUM_HEADER = "batch,line,premium,card_number,amount_fen";
  public static final String TRANSFER_HEADER = "batch,line,institution,amount_fen,claims";
  public static final String ANSWER_HEADER = "batch,line,result,bank_reference,paid_at,reason";

  private BankFiles() {}

  /** One answered line. */
  public record AnswerLine(int fileLine, String batch, int line, boolean paid, String bankReference,
      Optional<OffsetDateTime> paidAt, String reason) {}

  /** @throws MalformedBankFile naming the first line at fault */
  public static List<AnswerLine> readAnswer(byte[] file) {
    String text = new String(file, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String[] rows = text.split("\r?\n");
    if (rows.length == 0 || !rows[0].strip().equals(ANSWER_HEADER)) {
      throw new MalformedBankFile(1, "the header is not \"" + ANSWER_HEADER + "\"");
    }
    List<AnswerLine> lines = new ArrayList<>();
    for (int i = 1; i < rows.length; i++) {
      if (rows[i].isBlank()) {
        continue;
      }
      String[] f = rows[i].split(",", -1);
      int at = i + 1;
      if (f.length != 6) {
        throw new MalformedBankFile(at, "6 fields expected, found " + f.length);
      }
      int line;
      try {
        line = Integer.parseInt(f[1].strip());
      } catch (NumberFormatException e) {
        throw new MalformedBankFile(at, "line is not a number");
      }
      String result = f[2].strip();
      if (!result.equals("paid") && !result.equals("failed")) {
        throw new MalformedBankFile(at, "result is paid or failed");
      }
      Optional<OffsetDateTime> paidAt = Optional.empty();
      if (result.equals("paid")) {
        try {
          paidAt = Optional.of(OffsetDateTime.parse(f[4].strip()));
        } catch (DateTimeParseException e) {
          throw new MalformedBankFile(at, "paid_at is an ISO 8601 time with its offset");
        }
        if (f[3].isBlank()) {
          throw new MalformedBankFile(at, "a paid line has the bank's reference");
        }
      }
      if (f[0].isBlank()) {
        throw new MalformedBankFile(at, "batch is required");
      }
      lines.add(new AnswerLine(at, f[0].strip(), line, result.equals("paid"), f[3].strip(), paidAt, f[5].strip()));
    }
    if (lines.isEmpty()) {
      throw new MalformedBankFile(2, "no line to apply");
    }
    return lines;
  }

  /** A field written into a bank file: commas and line breaks have no place in one. */
  static String field(String value) {
    if (value.contains(",") || value.contains("\n") || value.contains("\r")) {
      throw new IllegalArgumentException("a bank file field may not hold a comma or a line break");
    }
    return value;
  }
}
