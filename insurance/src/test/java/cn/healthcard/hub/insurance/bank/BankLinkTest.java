package cn.healthcard.hub.insurance.bank;

import static cn.healthcard.hub.insurance.ClaimsForTests.claim;
import static cn.healthcard.hub.insurance.ClaimsForTests.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import cn.healthcard.hub.insurance.HouseholdYearTest;
import cn.healthcard.hub.insurance.Insurance;
import cn.healthcard.hub.insurance.InsuranceRepository;
import cn.healthcard.hub.insurance.enrolment.EnrolmentKind;
import cn.healthcard.hub.insurance.enrolment.EnrolmentStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.PaymentReconciliation;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The partner bank link on a real PostgreSQL: premium deductions and fund transfers out, the
 * bank's answers in, each file once and each line once.
 */
class BankLinkTest {

  static {
    HouseholdYearTest.scheme();
  }

  private final Insurance insurance = HouseholdYearTest.insurance;
  private final BankLink bank = new BankLink(HouseholdYearTest.jdbc,
      new TransactionTemplate(new DataSourceTransactionManager(cn.healthcard.hub.insurance.TestDatabase.dataSource())),
      HouseholdYearTest.clock(), insurance, HouseholdYearTest.repository());

  private static String answer(String... lines) {
    return BankFiles.ANSWER_HEADER + "\n" + String.join("\n", lines) + "\n";
  }

  private static List<String[]> rows(BankLink.Batch batch) {
    return new String(batch.content(), StandardCharsets.UTF_8).lines().skip(1).map(l -> l.split(",", -1)).toList();
  }

  @Test
  void premiumsAreCollectedAndEachAnswerLineAppliedOnce() {
    HouseholdYearTest.CLOCK.set("2030-11-10T10:00:00");
    // whatever earlier tests left due goes out first
    bank.collectPremiums(HouseholdYearTest.COUNTY, "office");
    InsuranceRepository.Household paying = HouseholdYearTest.household();
    InsuranceRepository.Household failing = HouseholdYearTest.household();
    Insurance.Enrolled one = insurance.enrol(paying.id(), Optional.of(HouseholdYearTest.YEAR), EnrolmentKind.REGULAR, "o");
    Insurance.Enrolled two = insurance.enrol(failing.id(), Optional.of(HouseholdYearTest.YEAR), EnrolmentKind.REGULAR, "o");

    BankLink.Batch batch = bank.collectPremiums(HouseholdYearTest.COUNTY, "office").orElseThrow();
    List<String[]> rows = rows(batch);
    assertThat(rows).extracting(r -> r[2]).containsExactlyInAnyOrder(one.premium().id(), two.premium().id());
    String[] first = rows.stream().filter(r -> r[2].equals(one.premium().id())).findFirst().orElseThrow();
    assertThat(first[3]).isEqualTo(HouseholdYearTest.card(paying, 0));
    assertThat(first[4]).isEqualTo("76000");
    String paidLine = first[1];
    String failedLine = paidLine.equals("1") ? "2" : "1";
    assertThat(batch.amountFen()).isEqualTo(152_000);
    assertThat(bank.collectPremiums(HouseholdYearTest.COUNTY, "office")).isEmpty();
    assertThat(bank.file(batch.id()).orElseThrow().content()).isEqualTo(batch.content());

    byte[] file = answer(batch.id() + "," + paidLine + ",paid,ABC0001,2030-11-12T09:30:00+08:00,",
        batch.id() + "," + failedLine + ",failed,,,insufficient balance").getBytes(StandardCharsets.UTF_8);
    BankLink.Applied applied = bank.applyAnswer(file, "answer-1.csv");
    assertThat(applied.paid()).isEqualTo(1);
    assertThat(applied.failed()).isEqualTo(1);
    assertThat(insurance.enrolments().byPremium(one.premium().id())).extracting(e -> e.status())
        .containsOnly(EnrolmentStatus.ACTIVE);
    assertThat(insurance.enrolments().byPremium(two.premium().id())).extracting(e -> e.status())
        .containsOnly(EnrolmentStatus.PENDING);
    PaymentReconciliation reconciliation = HouseholdYearTest.repository().read(PaymentReconciliation.class,
        applied.reconciliation().orElseThrow());
    assertThat(reconciliation.getPaymentAmount().getValue()).isEqualByComparingTo("760.00");
    assertThat(reconciliation.getDetail()).hasSize(2);
    assertThat(reconciliation.getOutcome().toCode()).isEqualTo("partial");

    assertThat(bank.applyAnswer(file, "answer-1-again.csv").duplicate()).isTrue();
    BankLink.Applied overlapping = bank.applyAnswer(answer(batch.id() + "," + paidLine + ",paid,ABC0001,2030-11-12T09:30:00+08:00,x")
        .getBytes(StandardCharsets.UTF_8), "answer-2.csv");
    assertThat(overlapping.answeredBefore()).isEqualTo(1);
    assertThat(overlapping.paid()).isZero();

    // the failed premium goes out again, the paid one does not
    BankLink.Batch again = bank.collectPremiums(HouseholdYearTest.COUNTY, "office").orElseThrow();
    assertThat(rows(again)).extracting(r -> r[2]).containsExactly(two.premium().id());
  }

