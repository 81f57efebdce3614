package cn.healthcard.hub.payments.alipay;

import cn.healthcard.hub.payments.channel.StatementLine;
import cn.healthcard.hub.payments.channel.StatementLine.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Alipay's trade bill ({@code bill_type=trade}) as the channel ships it: a zip holding, in GBK,
 * the day's detail ({@code ..._业务明细.csv}) and a summary. The detail has {@code #} comment lines,
 * a header naming the columns, one row per trade ({@code 交易}) or refund ({@code 退款}) with values
 * often ending in a tab (so spreadsheets keep the digits), and totals in closing comments
 * ({@code #交易合计：2笔，商家实收：25.00元}), which are checked against the rows.
 */
public final class AlipayTradeBill {

  static final Charset GBK = Charset.forName("GB18030");
  static final List<String> COLUMNS = List.of("支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间",
      "门店编号", "门店名称", "操作员", "终端号", "对方账户", "订单金额（元）", "商家实收（元）", "支付宝红包（元）", "集分宝（元）",
      "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）", "券名称", "商家红包消费金额（元）", "卡消费金额（元）",
      "退款批次号/请求号", "服务费（元）", "分润（元）", "备注");
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final Pattern TOTAL = Pattern.compile("#(交易|退款)合计：(\\d+)笔，商家实收：(-?[\\d.]+)元");

  private AlipayTradeBill() {}

  /**
   * The detail's lines, read from the zip as downloaded.
   *
   * @throws IllegalArgumentException naming the line and the reason
   */
  public static List<StatementLine> parse(byte[] zip) {
    return parseDetail(detail(zip));
  }

  static String detail(byte[] zip) {
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip), GBK)) {
      ZipEntry entry;
      while ((entry = in.getNextEntry()) != null) {
        if (entry.getName().endsWith("业务明细.csv")) {
          return new String(in.readAllBytes(), GBK);
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("the bill is not a readable zip");
    }
    throw new IllegalArgumentException("the bill's zip holds no 业务明细.csv");
  }

  static List<StatementLine> parseDetail(String text) {
    String[] lines = text.replace("\r\n", "\n").split("\n");
    Map<String, Integer> column = null;
    List<StatementLine> rows = new ArrayList<>();
    Map<String, long[]> stated = new HashMap<>();
    Map<String, long[]> counted = new HashMap<>(Map.of("交易", new long[2], "退款", new long[2]));
    for (int i = 0; i < lines.length; i++) {
      int number = i + 1;
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        Matcher total = TOTAL.matcher(line);
        if (total.find()) {
          stated.put(total.group(1), new long[] {Long.parseLong(total.group(2)), fen(total.group(3), number, "合计")});
        }
        continue;
      }
      List<String> fields = new ArrayList<>();
      for (String f : line.split(",", -1)) {
        fields.add(f.replace("\t", "").strip());
      }
      if (column == null) {
        column = new HashMap<>();
        for (int c = 0; c < fields.size(); c++) {
          column.put(fields.get(c), c);
        }
        for (String name : List.of("支付宝交易号", "商户订单号", "业务类型", "完成时间", "订单金额（元）", "商家实收（元）",
            "退款批次号/请求号", "服务费（元）")) {
          if (!column.containsKey(name)) {
            throw new IllegalArgumentException("line " + number + ": the header has no column " + name);
          }
        }
        continue;
      }
      if (fields.size() != column.size()) {
        throw new IllegalArgumentException("line " + number + ": " + fields.size() + " fields where the header has " + column.size());
      }
      String kind = fields.get(column.get("业务类型"));
      long amount = Math.abs(fen(fields.get(column.get("订单金额（元）")), number, "订单金额"));
      long received = fen(fields.get(column.get("商家实收（元）")), number, "商家实收");
      long fee = Math.abs(fen(fields.get(column.get("服务费（元）")), number, "服务费"));
      String tradeNo = fields.get(column.get("支付宝交易号"));
      String outTradeNo = fields.get(column.get("商户订单号"));
      var at = time(fields.get(column.get("完成时间")), number);
      switch (kind) {
        case "交易" -> rows.add(new StatementLine(Kind.PAYMENT, at, tradeNo, outTradeNo, Optional.empty(), Optional.empty(),
            amount, fee));
        case "退款" -> {
          String request = fields.get(column.get("退款批次号/请求号"));
          if (request.isEmpty()) {
            throw new IllegalArgumentException("line " + number + ": a refund row without 退款批次号/请求号");
          }
          rows.add(new StatementLine(Kind.REFUND, at, tradeNo, outTradeNo, Optional.of(tradeNo + "/" + request),
              Optional.of(request), amount, fee));
        }
        default -> throw new IllegalArgumentException("line " + number + ": 业务类型 " + kind + " is not 交易 or 退款");
      }
      long[] sum = counted.get(kind);
      sum[0]++;
      sum[1] += received;
    }
    if (column == null) {
      throw new IllegalArgumentException("the bill has no header (支付宝交易号, ...)");
    }
    for (String kind : List.of("交易", "退款")) {
      long[] said = stated.get(kind);
      long[] sum = counted.get(kind);
      if (said == null) {
        throw new IllegalArgumentException("the bill has no #" + kind + "合计 line");
      }
      if (said[0] != sum[0] || said[1] != sum[1]) {
        throw new IllegalArgumentException("#" + kind + "合计 says " + said[0] + " rows and " + said[1] + " fen but the rows are "
            + sum[0] + " and " + sum[1] + " fen (the bill is incomplete or altered)");
      }
    }
    return rows;
  }

  private static java.time.Instant time(String text, int line) {
    try {
      return LocalDateTime.parse(text, TIME).toInstant(ZoneOffset.ofHours(8));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("line " + line + ": 完成时间 " + text + " is not yyyy-MM-dd HH:mm:ss");
    }
  }

  private static long fen(String yuan, int line, String name) {
    try {
      BigDecimal value = new BigDecimal(yuan.isEmpty() ? "0" : yuan);
      if (value.stripTrailingZeros().scale() > 2) {
        throw new IllegalArgumentException("line " + line + ": " + name + " has more than two decimals");
      }
      return value.movePointRight(2).longValueExact();
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("line " + line + ": " + name + " " + yuan + " is not an amount in yuan");
    }
  }

  /** A bill as Alipay zips it (the simulator's): the detail and its summary, names and text in GBK. */
  static byte[] zip(String account, String day, String detail, String summary) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream out = new ZipOutputStream(bytes, GBK)) {
      out.putNextEntry(new ZipEntry(account + "_" + day.replace("-", "") + "_业务明细.csv"));
      out.write(detail.getBytes(GBK));
      out.closeEntry();
      out.putNextEntry(new ZipEntry(account + "_" + day.replace("-", "") + "_业务明细(汇总).csv"));
      out.write(summary.getBytes(GBK));
      out.closeEntry();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return bytes.toByteArray();
  }
}
