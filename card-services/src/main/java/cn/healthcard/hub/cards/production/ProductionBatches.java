package cn.healthcard.hub.cards.production;

import cn.healthcard.hub.terminology.text.Csv;

import cn.healthcard.hub.cards.issuance.CardHolders;
import cn.healthcard.hub.cards.issuance.CardIssuance;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardNotFound;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Date;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Patient;

/**
 * Production batches for the card factory. Approved batch applications are gathered into a batch
 * (they move to in-production) and exported as a CSV file; the factory's result file comes back
 * and moves each card on: produced cards (whose key injection was confirmed for that chip) await
 * activation, failed ones go back to approved for the next batch. A result file is applied once:
 * the same content again changes nothing and returns the first summary.
 */
public class ProductionBatches {
  /** Columns of the batch file the factory receives. */
  public static final String BATCH_HEADER =
      "batch_id,card_id,card_number,card_type,name,gender,birth_date,division,service_point";
  /** Columns of the result file the factory sends back. */
  public static final String RESULT_HEADER = "batch_id,card_id,card_number,chip_serial,result,reason";


  private final CardRegistry registry;
  private final CardHolders holders;

  public ProductionBatches(CardRegistry registry, CardHolders holders) {
    this.registry = registry;
    this.holders = holders;
  }

  public record Batch(UUID id, int cardCount) {}

  /** Puts up to {@code limit} approved applications (oldest first) into a new batch. */
  public Optional<Batch> createBatch(int limit, String actor) {
    if (limit < 1) {
      throw new InvalidCardRequest("Parameters.parameter[limit]", "must be at least 1");
    }
    return registry.inTransaction(
        tx -> {
          List<Card> approved =
              tx.list(
                  "select "
                      + CardRegistry.COLUMNS
                      + " from hub.card where status = 'approved' and batch_id is null"
                      + " order by created_at limit ? for update skip locked",
                  limit);
          if (approved.isEmpty()) {
            return Optional.empty();
          }
          UUID batchId = UUID.randomUUID();
          try (PreparedStatement statement =
              tx.connection()
                  .prepareStatement(
                      "insert into hub.card_batch (id, card_count, actor) values (?, ?, ?)")) {
            statement.setObject(1, batchId);
            statement.setInt(2, approved.size());
            statement.setString(3, actor);
            statement.executeUpdate();
          }
          try (PreparedStatement statement =
              tx.connection().prepareStatement("update hub.card set batch_id = ? where id = ?")) {
            for (Card card : approved) {
              statement.setObject(1, batchId);
              statement.setObject(2, card.id());
              statement.addBatch();
            }
            statement.executeBatch();
          }
          for (Card card : approved) {
            tx.transition(card, CardEvent.START_PRODUCTION, actor, "production batch " + batchId);
          }
          return Optional.of(new Batch(batchId, approved.size()));
        });
  }

