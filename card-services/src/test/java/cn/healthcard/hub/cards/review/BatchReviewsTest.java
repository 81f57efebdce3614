package cn.healthcard.hub.cards.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.national.CardNumbers;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.CardType;
import cn.healthcard.hub.cards.registry.Channel;
import cn.healthcard.hub.cards.registry.NewCard;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BatchReviewsTest {
  private record Projection(String taskId, ReviewState state, CardStatus cardStatus) {}

  private final List<Projection> projections = new CopyOnWriteArrayList<>();
  private CardRegistry registry;
  private BatchReviews reviews;

  @BeforeEach
  void freshRegistry() {
    TestDatabase.truncateAll();
    registry = new CardRegistry(TestDatabase.dataSource());
    reviews =
        new BatchReviews(
            registry,
            (taskId, card, servicePoint, state, step) ->
                projections.add(new Projection(taskId, state, card.status())));
    registry.addListener(reviews);
  }

  private record Application(Card card, String taskId) {}

  private Application apply(String number) {
    String taskId = BatchReviews.newTaskId();
    Card card =
        registry.issue(
            new NewCard(number, "p1", CardType.ADULT, Channel.BATCH, "sp-1", "210102", CardStatus.APPLIED,
                null, null, null, "sp-1", "batch application"),
            (tx, applied) -> reviews.submit(tx, applied, taskId, "sp-1"));
    return new Application(card, taskId);
  }

  private String review(String taskId) throws Exception {
    try (Connection connection = TestDatabase.dataSource().getConnection();
        PreparedStatement query =
            connection.prepareStatement("select review from hub.card_application where task_id = ?")) {
      query.setString(1, taskId);
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  @Test
  void cancellingAnAppliedCardWithdrawsItsApplicationAndCancelsItsTask() throws Exception {
    String number = CardNumbers.next();
    Application application = apply(number);
    reviews.review(application.taskId(), ReviewLevel.CITY, ReviewDecision.APPROVE, null, "city-1");

    registry.apply(number, CardEvent.CANCEL, "clerk", "duplicate application", null);

    assertThat(review(application.taskId())).isEqualTo("withdrawn");
    assertThat(projections.get(projections.size() - 1))
        .isEqualTo(new Projection(application.taskId(), ReviewState.WITHDRAWN, CardStatus.CANCELLED));
  }

  @Test
  void aCardNoLongerAppliedIsNotReviewedAndTheRefusalNamesItsStatus() throws Exception {
    String number = CardNumbers.next();
    Application application = apply(number);
    registry.apply(number, CardEvent.CANCEL, "clerk", "applicant withdrew", null);

    assertThatThrownBy(
            () -> reviews.review(application.taskId(), ReviewLevel.CITY, ReviewDecision.APPROVE, null, "city-1"))
        .isInstanceOf(ReviewWorkflow.IllegalReview.class)
        .hasMessage("the card is in status 'cancelled': only a card in status 'applied' can be reviewed");

    assertThat(registry.byId(application.card().id()).orElseThrow().status()).isEqualTo(CardStatus.CANCELLED);
    assertThat(registry.history(number)).extracting(e -> e.event()).containsExactly("issue", "cancel");
  }

  @Test
  void aCardOnHoldIsNotReviewedEither() {
    String number = CardNumbers.next();
    Application application = apply(number);
    registry.apply(application.card().id(), CardEvent.NATIONAL_CONFLICT, "national-registry", "live elsewhere");

    assertThatThrownBy(
            () -> reviews.review(application.taskId(), ReviewLevel.CITY, ReviewDecision.APPROVE, null, "city-1"))
        .isInstanceOf(ReviewWorkflow.IllegalReview.class)
        .hasMessageContaining("status 'on-hold'");
  }

  @Test
  void aDecidedApplicationIsNotWithdrawnByALaterCancellation() throws Exception {
    String number = CardNumbers.next();
    Application application = apply(number);
    reviews.review(application.taskId(), ReviewLevel.CITY, ReviewDecision.APPROVE, null, "city-1");
    reviews.review(application.taskId(), ReviewLevel.PROVINCE, ReviewDecision.APPROVE, null, "province-1");

    registry.apply(number, CardEvent.CANCEL, "clerk", "emigration", null);

    assertThat(review(application.taskId())).isEqualTo("approved");
    assertThat(projections).extracting(Projection::state).doesNotContain(ReviewState.WITHDRAWN);
  }
}
