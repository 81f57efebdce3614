package cn.healthcard.hub.cards.review;

import cn.healthcard.hub.cards.registry.CardRegistryException;

/**
 * The review of a batch application, in one place: the city reviews first, then the province;
 * either may reject (with a reason); the province's approval approves the application.
 *
 * <pre>
 * awaiting-city-review     --city approve-->      awaiting-province-review
 * awaiting-city-review     --city reject-->       rejected
 * awaiting-province-review --province approve-->  approved
 * awaiting-province-review --province reject-->   rejected
 * awaiting-*               --card cancelled-->    withdrawn
 * </pre>
 */
public final class ReviewWorkflow {
  private ReviewWorkflow() {}

  /** The level whose decision the application waits for, or null once decided. */
  public static ReviewLevel expectedLevel(ReviewState state) {
    return switch (state) {
      case AWAITING_CITY -> ReviewLevel.CITY;
      case AWAITING_PROVINCE -> ReviewLevel.PROVINCE;
      case APPROVED, REJECTED, WITHDRAWN -> null;
    };
  }

  /** @throws IllegalReview when the application does not wait for a decision at this level */
  public static ReviewState next(ReviewState state, ReviewLevel level, ReviewDecision decision) {
    ReviewLevel expected = expectedLevel(state);
    if (expected == null) {
      throw new IllegalReview(
          "the application has already been " + state.code() + "; no further review is possible",
          state);
    }
    if (expected != level) {
      throw new IllegalReview(
          "the application is "
              + state.code()
              + ": it needs a '"
              + expected.code()
              + "' decision, not a '"
              + level.code()
              + "' one",
          state);
    }
    if (decision == ReviewDecision.REJECT) {
      return ReviewState.REJECTED;
    }
    return level == ReviewLevel.CITY ? ReviewState.AWAITING_PROVINCE : ReviewState.APPROVED;
  }

  public static final class IllegalReview extends CardRegistryException {
    private final ReviewState state;

    public IllegalReview(String message, ReviewState state) {
      super(message);
      this.state = state;
    }

    public ReviewState state() {
      return state;
    }
  }
}
