package cn.healthcard.hub.cards.review;

import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardNotFound;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

/**
 * Batch applications and their two-level review ({@code hub.card_application}). The registry row
 * and the application row are written in one transaction; the Task projection follows the commit.
 */
public class BatchReviews {
  private final CardRegistry registry;
  private final ReviewTasks tasks;

  public BatchReviews(CardRegistry registry, ReviewTasks tasks) {
    this.registry = registry;
    this.tasks = tasks;
  }

  /** Task ids are minted here: random, never derived from the person. */
  public static String newTaskId() {
    return "card-application-" + UUID.randomUUID();
  }

  /** Records the application of a freshly issued batch card (inside the issuing transaction). */
  public void submit(CardRegistry.Tx tx, Card card, String taskId, String servicePoint)
      throws SQLException {
    try (PreparedStatement statement =
        tx.connection()
            .prepareStatement(
                "insert into hub.card_application (card_id, task_id, review, service_point)"
                    + " values (?, ?, ?, ?)")) {
      statement.setObject(1, card.id());
      statement.setString(2, taskId);
      statement.setString(3, ReviewState.AWAITING_CITY.code());
      statement.setString(4, servicePoint);
      statement.executeUpdate();
    }
    tx.afterCommit(
        () -> tasks.project(taskId, card, servicePoint, ReviewState.AWAITING_CITY, null));
  }

  public record Outcome(String taskId, ReviewState state, Card card) {}

  /**
   * Takes a review decision on the application behind {@code taskId}.
   *
   * @throws CardNotFound when no application has this Task
   * @throws ReviewWorkflow.IllegalReview when the application does not wait for this level
   * @throws InvalidCardRequest when a rejection has no reason
   */
  public Outcome review(
      String taskId, ReviewLevel level, ReviewDecision decision, String reason, String reviewer) {
    if (decision == ReviewDecision.REJECT && (reason == null || reason.isBlank())) {
      throw new InvalidCardRequest("Parameters.parameter[reason]", "a rejection needs a reason");
    }
    return registry.inTransaction(
        tx -> {
          UUID cardId;
          ReviewState state;
          String servicePoint;
          try (PreparedStatement statement =
              tx.connection()
                  .prepareStatement(
                      "select card_id, review, service_point from hub.card_application"
                          + " where task_id = ? for update")) {
            statement.setString(1, taskId);
            try (ResultSet rs = statement.executeQuery()) {
              if (!rs.next()) {
                throw new CardNotFound("no card application has Task " + taskId);
              }
              cardId = rs.getObject(1, UUID.class);
              state = ReviewState.fromCode(rs.getString(2)).orElseThrow();
              servicePoint = rs.getString(3);
            }
          }
          ReviewState next = ReviewWorkflow.next(state, level, decision);
          try (PreparedStatement statement =
              tx.connection()
                  .prepareStatement(
                      "update hub.card_application set review = ?, updated_at = now() where card_id = ?")) {
            statement.setString(1, next.code());
            statement.setObject(2, cardId);
            statement.executeUpdate();
          }
          Card card =
              tx.one("select " + CardRegistry.COLUMNS + " from hub.card where id = ? for update", cardId)
                  .orElseThrow();
          String note = level.code() + " review: " + decision.code() + (reason == null ? "" : " (" + reason + ")");
          Card after;
          if (next == ReviewState.APPROVED) {
            after = tx.transition(card, CardEvent.APPROVE, reviewer, note);
          } else if (next == ReviewState.REJECTED) {
            after = tx.transition(card, CardEvent.REJECT, reviewer, note);
          } else {
            tx.recordEvent(cardId, CardEvent.REVIEW.code(), card.status(), card.status(), reviewer, note);
            after = card;
          }
          ReviewTasks.ReviewStep step = new ReviewTasks.ReviewStep(level, decision, reason, reviewer);
          Card projected = after;
          tx.afterCommit(() -> tasks.project(taskId, projected, servicePoint, next, step));
          return new Outcome(taskId, next, after);
        });
  }
}
