package cn.healthcard.hub.federation.index;

import cn.healthcard.hub.federation.match.Match;
import cn.healthcard.hub.federation.match.MatchGrade;
import cn.healthcard.hub.federation.match.Person;
import cn.healthcard.hub.federation.match.PersonMatcher;
import java.util.Comparator;
import java.util.List;

/**
 * A query's matches: candidates from the person index, scored in Java (the index's count of the
 * query's name sound makes a rare name weigh more), best first, those at least possible; with
 * {@code onlyCertain}, the certain ones only (what a system that links records automatically asks).
 */
public final class PersonMatching {

  /** How many candidates are scored: more than any real query shares a key with, few enough to be quick. */
  static final int CANDIDATES = 200;

  private final PersonIndex index;

  public PersonMatching(PersonIndex index) {
    this.index = index;
  }

  public List<Match> match(Person query, int count, boolean onlyCertain) {
    PersonIndex.Candidates found = index.candidates(query, CANDIDATES);
    String sound = IndexKeys.sound(query);
    double share = PersonMatcher.share(found.sameNameSound(), found.indexed());
    PersonMatcher matcher = new PersonMatcher(name -> name.equals(sound) ? share : PersonMatcher.ORDINARY.of(name));
    MatchGrade least = onlyCertain ? MatchGrade.CERTAIN : MatchGrade.POSSIBLE;
    return found.people().stream().map(candidate -> matcher.score(query, candidate))
        .filter(m -> m.grade().ordinal() <= least.ordinal())
        .sorted(Comparator.comparingDouble(Match::weight).reversed())
        .limit(Math.max(1, count)).toList();
  }
}
