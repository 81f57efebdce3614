package cn.healthcard.hub.payments.alipay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.payments.channel.StatementLine;
import cn.healthcard.hub.payments.channel.StatementLine.Kind;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AlipayTradeBillTest {

  private static final String DETAIL = "#支付宝业务明细查询\r\n#账号：[20880000000001]\r\n"
      + "#-----------------------------------------业务明细列表----------------------------------------\r\n"
      + String.join(",", AlipayTradeBill.COLUMNS) + "\r\n"
      + "2026120622001400001\t,P0a1b2c3d4e5f60718293a4b5\t,交易,门诊缴费,2026-12-06 09:00:00,2026-12-06 09:00:07,,,,,"
      + "138****8888,12.50,12.50,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.08,0.00,\r\n"
      + "2026120622001400001\t,P0a1b2c3d4e5f60718293a4b5\t,退款,门诊缴费,2026-12-06 09:00:00,2026-12-06 15:30:00,,,,,"
      + "138****8888,-5.00,-5.00,0.00,0.00,0.00,0.00,0.00,,0.00,0.00,R0123456789abcdef01234567\t,0.03,0.00,\r\n"
      + "#-----------------------------------------业务明细列表结束------------------------------------\r\n"
      + "#交易合计：1笔，商家实收：12.50元，商家优惠：0.00元\r\n"
      + "#退款合计：1笔，商家实收：-5.00元，商家优惠：0.00元\r\n";

  @Test
  void tradesAndRefundsAreReadFromTheZippedGbkDetail() {
    byte[] zip = AlipayTradeBill.zip("20880000000001", "2026-12-06", DETAIL, "#汇总\r\n");

    List<StatementLine> lines = AlipayTradeBill.parse(zip);

    assertThat(lines).containsExactly(
        new StatementLine(Kind.PAYMENT, Instant.parse("2026-12-06T01:00:07Z"), "2026120622001400001",
            "P0a1b2c3d4e5f60718293a4b5", Optional.empty(), Optional.empty(), 1250, 8),
        new StatementLine(Kind.REFUND, Instant.parse("2026-12-06T07:30:00Z"), "2026120622001400001",
            "P0a1b2c3d4e5f60718293a4b5", Optional.of("2026120622001400001/R0123456789abcdef01234567"),
            Optional.of("R0123456789abcdef01234567"), 500, 3));
  }

  @Test
  void aBillWhoseTotalsDoNotAddUpIsRefused() {
    String altered = DETAIL.replace("#交易合计：1笔，商家实收：12.50元", "#交易合计：1笔，商家实收：13.50元");

    assertThatThrownBy(() -> AlipayTradeBill.parseDetail(altered))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("#交易合计 says 1 rows and 1350 fen but the rows are 1 and 1250 fen (the bill is incomplete or altered)");
  }

  @Test
  void aZipWithoutTheDetailIsRefused() throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.util.zip.ZipOutputStream(bytes, AlipayTradeBill.GBK)) {
      out.putNextEntry(new java.util.zip.ZipEntry("20880000000001_20261206_业务明细(汇总).csv"));
      out.write("#汇总".getBytes(AlipayTradeBill.GBK));
      out.closeEntry();
    }

    assertThatThrownBy(() -> AlipayTradeBill.parse(bytes.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the bill's zip holds no 业务明细.csv");
  }
}
