package cn.healthcard.hub.cards.review;

import cn.healthcard.hub.cards.registry.Card;

/**
 * The FHIR projection of batch applications: one {@code Task} per application, with an id the
 * platform mints, kept in step with the registry (which stays the source of truth).
 */
public interface ReviewTasks {
  /** Writes (creates or overwrites) the Task of an application in its current review state. */
  void project(String taskId, Card card, String servicePoint, ReviewState state, ReviewStep lastStep);

  /** A decision taken on the application; null before the first one. */
  record ReviewStep(ReviewLevel level, ReviewDecision decision, String reason, String reviewer) {}
}
