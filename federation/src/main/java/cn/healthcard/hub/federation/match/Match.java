package cn.healthcard.hub.federation.match;

import java.util.List;

/**
 * A candidate scored against a query.
 *
 * @param weight the evidence's weight (log2 of how much likelier the agreements are for the same
 *     person than for two people)
 * @param score the weight mapped to 0..1 ({@code search.score}); 1 for a certain match
 * @param evidence what agreed and what did not ({@code name-exact}, {@code birth-transposed}...),
 *     for the operator who reviews a match; never the values themselves
 */
public record Match(Person candidate, double weight, double score, MatchGrade grade, List<String> evidence) {

  public Match {
    evidence = List.copyOf(evidence);
  }
}
