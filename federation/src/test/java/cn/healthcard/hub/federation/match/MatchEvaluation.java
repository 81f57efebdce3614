package cn.healthcard.hub.federation.match;

import cn.healthcard.hub.federation.index.IndexKeys;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Precision and recall of matching on a generated population: queries made from residents with
 * injected errors (each should find its resident), and queries of people who are not residents
 * (each should find no one). Candidates come from blocking keys, as the person index retrieves
 * them (name sound with birth year, given name's sound with birth date, whole name's sound,
 * phone, identity number); the matcher scores them; the best at or above a grade is the answer.
 */
public final class MatchEvaluation {

  /** The counts at one grade: a query answered with its resident, with someone else, with no one. */
  public record Result(int queries, int right, int wrong, int none, int strangers, int strangersMatched) {
    public double precision() {
      int answered = right + wrong + strangersMatched;
      return answered == 0 ? 1 : (double) right / answered;
    }

    public double recall() {
      return queries == 0 ? 1 : (double) right / queries;
    }
  }

  private final PersonMatcher matcher;
  private final Map<String, List<Person>> index = new HashMap<>();

  public MatchEvaluation(List<Person> residents) {
    for (Person p : residents) {
      for (String key : IndexKeys.of(p)) {
        index.computeIfAbsent(key, k -> new ArrayList<>()).add(p);
      }
    }
    int size = residents.size();
    // how common a name is: the people indexed under its sound
    matcher = new PersonMatcher(name -> PersonMatcher.share(index.getOrDefault("n:" + name, List.of()).size(), size));
  }

  /** The best candidate at or above the grade, if any. */
  public Optional<Match> best(Person query, MatchGrade atLeast) {
    Set<Person> candidates = new HashSet<>();
    for (String key : IndexKeys.of(query)) {
      candidates.addAll(index.getOrDefault(key, List.of()));
    }
    return candidates.stream().map(c -> matcher.score(query, c))
        .filter(m -> m.grade().ordinal() <= atLeast.ordinal())
        .max(Comparator.comparingDouble(Match::weight));
  }

  public Result evaluate(Map<Person, String> queries, List<Person> strangers, MatchGrade atLeast) {
    int right = 0;
    int wrong = 0;
    int none = 0;
    for (Map.Entry<Person, String> q : queries.entrySet()) {
      Optional<Match> found = best(q.getKey(), atLeast);
      if (found.isEmpty()) {
        none++;
      } else if (found.get().candidate().id().equals(q.getValue())) {
        right++;
      } else {
        wrong++;
      }
    }
    int strangersMatched = 0;
    for (Person stranger : strangers) {
      if (best(stranger, atLeast).isPresent()) {
        strangersMatched++;
      }
    }
    return new Result(queries.size(), right, wrong, none, strangers.size(), strangersMatched);
  }
}