  /** The CSV the card factory receives for a batch (UTF-8, header line first). */
  public byte[] batchFile(UUID batchId) {
    List<Card> cards =
        registry.inTransaction(
            tx -> {
              try (PreparedStatement statement =
                  tx.connection().prepareStatement("select 1 from hub.card_batch where id = ?")) {
                statement.setObject(1, batchId);
                try (ResultSet rs = statement.executeQuery()) {
                  if (!rs.next()) {
                    throw new CardNotFound("no production batch " + batchId);
                  }
                }
              }
              return tx.list(
                  "select " + CardRegistry.COLUMNS + " from hub.card where batch_id = ? order by created_at, id",
                  batchId);
            });
    StringBuilder csv = new StringBuilder(BATCH_HEADER).append('\n');
    for (Card card : cards) {
      Optional<Patient> patient = card.patientId() == null ? Optional.empty() : holders.read(card.patientId());
      String name = patient.filter(Patient::hasName).map(p -> p.getNameFirstRep().getText()).orElse(null);
      if (name == null) {
        name = patient.filter(Patient::hasName).map(p -> p.getNameFirstRep().getNameAsSingleString()).orElse("");
      }
      String gender = patient.filter(Patient::hasGender).map(p -> p.getGender().toCode()).orElse("");
      String birthDate = patient.filter(Patient::hasBirthDate).map(p -> p.getBirthDateElement().getValueAsString()).orElse("");
      csv.append(String.join(
              ",",
              batchId.toString(),
              card.id().toString(),
              nullToEmpty(card.cardNumber()),
              card.type().code(),
              Csv.quote(name),
              gender,
              birthDate,
              nullToEmpty(card.division()),
              Csv.quote(card.institution())))
          .append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** What happened to one line of a result file. */
  public record LineOutcome(int line, String cardId, String outcome, String reason) {}

  public record ResultSummary(
      boolean alreadyApplied, int produced, int failed, int ignored, List<LineOutcome> lines) {}

  /** Applies the factory's result file (see {@link #RESULT_HEADER}). */
  public ResultSummary applyResult(byte[] file, String actor) {
    String sha = sha256(file);
    List<String[]> rows = Csv.parse(new String(file, StandardCharsets.UTF_8));
    if (rows.isEmpty() || !String.join(",", rows.get(0)).trim().equalsIgnoreCase(RESULT_HEADER)) {
      throw new InvalidCardRequest(
          "Parameters.parameter[file]", "the first line must be the header: " + RESULT_HEADER);
    }
    UUID batchOfFile = firstBatchId(rows);
    if (batchOfFile == null) {
      throw new InvalidCardRequest("Parameters.parameter[file]", "the file has no result lines");
    }
    return registry.inTransaction(
        tx -> {
          // the file is claimed first: a concurrent submission of the same file waits here for
          // this transaction and then finds the file applied (or claims it, if this one rolled back)
          boolean claimed;
          try (PreparedStatement statement =
              tx.connection()
                  .prepareStatement(
                      "insert into hub.card_batch_result (sha256, batch_id, produced, failed, ignored)"
                          + " select ?, ?, 0, 0, 0 where exists (select 1 from hub.card_batch where id = ?)"
                          + " on conflict (sha256) do nothing")) {
            statement.setString(1, sha);
            statement.setObject(2, batchOfFile);
            statement.setObject(3, batchOfFile);
            claimed = statement.executeUpdate() == 1;
          }
          if (!claimed) {
            try (PreparedStatement statement =
                tx.connection()
                    .prepareStatement(
                        "select produced, failed, ignored from hub.card_batch_result where sha256 = ?")) {
              statement.setString(1, sha);
              try (ResultSet rs = statement.executeQuery()) {
                if (rs.next()) {
                  return new ResultSummary(true, rs.getInt(1), rs.getInt(2), rs.getInt(3), List.of());
                }
              }
            }
            // not claimed and not stored: the file names no known batch (every line is ignored)
          }
          List<LineOutcome> outcomes = new ArrayList<>();
          int produced = 0;
          int failed = 0;
          int ignored = 0;
          for (int i = 1; i < rows.size(); i++) {
            String[] row = rows.get(i);
            int line = i + 1;
            if (row.length < 5) {
              outcomes.add(new LineOutcome(line, null, "ignored", "expected 6 columns"));
              ignored++;
              continue;
            }
            UUID batchId;
            UUID cardId;
            try {
              batchId = UUID.fromString(row[0].trim());
              cardId = UUID.fromString(row[1].trim());
            } catch (IllegalArgumentException e) {
              outcomes.add(new LineOutcome(line, null, "ignored", "batch_id and card_id must be UUIDs"));
              ignored++;
              continue;
            }
            String chip = row[3].trim();
            String result = row[4].trim().toLowerCase();
            String reason = row.length > 5 ? row[5].trim() : "";
            Optional<Card> found =
                tx.one("select " + CardRegistry.COLUMNS + " from hub.card where id = ? for update", cardId);
            String problem = null;
            if (found.isEmpty() || !batchId.equals(found.get().batchId())) {
              problem = "no card " + cardId + " in batch " + batchId;
            } else if (!row[2].trim().isEmpty() && !row[2].trim().equals(found.get().cardNumber())) {
              problem = "card_number does not match the card";
            } else if (found.get().status() != CardStatus.IN_PRODUCTION) {
              problem = "card is " + found.get().status().code() + ", not in production";
            } else if (!result.equals("ok") && !result.equals("failed")) {
              problem = "result must be ok or failed";
            }
            if (problem == null && result.equals("ok")) {
              Card card = found.get();
              if (chip.isEmpty()) {
                problem = "a produced card needs its chip_serial";
              } else if (!chip.equals(card.chipSerial()) || card.diversificationCode() == null) {
                problem = "no confirmed key injection for this chip";
              }
            }
            if (problem != null) {
              outcomes.add(new LineOutcome(line, cardId.toString(), "ignored", problem));
              ignored++;
              continue;
            }
            Card card = found.get();
            if (result.equals("ok")) {
              LocalDate today = LocalDate.now(CardIssuance.PROVINCE_ZONE);
              try (PreparedStatement statement =
                  tx.connection()
                      .prepareStatement("update hub.card set issued_on = ?, expires_on = ? where id = ?")) {
                statement.setDate(1, Date.valueOf(today));
                statement.setDate(2, Date.valueOf(today.plusYears(CardIssuance.VALIDITY_YEARS)));
                statement.setObject(3, card.id());
                statement.executeUpdate();
              }
              tx.transition(card, CardEvent.PRODUCED, actor, "produced by the card factory");
              outcomes.add(new LineOutcome(line, cardId.toString(), "produced", null));
              produced++;
            } else {
              tx.transition(
                  card,
                  CardEvent.PRODUCTION_FAILED,
                  actor,
                  reason.isEmpty() ? "production failed" : "production failed: " + reason);
              outcomes.add(new LineOutcome(line, cardId.toString(), "failed", reason));
              failed++;
            }
          }
          if (claimed) {
            try (PreparedStatement statement =
                tx.connection()
                    .prepareStatement(
                        "update hub.card_batch_result set produced = ?, failed = ?, ignored = ?"
                            + " where sha256 = ?")) {
              statement.setInt(1, produced);
              statement.setInt(2, failed);
              statement.setInt(3, ignored);
              statement.setString(4, sha);
              statement.executeUpdate();
            }
          }
          return new ResultSummary(false, produced, failed, ignored, outcomes);
        });
  }

  /** The batch of the first line that names one (UUIDs in its first two columns), else null. */
  private static UUID firstBatchId(List<String[]> rows) {
    for (int i = 1; i < rows.size(); i++) {
      String[] row = rows.get(i);
      if (row.length < 5) {
        continue;
      }
      try {
        UUID batchId = UUID.fromString(row[0].trim());
        UUID.fromString(row[1].trim());
        return batchId;
      } catch (IllegalArgumentException e) {
        // not a result line
      }
    }
    return null;
  }

  private static String nullToEmpty(String value) {
    return value == null ? "" : value;
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

}
