package cn.healthcard.hub.payments.unionpay;

import cn.healthcard.hub.payments.channel.StatementLine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.MonthDay;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The merchant's general transaction file of a settlement day, as the file download ({@code
 * txnType} 76) hands it over: {@code fileContent} is the Base64 of a zlib-deflated zip, and in the
 * zip the file {@code INN<yyMMdd>88ZM_<merId>} holds one fixed-width line per transaction, fields
 * in the order and widths below (widths in bytes of GBK, the file's encoding: a Chinese character
 * takes two), each followed by one space. Amounts are fen, zero-padded; the
 * merchant's fee and the settled amount carry {@code D} (debit: the merchant pays) or {@code C}
 * (credit) before their digits. Consumptions have {@code txnType} 01, refunds 04 (a refund names
 * its original transaction's query id and order id).
 *
 * <p>The widths follow UnionPay's merchant documentation of the ZM file as published; the
 * acquiring bank's current specification is the one to check them against before production.
 */
public final class UnionPayReconciliationFile {

  /** The fields of a line, in order, with their widths. */
  public enum Field {
    TRANSACTION_CODE(3), AGENT_ID(11), SENDER_ID(11), TRACE_NO(6), TRANSMITTED_AT(10), ACCOUNT(19), AMOUNT(12),
    MERCHANT_CATEGORY(4), TERMINAL_TYPE(2), QUERY_ID(21), OLD_PAY_TYPE(2), ORDER_ID(40), CARD_TYPE(2),
    ORIGINAL_TRACE_NO(6), ORIGINAL_TRANSMITTED_AT(10), MERCHANT_FEE(12), SETTLED_AMOUNT(13), PAY_TYPE(6),
    GROUP_MERCHANT(15), TXN_TYPE(2), TXN_SUB_TYPE(2), BIZ_TYPE(6), ACCOUNT_TYPE(2), BILL_TYPE(2), BILL_NO(20),
    INTERACTION(1), ORIGINAL_QUERY_ID(21), MERCHANT_ID(15), SPLIT_MODE(1), SUB_MERCHANT_ID(15), SUB_MERCHANT_NAME(40),
    SUB_MERCHANT_AMOUNT(12), NET_AMOUNT(12), TERMINAL_ID(8), MERCHANT_RESERVED(32), DISCOUNT(12), INVOICE_AMOUNT(12),
    INSTALMENT_FEE(12), INSTALMENTS(2), MEDIUM(1), ORIGINAL_ORDER_ID(40);

    final int width;

    Field(int width) {
      this.width = width;
    }
  }

  /** What a line takes: each field and its separating space. */
  public static final int LINE_LENGTH = java.util.Arrays.stream(Field.values()).mapToInt(f -> f.width + 1).sum();

  private static final Charset GBK = Charset.forName("GBK");
  private static final DateTimeFormatter YYMMDD = DateTimeFormatter.ofPattern("yyMMdd");
  private static final DateTimeFormatter MMDDHHMMSS = DateTimeFormatter.ofPattern("MMddHHmmss");
  private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);

  private UnionPayReconciliationFile() {}

  /** The name of the general transaction file in the day's zip. */
  public static String entryName(LocalDate day, String merchantId) {
    return "INN" + day.format(YYMMDD) + "88ZM_" + merchantId;
  }

  /** One line: text left-aligned and padded with spaces to the field's width in GBK bytes, a space after each. */
  public static String line(Map<Field, String> values) {
    StringBuilder line = new StringBuilder(LINE_LENGTH);
    for (Field field : Field.values()) {
      String value = values.getOrDefault(field, "");
      int bytes = value.getBytes(GBK).length;
      if (bytes > field.width) {
        throw new IllegalArgumentException(field + " is " + field.width + " bytes at most");
      }
      line.append(value).append(" ".repeat(field.width - bytes)).append(' ');
    }
    return line.toString();
  }

  /** A fen amount as the file writes it: 12 digits, or a direction letter and 11 (12 for the settled amount). */
  public static String amount(long fen, int width, Optional<Character> direction) {
    String digits = Long.toString(fen);
    int room = width - (direction.isPresent() ? 1 : 0);
    return direction.map(String::valueOf).orElse("") + "0".repeat(Math.max(0, room - digits.length())) + digits;
  }

  /** What the gateway puts in {@code fileContent}: the zip, deflated, in Base64. */
  public static String fileContent(LocalDate day, String merchantId, List<String> lines) {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(zip, GBK)) {
      out.putNextEntry(new ZipEntry(entryName(day, merchantId)));
      for (String line : lines) {
        out.write((line + "\r\n").getBytes(GBK));
      }
      out.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Deflater deflater = new Deflater();
    deflater.setInput(zip.toByteArray());
    deflater.finish();
    ByteArrayOutputStream deflated = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      deflated.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return Base64.getEncoder().encodeToString(deflated.toByteArray());
  }

  /** The zip inside {@code fileContent}. */
  public static byte[] unpack(String fileContent) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(Base64.getMimeDecoder().decode(fileContent));
      ByteArrayOutputStream zip = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (!inflater.finished()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          throw new IllegalArgumentException("fileContent ends before its deflated data does");
        }
        zip.write(buffer, 0, n);
      }
      return zip.toByteArray();
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("fileContent is not deflated data", e);
    } finally {
      inflater.end();
    }
  }

  /**
   * Reads the day's general transaction file from the zip: one statement line per consumption and
   * per refund (other transaction types are not the payment platform's).
   *
   * @throws IllegalArgumentException with the line number and the field, for a file that cannot
   *     be read whole (it is refused whole)
   */
  public static List<StatementLine> parse(byte[] zip, LocalDate day, String merchantId) {
    String wanted = entryName(day, merchantId);
    byte[] text = null;
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip), GBK)) {
      for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
        if (entry.getName().equals(wanted)) {
          text = in.readAllBytes();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the file is not a zip", e);
    }
    if (text == null) {
      throw new IllegalArgumentException("the zip has no " + wanted);
    }
    List<StatementLine> lines = new ArrayList<>();
    int number = 0;
    int start = 0;
    for (int i = 0; i <= text.length; i++) {
      if (i == text.length || text[i] == '\n') {
        number++;
        int end = i > start && text[i - 1] == '\r' ? i - 1 : i;
        byte[] row = java.util.Arrays.copyOfRange(text, start, end);
        start = i + 1;
        if (new String(row, GBK).isBlank()) {
          continue;
        }
        read(row, number, day, merchantId).ifPresent(lines::add);
      }
    }
    return lines;
  }

  /** A line cut at its fields' byte positions, each field then read as GBK. */
  private static Optional<StatementLine> read(byte[] row, int number, LocalDate day, String merchantId) {
    if (row.length < LINE_LENGTH - 1) {
      throw new IllegalArgumentException("line " + number + ": " + row.length + " bytes, a line has "
          + (LINE_LENGTH - 1));
    }
    Map<Field, String> fields = new EnumMap<>(Field.class);
    int at = 0;
    for (Field field : Field.values()) {
      fields.put(field, new String(row, at, field.width, GBK).strip());
      at += field.width + 1;
    }
    if (!fields.get(Field.MERCHANT_ID).equals(merchantId)) {
      throw new IllegalArgumentException("line " + number + ": the line is another merchant's");
    }
    String type = fields.get(Field.TXN_TYPE);
    if (!type.equals("01") && !type.equals("04")) {
      return Optional.empty();
    }
    long amount = digits(fields.get(Field.AMOUNT), number, Field.AMOUNT);
    String fee = fields.get(Field.MERCHANT_FEE);
    if (fee.isEmpty() || (fee.charAt(0) != 'C' && fee.charAt(0) != 'D')) {
      throw new IllegalArgumentException("line " + number + ": MERCHANT_FEE has no direction (C or D)");
    }
    long feeFen = digits(fee.substring(1), number, Field.MERCHANT_FEE);
    String queryId = require(fields, Field.QUERY_ID, number);
    String orderId = require(fields, Field.ORDER_ID, number);
    java.time.Instant bookedAt = time(fields.get(Field.TRANSMITTED_AT), day, number);
    if (type.equals("01")) {
      return Optional.of(new StatementLine(StatementLine.Kind.PAYMENT, bookedAt, queryId, orderId, Optional.empty(),
          Optional.empty(), amount, feeFen));
    }
    return Optional.of(new StatementLine(StatementLine.Kind.REFUND, bookedAt, require(fields, Field.ORIGINAL_QUERY_ID, number),
        require(fields, Field.ORIGINAL_ORDER_ID, number), Optional.of(queryId), Optional.of(orderId), amount, feeFen));
  }

  private static String require(Map<Field, String> fields, Field field, int number) {
    String value = fields.get(field);
    if (value.isEmpty()) {
      throw new IllegalArgumentException("line " + number + ": " + field + " is empty");
    }
    return value;
  }

  private static long digits(String text, int number, Field field) {
    if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("line " + number + ": " + field + " is not a fen amount");
    }
    return Long.parseLong(text);
  }

  /** {@code MMddHHmmss} in China time, in the year that puts it nearest the settlement day. */
  private static java.time.Instant time(String text, LocalDate day, int number) {
    try {
      LocalDateTime read = LocalDateTime.parse(day.getYear() + text, DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
      if (read.toLocalDate().isAfter(day.plusDays(1))) {
        read = read.minusYears(1);
      }
      return read.toInstant(CHINA);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("line " + number + ": TRANSMITTED_AT is not MMddHHmmss");
    }
  }

  /** {@code MMddHHmmss} of an instant, China time. */
  public static String transmitted(java.time.Instant at) {
    return at.atOffset(CHINA).format(MMDDHHMMSS);
  }

  /** The settlement date's {@code MMdd}. */
  public static String settleDate(LocalDate day) {
    return MonthDay.from(day).format(DateTimeFormatter.ofPattern("MMdd"));
  }
}
