package cn.healthcard.hub.federation.match;

import cn.healthcard.hub.federation.names.Pinyin;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Scores a candidate against a query the way record linkage does (Fellegi-Sunter): each field
 * that agrees adds the log2 of how much likelier that agreement is between two records of one
 * person than of two people, each that disagrees subtracts; a missing field says nothing. Chinese
 * names agree exactly (the characters), by sound (the same pinyin: {@code 张}/{@code 章}, or the
 * name written in pinyin), or nearly (one character off, syllables a letter or two apart); birth
 * dates exactly, with day and month transposed, or one digit off. A shared identity or card
 * number is certain whatever else differs; two different identity numbers are two people.
 */
public final class PersonMatcher {

  /** The weights (log2 likelihood ratios), set from the injected-error evaluation (bench, "Matching"). */
  static final double NAME_EXACT = 9;
  static final double NAME_SAME_SOUND = 7;
  static final double NAME_ONE_CHARACTER = 4;
  static final double NAME_SOUNDS_CLOSE = 3;
  static final double NAME_FAMILY_ONLY = -4;
  static final double NAME_DIFFERENT = -9;
  static final double BIRTH_EXACT = 7;
  static final double BIRTH_TRANSPOSED = 4;
  static final double BIRTH_ONE_DIGIT = 3;
  static final double BIRTH_DIFFERENT = -7;
  static final double GENDER_SAME = 1;
  static final double GENDER_DIFFERENT = -6;
  static final double COUNTY_SAME = 3;
  static final double COUNTY_DIFFERENT = -1;
  static final double PHONE_SAME = 8;
  static final double PHONE_DIFFERENT = -1;

  /** At or above: probable; at or above {@link #POSSIBLE}: possible; below: certainly not. */
  public static final double PROBABLE = 15;
  public static final double POSSIBLE = 9;

  /** The share of the indexed people whose whole name sounds like this one (compact pinyin). */
  @FunctionalInterface
  public interface NameShare {
    double of(String compactPinyin);
  }

  /** Without counts, every name is taken to be as common as an ordinary one (weight {@link #NAME_EXACT}). */
  static final double ORDINARY_SHARE = 0.9 / 512;
  public static final NameShare ORDINARY = name -> ORDINARY_SHARE;

  /**
   * How many people the name statistics must cover before they are believed over the ordinary
   * share: in a small index (a new hub, a test) one person in three hundred sharing a name says
   * little about how common it is, and would make every name look common.
   */
  static final double PRIOR_PEOPLE = 10_000;

  /**
   * The share of other people whose name sounds like the query's (the chance that someone else
   * agrees on it), estimated from the index: {@code sameSound} of {@code indexed} people, one of
   * whom is the candidate itself, leaning on the ordinary share while the index is small.
   */
  public static double share(long sameSound, long indexed) {
    return (Math.max(0, sameSound - 1) + PRIOR_PEOPLE * ORDINARY_SHARE) / (Math.max(0, indexed - 1) + PRIOR_PEOPLE);
  }

  private final NameShare shares;

  public PersonMatcher() {
    this(ORDINARY);
  }

  /**
   * @param shares how common each name is among the indexed people: agreeing on a rare name is
   *     strong evidence, on one that thousands share (张伟) much less
   */
  public PersonMatcher(NameShare shares) {
    this.shares = shares;
  }

  public Match score(Person query, Person candidate) {
    List<String> evidence = new ArrayList<>();
    if (same(text(query.identityNumber()), text(candidate.identityNumber())) || same(text(query.cardNumber()), text(candidate.cardNumber()))
        || same(text(query.identityNumber()), text(candidate.cardNumber())) || same(text(query.cardNumber()), text(candidate.identityNumber()))) {
      evidence.add("identifier");
      return new Match(candidate, Double.POSITIVE_INFINITY, 1.0, MatchGrade.CERTAIN, evidence);
    }
    if (text(query.identityNumber()).isPresent() && text(candidate.identityNumber()).isPresent()) {
      // one person has one identity number: whatever else agrees, these are two people
      evidence.add("identity-different");
      return new Match(candidate, Double.NEGATIVE_INFINITY, 0.0, MatchGrade.CERTAINLY_NOT, evidence);
    }
    double weight = 0;
    weight += name(query, candidate, evidence);
    weight += birth(Optional.ofNullable(query.birthDate()), Optional.ofNullable(candidate.birthDate()), evidence);
    if (text(query.gender()).isPresent() && text(candidate.gender()).isPresent()) {
      boolean same = text(query.gender()).get().equals(text(candidate.gender()).get());
      weight += same ? GENDER_SAME : GENDER_DIFFERENT;
      evidence.add(same ? "gender-same" : "gender-different");
    }
    if (text(query.county()).isPresent() && text(candidate.county()).isPresent()) {
      boolean same = text(query.county()).get().equals(text(candidate.county()).get());
      weight += same ? COUNTY_SAME : COUNTY_DIFFERENT;
      evidence.add(same ? "county-same" : "county-different");
    }
    if (text(query.phoneDigits()).isPresent() && text(candidate.phoneDigits()).isPresent()) {
      boolean same = text(query.phoneDigits()).get().equals(text(candidate.phoneDigits()).get());
      weight += same ? PHONE_SAME : PHONE_DIFFERENT;
      evidence.add(same ? "phone-same" : "phone-different");
    }
    MatchGrade grade = weight >= PROBABLE ? MatchGrade.PROBABLE
        : weight >= POSSIBLE ? MatchGrade.POSSIBLE : MatchGrade.CERTAINLY_NOT;
    // 0.5 at the possible threshold, 0.89 at the probable one, below 1 (certain is for identifiers)
    double score = 1 / (1 + Math.pow(2, -(weight - POSSIBLE) / 2));
    return new Match(candidate, weight, Math.min(score, 0.99), grade, evidence);
  }

