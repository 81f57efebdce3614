package cn.healthcard.hub.bench;

import cn.healthcard.hub.federation.match.MatchEvaluation;
import cn.healthcard.hub.federation.match.MatchGrade;
import cn.healthcard.hub.federation.match.Person;
import cn.healthcard.hub.federation.match.SyntheticPopulation;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Person matching on a generated population (issue 17): residents with a realistic spread of
 * names, queries made from them with injected errors (homophones, other characters, names typed
 * in pinyin, day and month transposed, a day off, fields left out, new phones and counties) and
 * queries of people who are not residents. Prints the population's build rate, precision and
 * recall at the two grades a client acts on, and the time to answer a query. Candidates come from
 * in-memory blocking keys (name sound with birth year, given name's sound with birth date, whole
 * name's sound, phone, identity number), which the Elasticsearch person index is to serve.
 *
 * <p>Arguments: residents (default 1,000,000), queries (default 5,000), seed.
 */
public final class MatchBench {

  public static void main(String[] args) {
    int residents = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int queries = args.length > 1 ? Integer.parseInt(args[1]) : 5_000;
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 20261207L;
    SyntheticPopulation population = new SyntheticPopulation(seed);

    long start = System.nanoTime();
    List<Person> people = new ArrayList<>(residents);
    for (int i = 0; i < residents; i++) {
      people.add(population.resident("P" + i));
      if ((i + 1) % 250_000 == 0) {
        System.out.printf("generated %,d residents%n", i + 1);
      }
    }
    long generated = System.nanoTime();
    MatchEvaluation evaluation = new MatchEvaluation(people);
    long indexed = System.nanoTime();
    System.out.printf("residents %,d: generated in %.1f s, indexed (blocking keys, name counts) in %.1f s = %,.0f residents/s%n",
        residents, (generated - start) / 1e9, (indexed - generated) / 1e9, residents / ((indexed - generated) / 1e9));

    Map<Person, String> asked = new IdentityHashMap<>();
    int step = Math.max(1, residents / queries);
    for (int i = 0; i < queries && i * step < residents; i++) {
      Person resident = people.get(i * step);
      asked.put(population.query(resident), resident.id());
    }
    List<Person> strangers = new ArrayList<>();
    for (int i = 0; i < queries / 2; i++) {
      strangers.add(population.query(population.resident("S" + i)));
    }
    // warm the matcher before timing it
    evaluation.evaluate(asked, strangers.subList(0, Math.min(200, strangers.size())), MatchGrade.POSSIBLE);
    for (MatchGrade grade : List.of(MatchGrade.PROBABLE, MatchGrade.POSSIBLE)) {
      long t0 = System.nanoTime();
      MatchEvaluation.Result r = evaluation.evaluate(asked, strangers, grade);
      double perQuery = (System.nanoTime() - t0) / 1e6 / (asked.size() + strangers.size());
      System.out.printf("%s or better: precision %.4f, recall %.4f (%,d residents asked for: %,d found, %,d someone else,"
              + " %,d no one; %,d strangers: %,d matched to a resident); %.3f ms per query%n",
          grade.code(), r.precision(), r.recall(), r.queries(), r.right(), r.wrong(), r.none(), r.strangers(),
          r.strangersMatched(), perQuery);
    }
    Runtime rt = Runtime.getRuntime();
    System.out.printf("heap used %,d MiB%n", (rt.totalMemory() - rt.freeMemory()) >> 20);
  }
}
