package cn.healthcard.hub.cards.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReviewWorkflowTest {

  @Test
  void cityThenProvinceApprovalApproves() {
    ReviewState afterCity = ReviewWorkflow.next(ReviewState.AWAITING_CITY, ReviewLevel.CITY, ReviewDecision.APPROVE);
    assertThat(afterCity).isEqualTo(ReviewState.AWAITING_PROVINCE);
    assertThat(ReviewWorkflow.next(afterCity, ReviewLevel.PROVINCE, ReviewDecision.APPROVE))
        .isEqualTo(ReviewState.APPROVED);
  }

  @Test
  void eitherLevelMayReject() {
    assertThat(ReviewWorkflow.next(ReviewState.AWAITING_CITY, ReviewLevel.CITY, ReviewDecision.REJECT))
        .isEqualTo(ReviewState.REJECTED);
    assertThat(ReviewWorkflow.next(ReviewState.AWAITING_PROVINCE, ReviewLevel.PROVINCE, ReviewDecision.REJECT))
        .isEqualTo(ReviewState.REJECTED);
  }

  @Test
  void theProvinceCannotDecideBeforeTheCityNorTheCityTwice() {
    assertThatThrownBy(() -> ReviewWorkflow.next(ReviewState.AWAITING_CITY, ReviewLevel.PROVINCE, ReviewDecision.APPROVE))
        .hasMessageContaining("needs a 'city' decision, not a 'province' one");
    assertThatThrownBy(() -> ReviewWorkflow.next(ReviewState.AWAITING_PROVINCE, ReviewLevel.CITY, ReviewDecision.APPROVE))
        .hasMessageContaining("needs a 'province' decision");
  }

  @Test
  void aDecidedApplicationTakesNoFurtherReview() {
    for (ReviewState decided : new ReviewState[] {ReviewState.APPROVED, ReviewState.REJECTED}) {
      for (ReviewLevel level : ReviewLevel.values()) {
        assertThatThrownBy(() -> ReviewWorkflow.next(decided, level, ReviewDecision.APPROVE))
            .hasMessageContaining("already been " + decided.code());
      }
    }
  }
}
