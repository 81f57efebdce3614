package cn.healthcard.hub.federation.match;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.federation.names.Pinyin;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class PinyinAndMatcherTest {

  private final PersonMatcher matcher = new PersonMatcher();

  private static Person person(String family, String given, LocalDate birth, String gender, String id, String phone) {
    return new Person(null, family, given, birth, gender, id, null, phone, null);
  }

  @Test
  void namesAreReadInPinyinWithSurnameReadings() {
    assertThat(Pinyin.of("张伟")).isEqualTo("zhang wei");
    assertThat(Pinyin.of("章伟")).isEqualTo("zhang wei");
    assertThat(Pinyin.of("Zhang Wei")).isEqualTo("zhang wei");
    assertThat(Pinyin.of("欧阳娜娜")).isEqualTo("ou yang na na");
    assertThat(Pinyin.of("单田芳")).isEqualTo("dan tian fang");
    assertThat(Pinyin.ofFamily("单")).isEqualTo("shan");
    assertThat(Pinyin.ofFamily("曾")).isEqualTo("zeng");
    assertThat(Pinyin.ofFamily("尉迟")).isEqualTo("yu chi");
    assertThat(Pinyin.compact(Pinyin.of("吕 布"))).isEqualTo("lubu");
  }

  @Test
  void anIdentifierIsCertainAndTwoIdentityNumbersAreTwoPeople() {
    LocalDate birth = LocalDate.of(1985, 3, 7);
    Person a = person("张", "伟", birth, "male", "210102198503070011", null);
    assertThat(matcher.score(person("李", "娜", null, null, "210102198503070011", null), a).grade())
        .isEqualTo(MatchGrade.CERTAIN);
    // everything else agrees, phone included: still two people
    Person withPhone = new Person(null, "张", "伟", birth, "male", "210102198503070011", null, "13800000001", "210102");
    Match other = matcher.score(new Person(null, "张", "伟", birth, "male", "210102198503070038", null, "13800000001",
        "210102"), withPhone);
    assertThat(other.grade()).isEqualTo(MatchGrade.CERTAINLY_NOT);
    assertThat(other.score()).isZero();
    assertThat(other.evidence()).containsExactly("identity-different");
  }

  @Test
  void homophonesTranspositionsAndPinyinSpellingsStillMatch() {
    LocalDate birth = LocalDate.of(1990, 4, 11);
    Person resident = person("张", "伟", birth, "male", null, "13800000000");
    Match homophone = matcher.score(person("章", "伟", birth, "male", null, null), resident);
    assertThat(homophone.grade()).isEqualTo(MatchGrade.PROBABLE);
    assertThat(homophone.evidence()).containsExactly("name-same-sound", "birth-exact", "gender-same");
    Match transposed = matcher.score(person("张", "伟", LocalDate.of(1990, 11, 4), null, null, "13800000000"), resident);
    assertThat(transposed.grade()).isEqualTo(MatchGrade.PROBABLE);
    assertThat(transposed.evidence()).contains("birth-transposed", "phone-same");
    Match spelled = matcher.score(person("Zhang", "Wei", birth, null, null, null), resident);
    assertThat(spelled.grade()).isEqualTo(MatchGrade.POSSIBLE);
    assertThat(spelled.evidence()).containsExactly("name-same-sound", "birth-exact");
    Match someoneElse = matcher.score(person("王", "芳", LocalDate.of(1971, 1, 2), "female", null, null), resident);
    assertThat(someoneElse.grade()).isEqualTo(MatchGrade.CERTAINLY_NOT);
    assertThat(someoneElse.score()).isLessThan(0.01);
    // at the probable threshold: 1 / (1 + 2^-3)
    assertThat(homophone.score()).isCloseTo(0.889, org.assertj.core.data.Offset.offset(0.001));
  }
}
