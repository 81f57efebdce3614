package cn.healthcard.hub.insurance.supervision;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Fund-supervision findings ({@code hub.insurance_finding}): one per rule and claim, however often
 * the rules run over it (on settlement and nightly). Runs in the caller's transaction.
 */
public class Findings {

  private static final String COLUMNS = "id, rule, claim_id, card_number, county, detail, evidence, status,"
      + " detected_issue, task";

  private final JdbcClient jdbc;

  public Findings(JdbcClient jdbc) {
    this.jdbc = jdbc;
  }

  /** Records the finding unless this rule already found this claim; the new one, or empty. */
  public Optional<StoredFinding> record(Finding finding, String claimId, String cardNumber, String county, Instant at) {
    String id = cn.healthcard.hub.insurance.RandomIds.next("F", 10);
    int inserted = jdbc.sql("insert into hub.insurance_finding (id, rule, severity, claim_id, card_number, county,"
            + " detail, evidence, status, detected_at) values (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)"
            + " on conflict (rule, claim_id) do nothing")
        .param(id).param(finding.rule().code()).param(finding.rule().severity()).param(claimId).param(cardNumber)
        .param(county).param(finding.detail()).param(String.join(" ", finding.evidenceClaims()))
        .param(Timestamp.from(at)).update();
    return inserted == 1 ? byId(id) : Optional.empty();
  }

  public void recordResources(String id, String detectedIssue, String task) {
    jdbc.sql("update hub.insurance_finding set detected_issue = ?, task = ? where id = ?")
        .param(detectedIssue).param(task).param(id).update();
  }

  /**
   * Records a reviewer's decision.
   *
   * @throws IllegalStateException when the finding was already reviewed
   */
  public StoredFinding review(String id, FindingStatus.Decision decision, String reviewer, String note, Instant at) {
    StoredFinding found = jdbc.sql("select " + COLUMNS + " from hub.insurance_finding where id = ? for update")
        .param(id).query(Findings::row).optional()
        .orElseThrow(() -> new IllegalArgumentException("no finding " + id));
    FindingStatus next = found.status().next(decision);
    jdbc.sql("update hub.insurance_finding set status = ?, reviewed_at = ?, reviewed_by = ?, review_note = ? where id = ?")
        .param(next.code()).param(Timestamp.from(at)).param(reviewer).param(note).param(id).update();
    return byId(id).orElseThrow();
  }

  public Optional<StoredFinding> byId(String id) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_finding where id = ?").param(id)
        .query(Findings::row).optional();
  }

  public Optional<StoredFinding> byDetectedIssue(String detectedIssue) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_finding where detected_issue = ?").param(detectedIssue)
        .query(Findings::row).optional();
  }

  public List<StoredFinding> ofClaim(String claimId) {
    return jdbc.sql("select " + COLUMNS + " from hub.insurance_finding where claim_id = ? order by rule")
        .param(claimId).query(Findings::row).list();
  }

  private static StoredFinding row(ResultSet rs, int n) throws SQLException {
    String evidence = rs.getString("evidence");
    return new StoredFinding(rs.getString("id"), SupervisionRule.fromCode(rs.getString("rule")).orElseThrow(),
        rs.getString("claim_id"), rs.getString("card_number"), rs.getString("county"), rs.getString("detail"),
        evidence.isBlank() ? List.of() : Arrays.asList(evidence.split(" ")),
        FindingStatus.fromCode(rs.getString("status")), Optional.ofNullable(rs.getString("detected_issue")),
        Optional.ofNullable(rs.getString("task")));
  }
}
