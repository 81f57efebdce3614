package cn.healthcard.hub.cards.review;

import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardNotFound;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.cards.registry.RegistryListener;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch applications and their two-level review ({@code hub.card_application}). The registry row
 * and the application row are written in one transaction; the Task projection follows the commit.
 * Only a card still {@code applied} is reviewed; cancelling a card whose application waits for
 * review withdraws the application (registered as a {@link RegistryListener}: the application
 * closes in the cancelling transaction, its Task is projected cancelled after the commit).
 */
public class BatchReviews implements RegistryListener {
  private static final Logger log = LoggerFactory.getLogger(BatchReviews.class);
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
        card.id(),
        "review Task projection",
        () -> tasks.project(taskId, card, servicePoint, ReviewState.AWAITING_CITY, null));
  }

  public record Outcome(String taskId, ReviewState state, Card card) {}

  /**
   * Takes a review decision on the application behind {@code taskId}.
   *
   * @throws CardNotFound when no application has this Task
   * @throws ReviewWorkflow.IllegalReview when the application does not wait for this level, or
   *     the card is no longer {@code applied}
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
          try (PreparedStatement statement =
              tx.connection()
                  .prepareStatement("select card_id from hub.card_application where task_id = ?")) {
            statement.setString(1, taskId);
            try (ResultSet rs = statement.executeQuery()) {
              if (!rs.next()) {
                throw new CardNotFound("no card application has Task " + taskId);
              }
              cardId = rs.getObject(1, UUID.class);
            }
          }
          // the card first, then its application: the order a cancellation locks them in
          Card card =
              tx.one("select " + CardRegistry.COLUMNS + " from hub.card where id = ? for update", cardId)
                  .orElseThrow();
          ReviewState state;
          String servicePoint;
          try (PreparedStatement statement =
              tx.connection()
                  .prepareStatement(
                      "select review, service_point from hub.card_application"
                          + " where card_id = ? for update")) {
            statement.setObject(1, cardId);
            try (ResultSet rs = statement.executeQuery()) {
              rs.next();
              state = ReviewState.fromCode(rs.getString(1)).orElseThrow();
              servicePoint = rs.getString(2);
            }
          }
          boolean decided = state == ReviewState.APPROVED || state == ReviewState.REJECTED;
          if (!decided && card.status() != CardStatus.APPLIED) {
            // cancelled (application withdrawn), on hold...: no decision may move it on
            throw new ReviewWorkflow.IllegalReview(
                "the card is in status '"
                    + card.status().code()
                    + "': only a card in status 'applied' can be reviewed",
                state);
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
          tx.afterCommit(
              cardId,
              "review Task projection",
              () -> tasks.project(taskId, projected, servicePoint, next, step));
          return new Outcome(taskId, next, after);
        });
  }

  /** A cancelled card's application that still waits for review is withdrawn with it. */
  @Override
  public void inTransaction(Connection connection, Card before, Card after, CardEvent event) {
    if (event != CardEvent.CANCEL || before == null) {
      return;
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update hub.card_application set review = ?, updated_at = now()"
                + " where card_id = ? and review in (?, ?)")) {
      statement.setString(1, ReviewState.WITHDRAWN.code());
      statement.setObject(2, after.id());
      statement.setString(3, ReviewState.AWAITING_CITY.code());
      statement.setString(4, ReviewState.AWAITING_PROVINCE.code());
      statement.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("card application: " + e.getSQLState(), e);
    }
  }

  /** The withdrawn application's Task follows (cancelled). */
  @Override
  public void afterCommit(Card before, Card after, CardEvent event, String reason) {
    if (event != CardEvent.CANCEL || before == null || before.status() != CardStatus.APPLIED) {
      return;
    }
    String[] application =
        registry.inTransaction(
            tx -> {
              try (PreparedStatement statement =
                  tx.connection()
                      .prepareStatement(
                          "select task_id, service_point from hub.card_application"
                              + " where card_id = ? and review = ?")) {
                statement.setObject(1, after.id());
                statement.setString(2, ReviewState.WITHDRAWN.code());
                try (ResultSet rs = statement.executeQuery()) {
                  return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
                }
              }
            });
    if (application != null) {
      tasks.project(application[0], after, application[1], ReviewState.WITHDRAWN, null);
      log.info("Application of card {} withdrawn: the card was cancelled", after.id());
    }
  }
}
