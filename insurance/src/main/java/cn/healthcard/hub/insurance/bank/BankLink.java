package cn.healthcard.hub.insurance.bank;

import cn.healthcard.hub.insurance.Insurance;
import cn.healthcard.hub.insurance.InsuranceRepository;
import cn.healthcard.hub.insurance.fhir.InsuranceCodes;
import cn.healthcard.hub.insurance.fhir.SettlementToFhir;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.PaymentReconciliation;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The scheme's link with its partner bank, as files: a batch of premium deductions for a county's
 * due premiums, a batch of the fund's transfers to hospitals (what each is owed: settled claims
 * not yet paid, less claims reversed after they were paid; held claims wait), and the bank's
 * answer files, each applied once (by its SHA-256) and line by line (a line answered before is
 * not applied again): a paid premium starts its members' coverage, a paid transfer marks its
 * claims paid, a failed line frees what it held for the next batch. Each answer file is reflected
 * as a {@code PaymentReconciliation}.
 */
public class BankLink {


  private final JdbcClient jdbc;
  private final TransactionTemplate transactions;
  private final Clock clock;
  private final Insurance insurance;
  private final InsuranceRepository repository;

  public BankLink(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, Insurance insurance,
      InsuranceRepository repository) {
    this.jdbc = jdbc;
    this.transactions = transactions;
    this.clock = clock;
    this.insurance = insurance;
    this.repository = repository;
  }

  /** A batch made: its id, file name and content, how many lines and how much. */
  public record Batch(String id, String kind, String fileName, int lines, long amountFen, byte[] content) {}

  /** The due premiums of a county not already waiting in a batch; empty when there is none. */
  public Optional<Batch> collectPremiums(String county, String actor) {
    return transactions.execute(tx -> {
      List<Map<String, Object>> due = jdbc.sql("select p.id, p.amount_fen, e.card_number from hub.insurance_premium p"
              + " join hub.insurance_enrolment e on e.premium_id = p.id and e.head"
              + " where p.county = ? and p.status = 'due' and not exists (select 1 from hub.insurance_bank_line l"
              + " where l.reference = p.id and l.status = 'sent') order by p.created_at, p.id")
          .param(county).query().listOfRows();
      if (due.isEmpty()) {
        return Optional.<Batch>empty();
      }
      String id = cn.healthcard.hub.insurance.RandomIds.next("BB", 8);
      String name = "NCMS-PREMIUM-" + county + "-" + id + ".csv";
      jdbc.sql("insert into hub.insurance_bank_batch (id, kind, county, file_name, lines, amount_fen, created_at,"
              + " created_by) values (?, 'premium-collection', ?, ?, 0, 0, ?, ?)")
          .param(id).param(county).param(name).param(Timestamp.from(clock.instant())).param(actor).update();
      long total = 0;
      int line = 0;
      for (Map<String, Object> row : due) {
        line++;
        long amount = ((Number) row.get("amount_fen")).longValue();
        total += amount;
        jdbc.sql("insert into hub.insurance_bank_line (batch_id, line_no, reference, card_number, amount_fen, status)"
                + " values (?, ?, ?, ?, ?, 'sent')")
            .param(id).param(line).param(row.get("id")).param(row.get("card_number")).param(amount).update();
      }
      jdbc.sql("update hub.insurance_bank_batch set lines = ?, amount_fen = ? where id = ?")
          .param(line).param(total).param(id).update();
      return Optional.of(file(id).orElseThrow());
    });
  }

