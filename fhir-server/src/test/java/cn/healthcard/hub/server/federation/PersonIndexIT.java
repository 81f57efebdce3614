package cn.healthcard.hub.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.federation.index.ElasticsearchPersonIndex;
import cn.healthcard.hub.federation.index.PersonMatching;
import cn.healthcard.hub.federation.match.Match;
import cn.healthcard.hub.federation.match.MatchEvaluation;
import cn.healthcard.hub.federation.match.MatchGrade;
import cn.healthcard.hub.federation.match.Person;
import cn.healthcard.hub.federation.match.SyntheticPopulation;
import cn.healthcard.hub.server.HubIntegrationTest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The person index on the Elasticsearch node the hub runs: generated residents indexed, queries
 * with injected errors answered through it with the same quality as the in-memory evaluation,
 * and versions honoured (a late, older write changes nothing).
 */
class PersonIndexIT extends HubIntegrationTest {

  @Autowired RestClient elasticsearch;

  private ElasticsearchPersonIndex index(String name) throws Exception {
    Instant deadline = Instant.now().plusSeconds(180);
    while (true) {
      try {
        if (elasticsearch.performRequest(new Request("GET", "/_cluster/health?wait_for_status=yellow&timeout=5s"))
            .getStatusLine().getStatusCode() == 200) {
          break;
        }
      } catch (java.io.IOException e) {
        if (Instant.now().isAfter(deadline)) {
          throw e;
        }
        Thread.sleep(500);
      }
    }
    ElasticsearchPersonIndex index = new ElasticsearchPersonIndex(elasticsearch, name);
    index.create();
    // a second instance starting finds it made, with its mapping (not one Elasticsearch guessed)
    index.create();
    var mapping = elasticsearch.performRequest(new Request("GET", "/" + name + "/_mapping"));
    assertThat(new String(mapping.getEntity().getContent().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
        .contains("\"keys\":{\"type\":\"keyword\",\"ignore_above\":256}");
    return index;
  }

  @Test
  void queriesWithErrorsFindTheirResidentThroughTheIndex() throws Exception {
    ElasticsearchPersonIndex index = index("it-persons-" + System.nanoTime());
    SyntheticPopulation population = new SyntheticPopulation(7L);
    List<Person> residents = new ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      residents.add(population.resident("R" + i));
    }
    for (int from = 0; from < residents.size(); from += 1_000) {
      index.put(residents.subList(from, from + 1_000), Collections.nCopies(1_000, 1L));
    }
    index.refresh();
    assertThat(index.count()).isEqualTo(5_000);

    PersonMatching matching = new PersonMatching(index);
    MatchEvaluation inMemory = new MatchEvaluation(residents);
    int right = 0;
    int wrong = 0;
    int rightInMemory = 0;
    int wrongInMemory = 0;
    for (int i = 0; i < 500; i++) {
      Person resident = residents.get(i * 10);
      Person query = population.query(resident);
      List<Match> found = matching.match(query, 3, false);
      if (!found.isEmpty() && found.get(0).grade().ordinal() <= MatchGrade.PROBABLE.ordinal()) {
        if (found.get(0).candidate().id().equals(resident.id())) {
          right++;
        } else {
          wrong++;
        }
      }
      java.util.Optional<Match> best = inMemory.best(query, MatchGrade.PROBABLE);
      if (best.isPresent()) {
        if (best.get().candidate().id().equals(resident.id())) {
          rightInMemory++;
        } else {
          wrongInMemory++;
        }
      }
    }
    // the index answers as the evaluation in memory does over every resident
    assertThat(right).isEqualTo(rightInMemory).isGreaterThanOrEqualTo(450);
    assertThat(wrong).isEqualTo(wrongInMemory).isZero();

    Person someone = residents.get(0);
    List<Match> certain = matching.match(new Person(null, null, null, null, null, someone.identityNumber(), null, null, null),
        5, true);
    assertThat(certain).hasSize(1);
    assertThat(certain.get(0).candidate().id()).isEqualTo(someone.id());
    assertThat(certain.get(0).grade()).isEqualTo(MatchGrade.CERTAIN);
  }

  @Test
  void aLateOlderWriteChangesNothing() throws Exception {
    ElasticsearchPersonIndex index = index("it-persons-" + System.nanoTime());
    Person v2 = new Person("P1", "张", "伟", LocalDate.of(1980, 1, 2), "male", null, null, "13800000000", "210102");
    Person v1 = new Person("P1", "章", "卫", LocalDate.of(1980, 1, 2), "male", null, null, null, null);
    index.put(List.of(v2), List.of(2L));
    index.put(List.of(v1), List.of(1L));
    index.refresh();
    var found = index.candidates(new Person(null, "张", "伟", LocalDate.of(1980, 1, 2), null, null, null, null, null), 5);
    assertThat(found.people()).hasSize(1);
    assertThat(found.people().get(0).phone()).isEqualTo("13800000000");
    assertThat(found.sameNameSound()).isEqualTo(1);
    assertThat(found.indexed()).isEqualTo(1);
    index.remove("P1", 1L);
    index.refresh();
    assertThat(index.count()).isEqualTo(1);
    index.remove("P1", 3L);
    index.refresh();
    assertThat(index.count()).isZero();
  }
}