  @Test
  void aPremiumWithTheBankDoesNotLapseWhileItWaitsForTheAnswer() {
    HouseholdYearTest.CLOCK.set("2030-12-20T10:00:00");
    bank.collectPremiums(HouseholdYearTest.COUNTY, "office");
    InsuranceRepository.Household h = HouseholdYearTest.household();
    Insurance.Enrolled enrolled = insurance.enrol(h.id(), Optional.of(HouseholdYearTest.YEAR), EnrolmentKind.REGULAR, "o");
    BankLink.Batch batch = bank.collectPremiums(HouseholdYearTest.COUNTY, "office").orElseThrow();
    String line = rows(batch).stream().filter(r -> r[2].equals(enrolled.premium().id())).findFirst().orElseThrow()[1];

    // past the due date (2030-12-31) and the 30 days' grace
    HouseholdYearTest.CLOCK.set("2031-02-15T10:00:00");
    insurance.lapseOverdue();
    assertThat(insurance.enrolments().premium(enrolled.premium().id()).orElseThrow().status()).isEqualTo("due");

    bank.applyAnswer(answer(batch.id() + "," + line + ",paid,LATE01,2031-02-14T09:00:00+08:00,")
        .getBytes(StandardCharsets.UTF_8), "late-" + batch.id());
    assertThat(insurance.enrolments().premium(enrolled.premium().id()).orElseThrow().status()).isEqualTo("paid");
    assertThat(insurance.enrolments().byPremium(enrolled.premium().id())).extracting(e -> e.status())
        .containsOnly(EnrolmentStatus.ACTIVE);
  }

  @Test
  void anAnswerForALineTheHubNeverSentIsRefusedWhole() {
    MalformedBankFile refused = catchThrowableOfType(() -> bank.applyAnswer(
        answer("BBnosuchbatch,1,paid,X,2030-11-12T09:30:00+08:00,").getBytes(StandardCharsets.UTF_8), "bad.csv"),
        MalformedBankFile.class);
    assertThat(refused.line()).isEqualTo(2);
    MalformedBankFile header = catchThrowableOfType(() -> bank.applyAnswer("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8),
        "bad.csv"), MalformedBankFile.class);
    assertThat(header.line()).isEqualTo(1);
  }

  @Test
  void theFundPaysHospitalsWhatTheyAreOwedAndNetsWhatTheyOweBack() {
    HouseholdYearTest.CLOCK.set("2030-11-15T10:00:00");
    InsuranceRepository.Household h = HouseholdYearTest.household();
    String card = HouseholdYearTest.card(h, 0);
    Insurance.Enrolled enrolled = insurance.enrol(h.id(), Optional.of(HouseholdYearTest.YEAR), EnrolmentKind.REGULAR, "o");
    insurance.invoicePaid(enrolled.invoice(), HouseholdYearTest.CLOCK.instant(), "bank");
    HouseholdYearTest.CLOCK.set("2031-04-01T10:00:00");
    // settle everything owed so far, so this test sees only its own
    bank.transferFunds("test").ifPresent(b -> bank.applyAnswer(paidAll(b), "settle-" + b.id()));
    String hospital = HouseholdYearTest.COUNTY_HOSPITAL;
    assertThat(insurance.ledger().payable(hospital).payableFen()).isZero();

    // county hospital: (1,300 - 300) x 80% = 800
    insurance.submit(claim("T1-" + card, card, true, "2031-03-01T08:00:00", "2031-03-03T08:00:00",
        item("120100001", "A", "1", "1300.00")), hospital);
    assertThat(insurance.ledger().payable(hospital).payableFen()).isEqualTo(80_000);
    BankLink.Batch transfer = bank.transferFunds("test").orElseThrow();
    String[] line = rows(transfer).stream().filter(r -> r[2].equals(hospital)).findFirst().orElseThrow();
    assertThat(line[3]).isEqualTo("80000");
    bank.applyAnswer(paidAll(transfer), "transfer-answer-" + transfer.id());
    assertThat(insurance.ledger().payable(hospital).payableFen()).isZero();

    // reversed after it was paid: the hospital owes 800 back, netted against its next claim
    insurance.submit(cn.healthcard.hub.insurance.ClaimsForTests.reversal("T1-" + card), hospital);
    assertThat(insurance.ledger().payable(hospital).payableFen()).isEqualTo(-80_000);
    assertThat(bank.transferFunds("test").stream().flatMap(b -> rows(b).stream()).filter(r -> r[2].equals(hospital)))
        .isEmpty();
    // (2,300 - 300) x 80% = 1,600
    insurance.submit(claim("T2-" + card, card, true, "2031-03-10T08:00:00", "2031-03-13T08:00:00",
        item("120100001", "A", "1", "2300.00")), hospital);
    BankLink.Batch netted = bank.transferFunds("test").orElseThrow();
    String[] nettedLine = rows(netted).stream().filter(r -> r[2].equals(hospital)).findFirst().orElseThrow();
    assertThat(nettedLine[3]).isEqualTo(String.valueOf(160_000 - 80_000));
    bank.applyAnswer(paidAll(netted), "netted-answer-" + netted.id());
    assertThat(insurance.ledger().payable(hospital).payableFen()).isZero();
  }

  private static byte[] paidAll(BankLink.Batch batch) {
    StringBuilder out = new StringBuilder(BankFiles.ANSWER_HEADER).append('\n');
    for (String[] r : rows(batch)) {
      out.append(r[0]).append(',').append(r[1]).append(",paid,TX").append(r[1]).append(",2031-04-01T12:00:00+08:00,\n");
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
