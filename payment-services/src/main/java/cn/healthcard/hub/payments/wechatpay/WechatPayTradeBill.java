package cn.healthcard.hub.payments.wechatpay;

import cn.healthcard.hub.payments.channel.StatementLine;
import cn.healthcard.hub.payments.channel.StatementLine.Kind;
import cn.healthcard.hub.payments.order.Fen;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * WeChat Pay's trade bill ({@code bill_type=ALL}) as the channel writes it: a header row naming
 * the columns, one row per payment ({@code 交易状态 SUCCESS}) or refund ({@code REFUND}), every
 * field prefixed with a backtick, then a totals header and a totals row. Columns are found by
 * name, amounts are yuan with two decimals, times are China time. The totals are checked
 * against the rows: a bill that does not add up is refused whole.
 */
public final class WechatPayTradeBill {

  /** The columns of the ALL bill, in the order WeChat Pay writes them. */
  static final List<String> COLUMNS = List.of("交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号",
      "商户订单号", "用户标识", "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "微信退款单号",
      "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包", "手续费", "费率", "订单金额",
      "申请退款金额", "费率备注");
  static final List<String> TOTAL_COLUMNS = List.of("总交易单数", "应结订单总金额", "退款总金额", "充值券退款总金额",
      "手续费总金额", "订单总金额", "申请退款总金额");
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  static final ZoneOffset CHINA = ZoneOffset.ofHours(8);

  private WechatPayTradeBill() {}

  /**
   * The bill's lines.
   *
   * @throws IllegalArgumentException naming the row and the reason, when the bill cannot be read
   *     or its totals do not match its rows
   */
  public static List<StatementLine> parse(String bill) {
    String[] rows = bill.strip().replace("\r\n", "\n").split("\n");
    if (rows.length < 3) {
      throw new IllegalArgumentException("the bill has no header, rows and totals");
    }
    Map<String, Integer> column = header(rows[0], COLUMNS, 1);
    int totalsHeader = -1;
    for (int i = 1; i < rows.length; i++) {
      if (rows[i].startsWith(TOTAL_COLUMNS.get(0))) {
        totalsHeader = i;
        break;
      }
    }
    if (totalsHeader < 0 || totalsHeader + 1 >= rows.length) {
      throw new IllegalArgumentException("the bill has no totals (" + TOTAL_COLUMNS.get(0) + ")");
    }
    List<StatementLine> lines = new ArrayList<>();
    long settled = 0;
    long refunded = 0;
    long fees = 0;
    for (int i = 1; i < totalsHeader; i++) {
      int row = i + 1;
      List<String> f = fields(rows[i], column.size(), row);
      String state = f.get(column.get("交易状态"));
      Instant at = time(f.get(column.get("交易时间")), row);
      // refund rows give part of the fee back: written negative, summed with their sign
      long signedFee = yuan(f.get(column.get("手续费")), row, "手续费");
      long fee = Math.abs(signedFee);
      String transactionId = required(f, column, "微信订单号", row);
      String outTradeNo = required(f, column, "商户订单号", row);
      switch (state) {
        case "SUCCESS" -> {
          long amount = yuan(f.get(column.get("应结订单金额")), row, "应结订单金额");
          settled += amount;
          lines.add(new StatementLine(Kind.PAYMENT, at, transactionId, outTradeNo, Optional.empty(), Optional.empty(),
              amount, fee));
        }
        case "REFUND" -> {
          if (!"SUCCESS".equals(f.get(column.get("退款状态")))) {
            throw new IllegalArgumentException("row " + row + ": a refund row whose 退款状态 is not SUCCESS");
          }
          long amount = yuan(f.get(column.get("退款金额")), row, "退款金额");
          refunded += amount;
          lines.add(new StatementLine(Kind.REFUND, at, transactionId, outTradeNo,
              Optional.of(required(f, column, "微信退款单号", row)), Optional.of(required(f, column, "商户退款单号", row)),
              amount, fee));
        }
        default -> throw new IllegalArgumentException("row " + row + ": 交易状态 " + state + " is not SUCCESS or REFUND");
      }
      fees += signedFee;
    }
    Map<String, Integer> totalColumn = header(rows[totalsHeader], TOTAL_COLUMNS, totalsHeader + 1);
    List<String> totals = fields(rows[totalsHeader + 1], totalColumn.size(), totalsHeader + 2);
    int totalsRow = totalsHeader + 2;
    long count;
    try {
      count = Long.parseLong(totals.get(totalColumn.get("总交易单数")));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("row " + totalsRow + ": 总交易单数 is not a number");
    }
    check(count, lines.size(), "总交易单数", totalsRow);
    check(yuan(totals.get(totalColumn.get("应结订单总金额")), totalsRow, "应结订单总金额"), settled, "应结订单总金额", totalsRow);
    check(yuan(totals.get(totalColumn.get("退款总金额")), totalsRow, "退款总金额"), refunded, "退款总金额", totalsRow);
    check(yuan(totals.get(totalColumn.get("手续费总金额")), totalsRow, "手续费总金额"), fees, "手续费总金额", totalsRow);
    return lines;
  }

  private static void check(long stated, long counted, String name, int row) {
    if (stated != counted) {
      throw new IllegalArgumentException("row " + row + ": " + name + " is " + stated + " but the rows add up to " + counted
          + " (the bill is incomplete or altered)");
    }
  }

  private static Map<String, Integer> header(String row, List<String> expected, int rowNumber) {
    String[] names = row.strip().split(",", -1);
    Map<String, Integer> column = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      column.put(names[i].strip(), i);
    }
    for (String name : expected) {
      if (!column.containsKey(name)) {
        throw new IllegalArgumentException("row " + rowNumber + ": the header has no column " + name);
      }
    }
    return column;
  }

  /** A data row: every field starts with a backtick, so {@code ,`} separates them. */
  private static List<String> fields(String row, int count, int rowNumber) {
    if (!row.startsWith("`")) {
      throw new IllegalArgumentException("row " + rowNumber + ": a data field does not start with a backtick");
    }
    List<String> fields = List.of(row.strip().substring(1).split(",`", -1));
    if (fields.size() != count) {
      throw new IllegalArgumentException("row " + rowNumber + ": " + fields.size() + " fields where the header has " + count);
    }
    return fields;
  }

  private static String required(List<String> fields, Map<String, Integer> column, String name, int row) {
    String value = fields.get(column.get(name)).strip();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("row " + row + ": " + name + " is empty");
    }
    return value;
  }

  private static Instant time(String value, int row) {
    try {
      return LocalDateTime.parse(value.strip(), TIME).toInstant(CHINA);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("row " + row + ": 交易时间 " + value + " is not yyyy-MM-dd HH:mm:ss");
    }
  }

  /** Yuan as fen, sign kept (refund fees are written negative). */
  private static long yuan(String value, int row, String name) {
    try {
      BigDecimal yuan = new BigDecimal(value.strip());
      if (yuan.stripTrailingZeros().scale() > 2) {
        throw new IllegalArgumentException("row " + row + ": " + name + " has more than two decimals");
      }
      return yuan.movePointRight(2).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("row " + row + ": " + name + " " + value + " is not an amount in yuan");
    }
  }

  /** Fen as the bill writes yuan ({@code 12.50}, {@code -0.03}). */
  static String yuan(long fen) {
    return Fen.signedYuan(fen).toPlainString();
  }
}