  /** What the fund owes each hospital (more than zero, nothing held, not already in a batch); empty when nothing. */
  public Optional<Batch> transferFunds(String actor) {
    return transactions.execute(tx -> {
      // per claim, what moves now: an unpaid settlement, or (reversed after payment) the amount to take back
      List<Map<String, Object>> owed = jdbc.sql("select c.institution, c.id, sum(f.amount_fen) filter (where"
              + " c.fund_status = 'payable' or f.entry = 'reversal') as amount"
              + " from hub.insurance_claim c join hub.insurance_fund_ledger f on f.claim_id = c.id"
              + " where c.fund_status in ('payable', 'recover') and not exists (select 1 from hub.insurance_bank_line_claim lc"
              + " join hub.insurance_bank_line l on l.batch_id = lc.batch_id and l.line_no = lc.line_no"
              + " where lc.claim_id = c.id and l.status = 'sent')"
              + " group by c.institution, c.id order by c.institution, c.id")
          .query().listOfRows();
      Map<String, List<Map<String, Object>>> byInstitution = new java.util.TreeMap<>();
      for (Map<String, Object> row : owed) {
        byInstitution.computeIfAbsent((String) row.get("institution"), k -> new ArrayList<>()).add(row);
      }
      String id = cn.healthcard.hub.insurance.RandomIds.next("BT", 8);
      jdbc.sql("insert into hub.insurance_bank_batch (id, kind, file_name, lines, amount_fen, created_at, created_by)"
              + " values (?, 'fund-transfer', ?, 0, 0, ?, ?)")
          .param(id).param("NCMS-TRANSFER-" + id + ".csv").param(Timestamp.from(clock.instant())).param(actor).update();
      int line = 0;
      long total = 0;
      for (Map.Entry<String, List<Map<String, Object>>> e : byInstitution.entrySet()) {
        long amount = e.getValue().stream().mapToLong(r -> ((Number) r.get("amount")).longValue()).sum();
        if (amount <= 0) {
          // what the hospital owes back waits for claims to net it against
          continue;
        }
        boolean open = jdbc.sql("select count(*) from hub.insurance_bank_line where reference = ? and status = 'sent'")
            .param(e.getKey()).query(Integer.class).single() > 0;
        if (open) {
          continue;
        }
        line++;
        total += amount;
        jdbc.sql("insert into hub.insurance_bank_line (batch_id, line_no, reference, amount_fen, status)"
                + " values (?, ?, ?, ?, 'sent')")
            .param(id).param(line).param(e.getKey()).param(amount).update();
        for (Map<String, Object> claim : e.getValue()) {
          jdbc.sql("insert into hub.insurance_bank_line_claim (batch_id, line_no, claim_id, amount_fen) values (?, ?, ?, ?)")
              .param(id).param(line).param(claim.get("id")).param(((Number) claim.get("amount")).longValue()).update();
        }
      }
      if (line == 0) {
        jdbc.sql("delete from hub.insurance_bank_batch where id = ?").param(id).update();
        return Optional.<Batch>empty();
      }
      jdbc.sql("update hub.insurance_bank_batch set lines = ?, amount_fen = ? where id = ?")
          .param(line).param(total).param(id).update();
      return Optional.of(file(id).orElseThrow());
    });
  }

  /** A batch's file, made again from its lines (the same bytes every time). */
  public Optional<Batch> file(String batchId) {
    return jdbc.sql("select kind, file_name, lines, amount_fen from hub.insurance_bank_batch where id = ?")
        .param(batchId).query().listOfRows().stream().findFirst().map(b -> {
          String kind = (String) b.get("kind");
          StringBuilder out = new StringBuilder();
          boolean premiums = kind.equals("premium-collection");
          out.append(premiums ? BankFiles.PREMIUM_HEADER : BankFiles.TRANSFER_HEADER).append('\n');
          for (Map<String, Object> l : jdbc.sql("select line_no, reference, card_number, amount_fen from hub.insurance_bank_line"
              + " where batch_id = ? order by line_no").param(batchId).query().listOfRows()) {
            int lineNo = ((Number) l.get("line_no")).intValue();
            out.append(batchId).append(',').append(lineNo).append(',').append(BankFiles.field((String) l.get("reference")))
                .append(',');
            if (premiums) {
              out.append(l.get("card_number")).append(',').append(l.get("amount_fen"));
            } else {
              List<String> claims = jdbc.sql("select claim_id from hub.insurance_bank_line_claim where batch_id = ?"
                  + " and line_no = ? order by claim_id").param(batchId).param(lineNo).query(String.class).list();
              out.append(l.get("amount_fen")).append(',').append(String.join(";", claims));
            }
            out.append('\n');
          }
          return new Batch(batchId, kind, (String) b.get("file_name"), ((Number) b.get("lines")).intValue(),
              ((Number) b.get("amount_fen")).longValue(), out.toString().getBytes(StandardCharsets.UTF_8));
        });
  }

  /** What applying an answer file did. */
  public record Applied(boolean duplicate, int paid, int failed, int answeredBefore, Optional<String> reconciliation) {}

