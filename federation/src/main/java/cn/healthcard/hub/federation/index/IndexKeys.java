package cn.healthcard.hub.federation.index;

import cn.healthcard.hub.federation.match.Person;
import cn.healthcard.hub.federation.names.Pinyin;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The keys under which a person is indexed and a query searched: a query finds a record when they
 * share one. Each key survives one kind of error: {@code fy} (family sound, birth year) a
 * transposed or mistyped birth day and a given-name typo; {@code gd} (given sound, birth date) a
 * family-name typo; {@code n} (whole-name sound) any birth-date error or none given; {@code t} the
 * phone; {@code i} the identity or card number.
 */
public final class IndexKeys {

  private IndexKeys() {}

  public static Set<String> of(Person p) {
    Set<String> keys = new LinkedHashSet<>();
    String family = Pinyin.compact(Pinyin.ofFamily(p.family() == null ? "" : p.family()));
    String given = Pinyin.compact(Pinyin.of(p.given() == null ? "" : p.given()));
    if (!family.isEmpty() && p.birthDate() != null) {
      keys.add("fy:" + family + ":" + p.birthDate().getYear());
    }
    if (!given.isEmpty() && p.birthDate() != null) {
      keys.add("gd:" + given + ":" + p.birthDate());
    }
    if (!(family + given).isEmpty()) {
      keys.add("n:" + family + given);
    }
    if (!p.phoneDigits().isEmpty()) {
      keys.add("t:" + p.phoneDigits());
    }
    if (p.identityNumber() != null && !p.identityNumber().isBlank()) {
      keys.add("i:" + p.identityNumber().strip().toUpperCase(java.util.Locale.ROOT));
    }
    if (p.cardNumber() != null && !p.cardNumber().isBlank()) {
      keys.add("i:" + p.cardNumber().strip().toUpperCase(java.util.Locale.ROOT));
    }
    return keys;
  }

  /** How much sharing a key says: an identity number everything, a whole-name sound least. */
  public static float weight(String key) {
    if (key.startsWith("i:")) {
      return 16;
    }
    if (key.startsWith("t:")) {
      return 8;
    }
    if (key.startsWith("gd:")) {
      return 4;
    }
    return key.startsWith("fy:") ? 2 : 1;
  }

  /** The whole name's sound ({@code zhangwei}), what name frequencies count. */
  public static String sound(Person p) {
    return Pinyin.compact(Pinyin.ofFamily(p.family() == null ? "" : p.family()))
        + Pinyin.compact(Pinyin.of(p.given() == null ? "" : p.given()));
  }
}
