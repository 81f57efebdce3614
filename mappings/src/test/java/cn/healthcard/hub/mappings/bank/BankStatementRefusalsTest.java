package cn.healthcard.hub.mappings.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A malformed statement is refused whole, naming the line and the reason. */
class BankStatementRefusalsTest {

  private static final String CAMT = "camt053-agricultural-bank-2026-12-06.xml";
  private static final String CSV = "partner-bank-2026-12-06.csv";

  private static String camt() throws IOException {
    return new String(BankStatementGoldenFilesTest.file(CAMT), StandardCharsets.UTF_8);
  }

  private static String csv() throws IOException {
    return new String(BankStatementGoldenFilesTest.file(CSV), StandardCharsets.UTF_8);
  }

  private static void refused(String file, String message) {
    assertThatThrownBy(() -> BankStatementToReconciliation.map(file.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedStatement.class)
        .hasMessage(message);
  }

  @Test
  void anEntryMissingFromTheStatementBreaksTheBalancesAndTheFileIsRefused() throws IOException {
    String altered = camt().replace("<Amt Ccy=\"CNY\">1202.00</Amt>", "<Amt Ccy=\"CNY\">1200.00</Amt>");
    refused(altered, "line 27: the closing balance 111143.60 is not the opening balance 100000.00 plus the booked"
        + " entries 11145.60 (an entry is missing or altered)");
  }

  @Test
  void xmlThatIsNotWellFormedIsRefusedWithItsLine() throws IOException {
    String broken = camt().replace("</AcctSvcrRef>\n        <BkTxCd>", "\n        <BkTxCd>");
    assertThatThrownBy(() -> BankStatementToReconciliation.map(broken.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedStatement.class)
        .hasMessage("line 58: not well-formed XML: Unexpected close tag </Ntry>; expected </AcctSvcrRef>.");
  }

  @Test
  void anotherIso20022MessageIsNotAStatement() {
    refused("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\"><CstmrCdtTrfInitn/></Document>",
        "line 1: Document holds no BkToCstmrStmt: not a camt.053 statement");
  }

  @Test
  void anExternalEntityIsNeverResolved() {
    String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE Document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
        + "<Document><BkToCstmrStmt><Stmt><Id>&x;</Id></Stmt></BkToCstmrStmt></Document>";
    // DTDs are not read: the entity stays undeclared, nothing is fetched
    refused(xxe, "line 3: not well-formed XML: Undeclared general entity \"x\"");
  }

  @Test
  void anAmountOrIndicatorThatIsNotOneIsRefusedWithItsLine() throws IOException {
    refused(camt().replace("<Amt Ccy=\"CNY\">12345.60</Amt>", "<Amt Ccy=\"CNY\">12,345.60</Amt>"),
        "line 35: Amt 12,345.60 is not a decimal amount");
    refused(camt().replace("<CdtDbtInd>DBIT</CdtDbtInd>\n        <Sts>", "<CdtDbtInd>DEBIT</CdtDbtInd>\n        <Sts>"),
        "line 62: CdtDbtInd DEBIT is not CRDT or DBIT");
  }

  @Test
  void aBookedEntryNeedsItsBookingDate() throws IOException {
    refused(camt().replace("<BookgDt><Dt>2026-12-06</Dt></BookgDt>\n        <ValDt><Dt>2026-12-06</Dt></ValDt>\n        <AcctSvcrRef>ABC2026120600019002",
        "<ValDt><Dt>2026-12-06</Dt></ValDt>\n        <AcctSvcrRef>ABC2026120600019002"), "line 59: a booked Ntry has no BookgDt");
  }

  @Test
  void aCsvRowMissingBetweenTwoBalancesIsNoticed() throws IOException {
    String[] lines = csv().split("\r\n");
    String without = String.join("\r\n", lines[0], lines[1], lines[3]) + "\r\n";
    refused(without, "line 3: 余额 105948.50 does not follow from the row before (101250.00 + 5000.00 = 106250.00):"
        + " a row is missing or altered");
  }

  @Test
  void aCsvWithoutARequiredColumnOrWithAnUnknownDirectionIsRefused() throws IOException {
    refused(csv().replace("流水号", "序号"), "line 1: the header has no column 流水号 (required: 账号, 交易日期, 流水号, 借贷标志, 交易金额)");
    refused(csv().replace(",借,", ",出,"), "line 3: 借贷标志 出 is not 贷/C (money in) or 借/D (money out)");
    refused(csv().replace("ABCS0001811", "ABCS0001790"), "line 4: 流水号 ABCS0001790 appears twice for one account");
    refused(csv().split("\r\n")[0] + "\r\n", "line 1: the file has a header and no transactions");
    refused(csv().replace(",300.00,1.50,", ",300.001,1.50,"), "line 3: 交易金额 300.001 has more than two decimals");
  }

  @Test
  void aGb18030ExportReadsAsItsUtf8Twin() throws IOException {
    byte[] gbk = csv().getBytes(Charset.forName("GB18030"));
    assertThat(BankStatementToReconciliation.read(gbk)).isEqualTo(BankStatementToReconciliation.read(csv().getBytes(StandardCharsets.UTF_8)));
  }
}
