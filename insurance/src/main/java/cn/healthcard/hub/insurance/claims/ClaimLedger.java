package cn.healthcard.hub.insurance.claims;

import cn.healthcard.hub.insurance.adjudication.Adjudication;
import cn.healthcard.hub.insurance.adjudication.LineAdjudication;
import cn.healthcard.hub.insurance.adjudication.Reason;
import cn.healthcard.hub.insurance.adjudication.Usage;
import cn.healthcard.hub.insurance.scheme.CareSetting;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import cn.healthcard.hub.insurance.scheme.ItemClass;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The claim ledger: settled claims and their lines ({@code hub.insurance_claim},
 * {@code hub.insurance_claim_line}) and the fund's payables to hospitals
 * ({@code hub.insurance_fund_ledger}: + at settlement, - at reversal, so each claim's entries sum to
 * what the fund owes for it). A person's usage of the year is always the sum of their settled
 * claims: a reversal needs no correcting entry to keep it right. Runs in the caller's transaction.
 */
public class ClaimLedger {

  private static final String COLUMNS = "id, institution, claim_no, card_number, patient, county, year, scheme_version,"
      + " setting, level, service_from, service_to, diagnoses, fingerprint, status, claim_reasons, fund_status,"
      + " replaces, claim_resource, claim_response, eob, settled_at";

  private final JdbcClient jdbc;

