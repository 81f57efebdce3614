package cn.healthcard.hub.payments.wechatpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.payments.channel.StatementLine;
import cn.healthcard.hub.payments.channel.StatementLine.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WechatPayTradeBillTest {

  private static String bill() throws IOException {
    try (InputStream in = WechatPayTradeBillTest.class.getResourceAsStream("/wechatpay/tradebill-2026-12-06.csv")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void paymentsAndRefundsAreReadInFenWithTheirFeesAndChinaTimes() throws IOException {
    List<StatementLine> lines = WechatPayTradeBill.parse(bill());

    assertThat(lines).containsExactly(
        new StatementLine(Kind.PAYMENT, Instant.parse("2026-12-06T01:15:02Z"), "4200000001202612060001",
            "P0a1b2c3d4e5f60718293a4b", Optional.empty(), Optional.empty(), 1250, 8),
        new StatementLine(Kind.PAYMENT, Instant.parse("2026-12-06T02:40:11Z"), "4200000001202612060002",
            "P1111111111111111111111111", Optional.empty(), Optional.empty(), 20000, 120),
        new StatementLine(Kind.REFUND, Instant.parse("2026-12-06T08:05:59Z"), "4200000001202612060002",
            "P1111111111111111111111111", Optional.of("50300000012026120600001"), Optional.of("R2222222222222222222222222"),
            5000, 30));
  }

  @Test
  void aBillWhoseTotalsDoNotAddUpIsRefusedWhole() throws IOException {
    String altered = bill().replace("`200.00,`0.00,`,`,`0.00", "`199.00,`0.00,`,`,`0.00");

    assertThatThrownBy(() -> WechatPayTradeBill.parse(altered))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 6: 应结订单总金额 is 21250 but the rows add up to 21150 (the bill is incomplete or altered)");
  }

  @Test
  void aRowWithAMissingFieldIsRefusedWithItsRowNumber() throws IOException {
    String truncated = bill().replace(",`住院预交金,`,`1.20", ",`住院预交金,`1.20");

    assertThatThrownBy(() -> WechatPayTradeBill.parse(truncated))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 3: 26 fields where the header has 27");
  }

  @Test
  void aMissingTotalsRowIsRefused() throws IOException {
    String cut = bill().substring(0, bill().indexOf("总交易单数"));

    assertThatThrownBy(() -> WechatPayTradeBill.parse(cut))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the bill has no totals (总交易单数)");
  }

  @Test
  void anAmountWithThreeDecimalsIsRefused() throws IOException {
    String odd = bill().replace("`12.50,`0.00,`,`", "`12.505,`0.00,`,`");

    assertThatThrownBy(() -> WechatPayTradeBill.parse(odd))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("row 2: 应结订单金额 has more than two decimals");
  }
}
