package cn.healthcard.hub.federation.index;

import cn.healthcard.hub.federation.match.Person;
import java.time.Instant;
import java.util.List;

/**
 * Where PDQm and {@code $match} find their candidates: every person the hub knows, indexed by the
 * keys a misspelt, mis-dated or half-filled query still shares with the right record (the sound
 * of the family name with the birth year, of the given name with the birth date, of the whole
 * name; phone; identity and card numbers), with how many people share each name's sound (a rare
 * name agreeing is stronger evidence).
 */
public interface PersonIndex {

  /** What a candidate search found: the candidates, and how many indexed people share the query's name sound. */
  record Candidates(List<Person> people, long sameNameSound, long indexed) {
    public Candidates {
      people = List.copyOf(people);
    }
  }

  /**
   * Makes the index when it does not exist yet (any instance may call it; the first one makes it).
   *
   * @return true when this call made it (an empty index: the repository's Patients are not in it yet)
   */
  boolean create();

  /** A person the index would not take (a document it cannot hold): the id and the index's reason. */
  record Refusal(String id, String reason) {}

  /**
   * Indexes (or re-indexes) people; a person is kept at the highest version given (an older write
   * arriving late changes nothing).
   *
   * @param versions each person's version (the Patient's), in the order of {@code people}
   * @return the people the index refused for good (the others are indexed); a failure that may
   *     pass (the index down or overloaded) is thrown instead
   */
  List<Refusal> put(List<Person> people, List<Long> versions);

  /** Removes a person at this version or later. */
  void remove(String id, long version);

  /**
   * Removes every person last indexed before this instant: after a full rebuild that started then,
   * those are the people the repository no longer holds (a deletion whose change was lost).
   *
   * @return how many were removed
   */
  long removeIndexedBefore(Instant instant);

  Candidates candidates(Person query, int max);

  /** The ids of up to {@code max} people the demographic query describes (PDQm's search). */
  List<String> ids(DemographicQuery query, int max);

  /** Makes what was put visible to searches (tests, the end of a rebuild). */
  void refresh();

  long count();
}