  public ClaimLedger(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Holds the person's year until the transaction ends: their claims are settled one after the other. */
  public void lockPersonYear(String cardNumber, int year) {
    jdbc.sql("insert into hub.insurance_person_year (card_number, year) values (?, ?) on conflict do nothing")
        .param(cardNumber).param(year).update();
    jdbc.sql("select 1 from hub.insurance_person_year where card_number = ? and year = ? for update")
        .param(cardNumber).param(year).query(Integer.class).single();
  }

  /** What the person has used of the year: their settled claims, reversed ones left out. */
  public Usage usage(String cardNumber, int year) {
    Usage totals = jdbc.sql("select coalesce(sum(benefit_fen), 0),"
            + " coalesce(sum(benefit_fen) filter (where setting = 'outpatient'), 0),"
            + " coalesce(sum(deductible_fen) filter (where setting = 'outpatient'), 0),"
            + " count(*) filter (where setting = 'inpatient' and claim_reasons = ''),"
            + " count(*) filter (where setting = 'outpatient' and claim_reasons = '')"
            + " from hub.insurance_claim where card_number = ? and year = ? and status = 'settled'")
        .param(cardNumber).param(year)
        .query((rs, n) -> new Usage(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getInt(4), rs.getInt(5), Map.of()))
        .single();
    Map<String, BigDecimal> items = new HashMap<>();
    jdbc.sql("select l.item, sum(l.eligible_quantity) from hub.insurance_claim_line l join hub.insurance_claim c"
            + " on c.id = l.claim_id where c.card_number = ? and c.year = ? and c.status = 'settled'"
            + " and l.eligible_quantity > 0 group by l.item")
        .param(cardNumber).param(year).query((rs, n) -> items.put(rs.getString(1), rs.getBigDecimal(2))).list();
    return new Usage(totals.fundPaidFen(), totals.outpatientFundPaidFen(), totals.outpatientDeductibleFen(),
        totals.admissions(), totals.visits(), items);
  }

  /** Records a settled claim, its lines and (when the fund pays anything) the payable to the hospital. */
  public void settle(String id, SubmittedClaim claim, String patient, String county, int year, int schemeVersion,
      HospitalLevel level, Adjudication adjudication, Optional<String> replaces, Instant at) {
    String reasons = String.join(" ", adjudication.claimReasons().stream().map(Reason::code).toList());
    String fundStatus = adjudication.benefitFen() > 0 ? "payable" : "none";
    jdbc.sql("insert into hub.insurance_claim (id, institution, claim_no, card_number, patient, county, year,"
            + " scheme_version, setting, level, service_from, service_to, diagnoses, fingerprint, status, claim_reasons,"
            + " submitted_fen, eligible_fen, deductible_fen, copay_fen, benefit_fen, patient_fen, fund_status, replaces,"
            + " settled_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'settled', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        .param(id).param(claim.institution()).param(claim.claimNo()).param(claim.cardNumber()).param(patient)
        .param(county).param(year).param(schemeVersion).param(claim.setting().code()).param(level.code())
        .param(Timestamp.from(claim.serviceFrom())).param(Timestamp.from(claim.serviceTo()))
        .param(String.join(" ", claim.diagnoses())).param(claim.fingerprint()).param(reasons)
        .param(adjudication.submittedFen()).param(adjudication.eligibleFen()).param(adjudication.deductibleFen())
        .param(adjudication.copayFen()).param(adjudication.benefitFen()).param(adjudication.patientShareFen())
        .param(fundStatus).param(replaces.orElse(null)).param(Timestamp.from(at))
        .update();
    Map<Integer, Long> units = new HashMap<>();
    claim.lines().forEach(l -> units.put(l.sequence(), l.unitPriceFen()));
    for (LineAdjudication l : adjudication.lines()) {
      jdbc.sql("insert into hub.insurance_claim_line (claim_id, sequence, item, item_class, quantity, eligible_quantity,"
              + " unit_fen, submitted_fen, eligible_fen, deductible_fen, copay_fen, benefit_fen, ratio_bp, reasons, rules)"
              + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
          .param(id).param(l.sequence()).param(l.item()).param(l.itemClass().name()).param(l.quantity())
          .param(l.eligibleQuantity()).param(units.get(l.sequence())).param(l.submittedFen()).param(l.eligibleFen())
          .param(l.deductibleFen()).param(l.copayFen()).param(l.benefitFen()).param(l.ratioBp())
          .param(String.join(" ", l.reasons().stream().map(Reason::code).toList())).param(String.join(" ", l.rules()))
          .update();
    }
    if (adjudication.benefitFen() > 0) {
      fundEntry(id, claim.institution(), adjudication.benefitFen(), "settlement", at);
    }
  }

  /** Reverses a settled claim: no longer counted in the person's usage, the fund's payable taken back. */
  public void reverse(SettledClaim claim, Instant at) {
    // reversed after the fund paid it: the hospital owes it back, netted in the next transfer
    int changed = jdbc.sql("update hub.insurance_claim set status = 'reversed', reversed_at = ?,"
            + " fund_status = case when fund_status = 'paid' then 'recover' else 'none' end"
            + " where id = ? and status = 'settled'")
        .param(Timestamp.from(at)).param(claim.id()).update();
    if (changed == 1 && claim.adjudication().benefitFen() > 0) {
      fundEntry(claim.id(), claim.institution(), -claim.adjudication().benefitFen(), "reversal", at);
    }
  }

  private void fundEntry(String claimId, String institution, long fen, String entry, Instant at) {
    jdbc.sql("insert into hub.insurance_fund_ledger (claim_id, institution, amount_fen, entry, recorded_at)"
            + " values (?, ?, ?, ?, ?)")
        .param(claimId).param(institution).param(fen).param(entry).param(Timestamp.from(at)).update();
  }

  /**
   * What the fund owes a hospital and has not paid: settled claims not yet paid, less claims
   * reversed after they were paid; claims held by a confirmed finding apart.
   */
  public record Payable(long payableFen, long heldFen) {}

  public Payable payable(String institution) {
    return jdbc.sql("select coalesce(sum(f.amount_fen) filter (where c.fund_status = 'payable'"
            + " or (c.fund_status = 'recover' and f.entry = 'reversal')), 0),"
            + " coalesce(sum(f.amount_fen) filter (where c.fund_status = 'held'), 0)"
            + " from hub.insurance_fund_ledger f join hub.insurance_claim c on c.id = f.claim_id"
            + " where f.institution = ?")
        .param(institution).query((rs, n) -> new Payable(rs.getLong(1), rs.getLong(2))).single();
  }

  /** The sum of a claim's fund entries. */
  public long fundBalance(String claimId) {
    return jdbc.sql("select coalesce(sum(amount_fen), 0) from hub.insurance_fund_ledger where claim_id = ?")
        .param(claimId).query(Long.class).single();
  }

  public void hold(String claimId) {
    jdbc.sql("update hub.insurance_claim set fund_status = 'held' where id = ? and fund_status = 'payable'")
        .param(claimId).update();
  }

  public void recordResources(String id, String claimResource, String claimResponse, String eob) {
    jdbc.sql("update hub.insurance_claim set claim_resource = ?, claim_response = ?, eob = ? where id = ?")
        .param(claimResource).param(claimResponse).param(eob).param(id).update();
  }

  public Optional<SettledClaim> byId(String id) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_claim where id = ?").param(id)
        .query(this::row).optional();
  }

  public Optional<SettledClaim> byNumber(String institution, String claimNo) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_claim where institution = ? and claim_no = ?")
        .param(institution).param(claimNo).query(this::row).optional();
  }

  /** The person's settled claims whose care touches [from, to]. */
  public List<SettledClaim> around(String cardNumber, Instant from, Instant to, String exceptId) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_claim where card_number = ? and status = 'settled'"
            + " and service_from <= ? and service_to >= ? and id <> ? order by service_from, id")
        .param(cardNumber).param(Timestamp.from(to)).param(Timestamp.from(from)).param(exceptId)
        .query(this::row).list();
  }

  private SettledClaim row(ResultSet rs, int n) throws SQLException {
    String id = rs.getString("id");
    CareSetting setting = "inpatient".equals(rs.getString("setting")) ? CareSetting.INPATIENT : CareSetting.OUTPATIENT;
    List<Reason> claimReasons = reasons(rs.getString("claim_reasons"));
    List<LineAdjudication> lines = jdbc.sql("select sequence, item, item_class, quantity, eligible_quantity,"
            + " submitted_fen, eligible_fen, deductible_fen, copay_fen, benefit_fen, ratio_bp, reasons, rules"
            + " from hub.insurance_claim_line where claim_id = ? order by sequence")
        .param(id)
        .query((l, i) -> new LineAdjudication(l.getInt(1), l.getString(2), ItemClass.valueOf(l.getString(3)),
            l.getBigDecimal(4), l.getBigDecimal(5), l.getLong(6), l.getLong(7), l.getLong(8), l.getLong(9),
            l.getLong(10), l.getInt(11), reasons(l.getString(12)), words(l.getString(13))))
        .list();
    String scheme = rs.getString("county") + "/" + rs.getInt("year") + "/v" + rs.getInt("scheme_version");
    return new SettledClaim(id, rs.getString("institution"), rs.getString("claim_no"), rs.getString("card_number"),
        rs.getString("patient"), rs.getString("county"), rs.getInt("year"), rs.getInt("scheme_version"),
        HospitalLevel.fromCode(rs.getString("level")).orElseThrow(), rs.getTimestamp("service_from").toInstant(),
        rs.getTimestamp("service_to").toInstant(), words(rs.getString("diagnoses")), rs.getString("fingerprint"),
        rs.getString("status"), rs.getString("fund_status"), new Adjudication(scheme, setting, lines, claimReasons),
        Optional.ofNullable(rs.getString("replaces")), Optional.ofNullable(rs.getString("claim_resource")),
        Optional.ofNullable(rs.getString("claim_response")), Optional.ofNullable(rs.getString("eob")),
        rs.getTimestamp("settled_at").toInstant());
  }

  private static List<String> words(String text) {
    return text == null || text.isBlank() ? List.of() : Arrays.asList(text.split(" "));
  }

  private static List<Reason> reasons(String text) {
    return words(text).stream()
        .map(code -> Arrays.stream(Reason.values()).filter(r -> r.code().equals(code)).findFirst().orElseThrow())
        .toList();
  }
}
