package cn.healthcard.hub.terminology.growth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The WHO Child Growth Standards (2006) for children from birth to 1856 days (5 years and a
 * month): z-scores and percentiles of weight, length/height, head circumference and BMI for age.
 * Immutable and thread-safe; {@link #standard()} loads the packaged LMS tables once.
 *
 * <p>The tables are the WHO's daily LMS values, kept for every day up to 30 days, every 7th day
 * after and the days 730, 731, 1826 and 1856; between two kept days L, M and S are interpolated
 * linearly (less than 0.01 z-score from the daily table). Day 730 and day 731 are both kept, so
 * the step from length to height at 731 days is never interpolated over. See the README beside the
 * tables for the source and the checks.
 */
public final class GrowthStandards {

  /** Last age the standards cover, in days. */
  public static final int LAST_DAY = 1856;

  /** First day the length/height and BMI standards are for standing height. */
  public static final int FIRST_HEIGHT_DAY = 731;

  private static final String DATA = "/cn/healthcard/hub/terminology/growth/";

  private final Map<Indicator, Map<Sex, Table>> tables;

  private GrowthStandards(Map<Indicator, Map<Sex, Table>> tables) {
    this.tables = tables;
  }

  private static final class Holder {
    static final GrowthStandards STANDARD = load();
  }

  /** The packaged WHO tables. */
  public static GrowthStandards standard() {
    return Holder.STANDARD;
  }

  static GrowthStandards load() {
    Map<Indicator, Map<Sex, Table>> tables = new EnumMap<>(Indicator.class);
    for (Indicator indicator : Indicator.values()) {
      tables.put(indicator, readTable(indicator));
    }
    return new GrowthStandards(tables);
  }

  /**
   * Assesses a measurement; for length/height the position is taken to be the one the standard
   * uses at that age (see {@link #assess(Indicator, Sex, int, double, LengthPosition)}).
   *
   * @param ageInDays completed days since birth
   * @param value the measurement in {@link Indicator#unit()}
   * @return empty when the age is outside 0..{@value #LAST_DAY} days
   * @throws IllegalArgumentException when the value is not a positive finite number
   */
  public Optional<GrowthResult> assess(Indicator indicator, Sex sex, int ageInDays, double value) {
    return assess(indicator, sex, ageInDays, value, LengthPosition.NOT_STATED);
  }

  /**
   * Assesses a measurement. A length/height measured in the other position than the standard's at
   * that age is corrected by 0.7 cm first ({@link LengthPosition}); the position is ignored for the
   * other indicators.
   *
   * @param ageInDays completed days since birth
   * @param value the measurement in {@link Indicator#unit()}
   * @return empty when the age is outside 0..{@value #LAST_DAY} days
   * @throws IllegalArgumentException when the value is not a positive finite number
   */
  public Optional<GrowthResult> assess(
      Indicator indicator, Sex sex, int ageInDays, double value, LengthPosition position) {
    Objects.requireNonNull(indicator, "indicator");
    Objects.requireNonNull(sex, "sex");
    Objects.requireNonNull(position, "position");
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(
          indicator.title() + " measurement must be a positive finite number of "
              + indicator.unit() + ", got " + value);
    }
    Optional<Lms> found = lms(indicator, sex, ageInDays);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Lms lms = found.get();
    double y =
        indicator == Indicator.LENGTH_HEIGHT_FOR_AGE ? position.standardise(value, ageInDays) : value;
    double z = lms.zScore(y);
    boolean restricted = false;
    if (indicator.restrictedBeyondThreeSd() && Math.abs(z) > 3) {
      z = restrictedZScore(lms, y, z);
      restricted = true;
    }
    double percentile = 100 * StandardNormal.cdf(z);
    return Optional.of(
        new GrowthResult(indicator, sex, ageInDays, value, y, lms, z, percentile, restricted));
  }

  /**
   * Assesses a measurement taken on {@code measured} of a child born on {@code birthDate}; the age
   * is the number of days between the two dates.
   *
   * @return empty when the age is outside 0..{@value #LAST_DAY} days (including a measurement
   *     dated before the birth)
   */
  public Optional<GrowthResult> assess(
      Indicator indicator, Sex sex, LocalDate birthDate, LocalDate measured, double value,
      LengthPosition position) {
    long days =
        ChronoUnit.DAYS.between(
            Objects.requireNonNull(birthDate, "birthDate"), Objects.requireNonNull(measured, "measured"));
    int age = days < 0 || days > LAST_DAY ? -1 : (int) days;
    return assess(indicator, sex, age, value, position);
  }

  /**
   * Assesses a measurement named by its LOINC code ({@code 29463-7} body weight, {@code 8302-2}
   * body height, {@code 8306-3} lying, {@code 8308-9} standing, {@code 9843-4} head circumference,
   * {@code 39156-5} BMI); the length position comes from the code.
   *
   * @throws IllegalArgumentException when no indicator assesses that code (see {@link
   *     Indicator#forLoinc(String)}) or the value is not a positive finite number
   */
  public Optional<GrowthResult> assessLoinc(String loincCode, Sex sex, int ageInDays, double value) {
    Indicator indicator =
        Indicator.forLoinc(loincCode)
            .orElseThrow(
                () -> new IllegalArgumentException("no WHO growth standard for LOINC " + loincCode));
    return assess(indicator, sex, ageInDays, value, Indicator.lengthPosition(loincCode));
  }

  /** L, M and S of a standard at an age in days; empty outside 0..{@value #LAST_DAY}. */
  public Optional<Lms> lms(Indicator indicator, Sex sex, int ageInDays) {
    Objects.requireNonNull(indicator, "indicator");
    Objects.requireNonNull(sex, "sex");
    if (ageInDays < 0 || ageInDays > LAST_DAY) {
      return Optional.empty();
    }
    return Optional.of(tables.get(indicator).get(sex).at(ageInDays));
  }

  /**
   * The measurement at z-score {@code z} (for a growth chart's curves): the LMS value, with the
   * restricted rule beyond +-3 SD for the weight-based indicators, so that {@code assess} of the
   * result gives back {@code z}.
   */
  public Optional<Double> valueAt(Indicator indicator, Sex sex, int ageInDays, double z) {
    return lms(indicator, sex, ageInDays)
        .map(
            lms -> {
              if (!indicator.restrictedBeyondThreeSd() || Math.abs(z) <= 3) {
                return lms.valueAt(z);
              }
              double sign = Math.signum(z);
              double sd3 = lms.valueAt(3 * sign);
              double sd2 = lms.valueAt(2 * sign);
              return sd3 + (z - 3 * sign) * Math.abs(sd3 - sd2);
            });
  }

  /**
   * The WHO's rule beyond +-3 SD: the z-score is 3 (or -3) plus the distance from the +3 SD (-3 SD)
   * curve in units of the distance between the 2 SD and 3 SD curves on that side.
   */
  private static double restrictedZScore(Lms lms, double y, double z) {
    if (z > 3) {
      double sd3 = lms.valueAt(3);
      double sd23 = sd3 - lms.valueAt(2);
      return 3 + (y - sd3) / sd23;
    }
    double sd3neg = lms.valueAt(-3);
    double sd23neg = lms.valueAt(-2) - sd3neg;
    return -3 + (y - sd3neg) / sd23neg;
  }

  /** One sex's rows of one standard: ages ascending, with L, M and S. */
  private static final class Table {
    final int[] days;
    final Lms[] lms;

    Table(int[] days, Lms[] lms) {
      this.days = days;
      this.lms = lms;
    }

    Lms at(int day) {
      int i = Arrays.binarySearch(days, day);
      if (i >= 0) {
        return lms[i];
      }
      int hi = -i - 1;
      int lo = hi - 1;
      double fraction = (double) (day - days[lo]) / (days[hi] - days[lo]);
      return Lms.between(lms[lo], lms[hi], fraction);
    }
  }

  private static Map<Sex, Table> readTable(Indicator indicator) {
    String name = DATA + indicator.table() + ".csv";
    Map<Sex, List<Integer>> dayLists = new EnumMap<>(Sex.class);
    Map<Sex, List<Lms>> lmsLists = new EnumMap<>(Sex.class);
    try (InputStream in = GrowthStandards.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing growth standard " + name);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String header = null;
      String line;
      int lineNo = 0;
      while ((line = reader.readLine()) != null) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        if (header == null) {
          header = line;
          if (!header.equals("sex,age_days,l,m,s")) {
            throw new IllegalStateException(name + ": unexpected header " + header);
          }
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != 5) {
          throw new IllegalStateException(name + ":" + lineNo + ": expected 5 fields: " + line);
        }
        Sex sex = Sex.fromWhoCode(Integer.parseInt(f[0]));
        int day = Integer.parseInt(f[1]);
        Lms lms = new Lms(Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]));
        if (!(lms.m() > 0) || !(lms.s() > 0)) {
          throw new IllegalStateException(name + ":" + lineNo + ": M and S must be positive: " + line);
        }
        dayLists.computeIfAbsent(sex, k -> new ArrayList<>()).add(day);
        lmsLists.computeIfAbsent(sex, k -> new ArrayList<>()).add(lms);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name, e);
    }
    Map<Sex, Table> bySex = new EnumMap<>(Sex.class);
    for (Sex sex : Sex.values()) {
      List<Integer> dayList = dayLists.get(sex);
      if (dayList == null) {
        throw new IllegalStateException(name + ": no rows for " + sex);
      }
      int[] days = dayList.stream().mapToInt(Integer::intValue).toArray();
      for (int i = 1; i < days.length; i++) {
        if (days[i] <= days[i - 1]) {
          throw new IllegalStateException(name + ": ages not ascending at " + sex + " day " + days[i]);
        }
      }
      if (days[0] != 0 || days[days.length - 1] != LAST_DAY) {
        throw new IllegalStateException(name + ": " + sex + " does not cover 0.." + LAST_DAY);
      }
      if (Arrays.binarySearch(days, FIRST_HEIGHT_DAY - 1) < 0
          || Arrays.binarySearch(days, FIRST_HEIGHT_DAY) < 0) {
        throw new IllegalStateException(name + ": " + sex + " lacks days 730 and 731");
      }
      bySex.put(sex, new Table(days, lmsLists.get(sex).toArray(Lms[]::new)));
    }
    return bySex;
  }
}