  /**
   * Applies the bank's answer file, once.
   *
   * @throws MalformedBankFile when the file, or a line of it, does not fit a batch the hub sent
   */
  public Applied applyAnswer(byte[] file, String fileName) {
    List<BankFiles.AnswerLine> lines = BankFiles.readAnswer(file);
    String sha256 = sha256(file);
    return transactions.execute(tx -> {
      int first = jdbc.sql("insert into hub.insurance_bank_answer (sha256, file_name, received_at, lines)"
              + " values (?, ?, ?, ?) on conflict do nothing")
          .param(sha256).param(fileName).param(Timestamp.from(clock.instant())).param(lines.size()).update();
      if (first == 0) {
        return new Applied(true, 0, 0, 0, Optional.empty());
      }
      PaymentReconciliation reconciliation = new PaymentReconciliation();
      reconciliation.addIdentifier(new Identifier().setSystem(HubCodeSystems.BASE + "/NamingSystem/bank-answer-file")
          .setValue(sha256));
      reconciliation.setStatus(PaymentReconciliation.PaymentReconciliationStatus.ACTIVE);
      reconciliation.setCreated(Date.from(clock.instant()));
      reconciliation.setDisposition("partner bank answer " + fileName);
      int paid = 0;
      int failed = 0;
      int before = 0;
      long amount = 0;
      Instant latest = null;
      for (BankFiles.AnswerLine a : lines) {
        Map<String, Object> sent = jdbc.sql("select b.kind, l.reference, l.amount_fen, l.status from hub.insurance_bank_line l"
                + " join hub.insurance_bank_batch b on b.id = l.batch_id where l.batch_id = ? and l.line_no = ? for update of l")
            .param(a.batch()).param(a.line()).query().listOfRows().stream().findFirst()
            .orElseThrow(() -> new MalformedBankFile(a.fileLine(), "no line " + a.line() + " in a batch " + a.batch()
                + " the hub sent"));
        if (!"sent".equals(sent.get("status"))) {
          before++;
          reconciliation.addProcessNote().setText("batch " + a.batch() + " line " + a.line() + " was answered before ("
              + sent.get("status") + "): left as it was");
          continue;
        }
        String kind = (String) sent.get("kind");
        String reference = (String) sent.get("reference");
        long lineAmount = ((Number) sent.get("amount_fen")).longValue();
        Instant at = a.paidAt().map(t -> t.toInstant()).orElse(clock.instant());
        jdbc.sql("update hub.insurance_bank_line set status = ?, bank_reference = ?, answered_at = ?, reason = ?"
                + " where batch_id = ? and line_no = ?")
            .param(a.paid() ? "paid" : "failed").param(a.bankReference().isEmpty() ? null : a.bankReference())
            .param(Timestamp.from(at)).param(a.reason().isEmpty() ? null : a.reason()).param(a.batch()).param(a.line())
            .update();
        PaymentReconciliation.DetailsComponent detail = reconciliation.addDetail()
            .setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/payment-type",
                a.paid() ? "payment" : "adjustment", null)))
            .setIdentifier(new Identifier().setSystem(HubCodeSystems.BASE + "/NamingSystem/bank-batch-line")
                .setValue(a.batch() + "/" + a.line()))
            .setAmount(SettlementToFhir.money(a.paid() ? lineAmount : 0))
            .setDate(Date.from(at));
        if (a.paid()) {
          paid++;
          amount += lineAmount;
          latest = latest == null || at.isAfter(latest) ? at : latest;
          detail.setPredecessor(new Identifier().setSystem(HubCodeSystems.BASE + "/NamingSystem/bank-reference")
              .setValue(a.bankReference()));
          if (kind.equals("premium-collection")) {
            Optional<String> invoice = insurance.enrolments().premium(reference).flatMap(p -> p.invoice());
            invoice.ifPresent(i -> detail.setRequest(new Reference("Invoice/" + i)));
            String lapsed = insurance.enrolments().premium(reference).map(p -> p.status()).orElse("");
            if ("lapsed".equals(lapsed)) {
              // the money came after the premium lapsed: recorded, and the office refunds or enrols again
              reconciliation.addProcessNote().setText("batch " + a.batch() + " line " + a.line() + ": premium "
                  + reference + " had lapsed before the deduction; refund it or enrol the household again");
            } else {
              invoice.ifPresent(i -> insurance.invoicePaid(i, at, "bank " + a.bankReference()));
            }
          } else {
            detail.setPayee(new Reference().setIdentifier(new Identifier().setSystem(HubCodeSystems.INSTITUTION)
                .setValue(reference)));
            jdbc.sql("update hub.insurance_claim set fund_status = case when fund_status = 'recover' then 'none' else 'paid' end"
                    + " where id in (select claim_id from hub.insurance_bank_line_claim where batch_id = ? and line_no = ?)"
                    + " and fund_status in ('payable', 'recover')")
                .param(a.batch()).param(a.line()).update();
          }
        } else {
          failed++;
          reconciliation.addProcessNote().setText("batch " + a.batch() + " line " + a.line() + " failed: "
              + (a.reason().isEmpty() ? "no reason given" : a.reason()));
        }
      }
      reconciliation.setOutcome(failed == 0 ? org.hl7.fhir.r4.model.Enumerations.RemittanceOutcome.COMPLETE
          : org.hl7.fhir.r4.model.Enumerations.RemittanceOutcome.PARTIAL);
      reconciliation.setPaymentDate(Date.from(latest == null ? clock.instant() : latest));
      reconciliation.setPaymentAmount(SettlementToFhir.money(amount));
      reconciliation.setPaymentIdentifier(new Identifier().setSystem(InsuranceCodes.SCHEME).setValue(fileName));
      String id = repository.create(reconciliation);
      jdbc.sql("update hub.insurance_bank_answer set reconciliation = ? where sha256 = ?").param(id).param(sha256).update();
      return new Applied(false, paid, failed, before, Optional.of(id));
    });
  }


  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
