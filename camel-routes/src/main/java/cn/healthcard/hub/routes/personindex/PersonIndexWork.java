package cn.healthcard.hub.routes.personindex;

/** Bringing the person index up to the repository's Patient writes (the application implements it). */
@FunctionalInterface
public interface PersonIndexWork {

  /**
   * Indexes every waiting Patient write this instance can claim.
   *
   * @return how many writes were taken
   */
  int drain() throws Exception;
}
