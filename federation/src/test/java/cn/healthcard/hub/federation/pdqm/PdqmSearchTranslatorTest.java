package cn.healthcard.hub.federation.pdqm;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.federation.index.DemographicQuery;
import java.time.LocalDate;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PdqmSearchTranslatorTest {
  private static final String CARD = "urn:oid:2.16.156.10011.1.19";
  private static final String ID_CARD = "urn:oid:2.16.156.10011.1.3";
  private final PdqmSearchTranslator translator = new PdqmSearchTranslator(CARD, ID_CARD);

  @Test
  void thePdqmParametersBecomeOneIndexQueryWithFhirsMeaning() {
    DemographicQuery query = translator.translate(Map.of(
        "family", new String[] {"司马"}, "given", new String[] {"秋"}, "birthdate", new String[] {"ge1950", "lt1951-03"},
        "gender", new String[] {"female"}, "telecom", new String[] {"phone|13900000001"},
        "identifier", new String[] {ID_CARD + "|21010219800412003x"}, "_count", new String[] {"10"})).orElseThrow();
    assertThat(query.families()).containsExactly("司马");
    assertThat(query.givens()).containsExactly("秋");
    assertThat(query.birthDates()).containsExactlyInAnyOrder(
        new DemographicQuery.Range(LocalDate.of(1950, 1, 1), null),
        new DemographicQuery.Range(null, LocalDate.of(1951, 3, 1)));
    assertThat(query.gender()).isEqualTo("female");
    assertThat(query.phone()).isEqualTo("13900000001");
    assertThat(query.identityNumber()).isEqualTo("21010219800412003X");
    assertThat(query.cardNumber()).isNull();
  }

  @Test
  void datesAreRangesOfTheirPrecision() {
    assertThat(PdqmSearchTranslator.range("1980-04-12")).contains(
        new DemographicQuery.Range(LocalDate.of(1980, 4, 12), LocalDate.of(1980, 4, 13)));
    assertThat(PdqmSearchTranslator.range("eq1980-04")).contains(
        new DemographicQuery.Range(LocalDate.of(1980, 4, 1), LocalDate.of(1980, 5, 1)));
    assertThat(PdqmSearchTranslator.range("gt1980")).contains(new DemographicQuery.Range(LocalDate.of(1981, 1, 1), null));
    assertThat(PdqmSearchTranslator.range("le1980-04-12")).contains(new DemographicQuery.Range(null, LocalDate.of(1980, 4, 13)));
    assertThat(PdqmSearchTranslator.range("ne1980")).isEmpty();
    assertThat(PdqmSearchTranslator.range("1980-13-01")).isEmpty();
  }

  @Test
  void whatTheIndexCannotAnswerAsFhirMeansItIsLeftToTheRepository() {
    assertThat(translator.translate(Map.of("family:exact", new String[] {"王"}))).isEmpty();
    assertThat(translator.translate(Map.of("family", new String[] {"王,李"}))).isEmpty();
    assertThat(translator.translate(Map.of("address-city", new String[] {"大连"}))).isEmpty();
    assertThat(translator.translate(Map.of("identifier", new String[] {"urn:oid:1.2.3|MRN-1"}))).isEmpty();
    assertThat(translator.translate(Map.of("telecom", new String[] {"email|a@b.cn"}))).isEmpty();
    assertThat(translator.translate(Map.of("_count", new String[] {"10"}))).isEmpty();
  }
}
