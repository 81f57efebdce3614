package cn.healthcard.hub.payments.unionpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.payments.channel.StatementLine;
import cn.healthcard.hub.payments.unionpay.UnionPayReconciliationFile.Field;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnionPayReconciliationFileTest {

  private static final LocalDate DAY = LocalDate.of(2026, 12, 7);
  private static final String MER = "777290058110097";

  private static Map<Field, String> consumption() {
    Map<Field, String> v = new EnumMap<>(Field.class);
    v.put(Field.TRANSACTION_CODE, "S22");
    v.put(Field.TRANSMITTED_AT, "1207103015");
    v.put(Field.AMOUNT, UnionPayReconciliationFile.amount(12_50, 12, Optional.empty()));
    v.put(Field.QUERY_ID, "202612071030150000001");
    v.put(Field.ORDER_ID, "P0123456789abcdef01234567");
    v.put(Field.MERCHANT_FEE, UnionPayReconciliationFile.amount(6, 12, Optional.of('D')));
    v.put(Field.SETTLED_AMOUNT, UnionPayReconciliationFile.amount(12_44, 13, Optional.of('C')));
    v.put(Field.TXN_TYPE, "01");
    v.put(Field.TXN_SUB_TYPE, "01");
    v.put(Field.MERCHANT_ID, MER);
    return v;
  }

  private static byte[] zip(List<String> lines) {
    return UnionPayReconciliationFile.unpack(UnionPayReconciliationFile.fileContent(DAY, MER, lines));
  }

  @Test
  void linesAreReadAtTheirFixedPositions() {
    Map<Field, String> refund = new EnumMap<>(consumption());
    refund.put(Field.TRANSACTION_CODE, "S30");
    refund.put(Field.TRANSMITTED_AT, "1207235959");
    refund.put(Field.AMOUNT, UnionPayReconciliationFile.amount(5_00, 12, Optional.empty()));
    refund.put(Field.QUERY_ID, "202612072359590000002");
    refund.put(Field.ORDER_ID, "R00000000000000000000000a");
    refund.put(Field.MERCHANT_FEE, UnionPayReconciliationFile.amount(3, 12, Optional.of('C')));
    refund.put(Field.TXN_TYPE, "04");
    refund.put(Field.ORIGINAL_QUERY_ID, "202612071030150000001");
    refund.put(Field.ORIGINAL_ORDER_ID, "P0123456789abcdef01234567");
    Map<Field, String> cancellation = new EnumMap<>(consumption());
    cancellation.put(Field.TXN_TYPE, "31");
    // a Chinese name takes two bytes a character in the file's GBK: the widths are bytes
    refund.put(Field.SUB_MERCHANT_NAME, "沈阳市第一人民医院");
    String first = UnionPayReconciliationFile.line(consumption());
    assertThat(first).hasSize(UnionPayReconciliationFile.LINE_LENGTH);
    assertThat(UnionPayReconciliationFile.line(refund).getBytes(java.nio.charset.Charset.forName("GBK")))
        .hasSize(UnionPayReconciliationFile.LINE_LENGTH);

    List<StatementLine> lines = UnionPayReconciliationFile.parse(zip(List.of(first,
        UnionPayReconciliationFile.line(refund), UnionPayReconciliationFile.line(cancellation))), DAY, MER);

    assertThat(lines).containsExactly(
        new StatementLine(StatementLine.Kind.PAYMENT, Instant.parse("2026-12-07T02:30:15Z"), "202612071030150000001",
            "P0123456789abcdef01234567", Optional.empty(), Optional.empty(), 12_50, 6),
        new StatementLine(StatementLine.Kind.REFUND, Instant.parse("2026-12-07T15:59:59Z"), "202612071030150000001",
            "P0123456789abcdef01234567", Optional.of("202612072359590000002"), Optional.of("R00000000000000000000000a"),
            5_00, 3));
  }

  @Test
  void aFileThatCannotBeReadWholeIsRefusedWithItsLineAndField() {
    String good = UnionPayReconciliationFile.line(consumption());
    Map<Field, String> noFee = new EnumMap<>(consumption());
    noFee.put(Field.MERCHANT_FEE, "000000000006");
    assertThatThrownBy(() -> UnionPayReconciliationFile.parse(zip(List.of(good, UnionPayReconciliationFile.line(noFee))), DAY, MER))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("line 2: MERCHANT_FEE has no direction (C or D)");
    assertThatThrownBy(() -> UnionPayReconciliationFile.parse(zip(List.of(good.substring(0, 100))), DAY, MER))
        .hasMessage("line 1: 100 bytes, a line has " + (UnionPayReconciliationFile.LINE_LENGTH - 1));
    Map<Field, String> letters = new EnumMap<>(consumption());
    letters.put(Field.AMOUNT, "00000000012A");
    assertThatThrownBy(() -> UnionPayReconciliationFile.parse(zip(List.of(UnionPayReconciliationFile.line(letters))), DAY, MER))
        .hasMessage("line 1: AMOUNT is not a fen amount");
    assertThatThrownBy(() -> UnionPayReconciliationFile.parse(zip(List.of(good)), DAY, "898000000000001"))
        .hasMessage("the zip has no INN26120788ZM_898000000000001");
    assertThatThrownBy(() -> UnionPayReconciliationFile.unpack("bm90IGRlZmxhdGVk"))
        .hasMessage("fileContent is not deflated data");
  }

  @Test
  void answersAreReadWithBracedValuesAndPemCertificatesKept() {
    String pem = "-----BEGIN CERTIFICATE-----\r\nMIIB+/a=\r\n-----END CERTIFICATE-----";
    Map<String, String> fields = AcpForm.read("respCode=00&reqReserved={a=1&b=2}&signPubKeyCert=" + pem + "&tn=1");
    assertThat(fields).containsExactlyInAnyOrderEntriesOf(Map.of("respCode", "00", "reqReserved", "{a=1&b=2}",
        "signPubKeyCert", pem, "tn", "1"));
    assertThat(AcpForm.read(AcpForm.write(fields))).isEqualTo(fields);
    assertThatThrownBy(() -> AcpForm.read("a={b=1")).hasMessage("a brace that does not close");
  }
}