  private double name(Person query, Person candidate, List<String> evidence) {
    String qFamily = text(query.family()).orElse("");
    String qGiven = text(query.given()).orElse("");
    String cFamily = text(candidate.family()).orElse("");
    String cGiven = text(candidate.given()).orElse("");
    if ((qFamily + qGiven).isEmpty() || (cFamily + cGiven).isEmpty()) {
      return 0;
    }
    String qName = qFamily + qGiven;
    String cName = cFamily + cGiven;
    String qSound = Pinyin.compact(Pinyin.ofFamily(qFamily) + Pinyin.of(qGiven));
    String cSound = Pinyin.compact(Pinyin.ofFamily(cFamily) + Pinyin.of(cGiven));
    // log2(m/u): the same person's records agree on the name about 90 % of the time, two people's
    // as often as the name is shared; kept between the weight of a one-character typo and 11
    double rarity = Math.max(NAME_ONE_CHARACTER + 1, Math.min(11, log2(0.9 / Math.max(shares.of(cSound), 1e-9))));
    if (qName.equals(cName)) {
      evidence.add("name-exact");
      return rarity;
    }
    if (!qSound.isEmpty() && qSound.equals(cSound)) {
      evidence.add("name-same-sound");
      return rarity - (NAME_EXACT - NAME_SAME_SOUND);
    }
    if (qName.length() == cName.length() && differences(qName, cName) == 1) {
      evidence.add("name-one-character");
      return NAME_ONE_CHARACTER;
    }
    if (!qSound.isEmpty() && distance(qSound, cSound) <= Math.max(1, Math.min(2, qSound.length() / 6))) {
      evidence.add("name-sounds-close");
      return NAME_SOUNDS_CLOSE;
    }
    if (!qFamily.isEmpty() && qFamily.equals(cFamily)) {
      evidence.add("name-family-only");
      return NAME_FAMILY_ONLY;
    }
    evidence.add("name-different");
    return NAME_DIFFERENT;
  }

  private static double birth(Optional<LocalDate> query, Optional<LocalDate> candidate, List<String> evidence) {
    if (query.isEmpty() || candidate.isEmpty()) {
      return 0;
    }
    LocalDate q = query.get();
    LocalDate c = candidate.get();
    if (q.equals(c)) {
      evidence.add("birth-exact");
      return BIRTH_EXACT;
    }
    if (q.getYear() == c.getYear() && q.getMonthValue() == c.getDayOfMonth() && q.getDayOfMonth() == c.getMonthValue()) {
      evidence.add("birth-transposed");
      return BIRTH_TRANSPOSED;
    }
    if (differences(q.toString(), c.toString()) == 1) {
      evidence.add("birth-one-digit");
      return BIRTH_ONE_DIGIT;
    }
    evidence.add("birth-different");
    return BIRTH_DIFFERENT;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  private static Optional<String> text(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
  }

  private static boolean same(Optional<String> a, Optional<String> b) {
    return a.isPresent() && b.isPresent() && a.get().equalsIgnoreCase(b.get());
  }

  /** How many positions of two equally long texts differ. */
  private static int differences(String a, String b) {
    int n = 0;
    for (int i = 0; i < a.length(); i++) {
      if (a.charAt(i) != b.charAt(i)) {
        n++;
      }
    }
    return n;
  }

  /** Levenshtein distance, for short texts (syllables of a name). */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
