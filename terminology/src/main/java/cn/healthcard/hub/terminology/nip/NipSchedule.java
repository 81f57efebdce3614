package cn.healthcard.hub.terminology.nip;

import cn.healthcard.hub.terminology.HubCodeSystems;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * China's National Immunization Programme childhood schedule as data: for each series, path and
 * dose, the recommended age, the minimum age, the minimum intervals, the age from which the dose
 * is overdue and, where the programme has one, the age from which it is no longer given.
 *
 * <p>Two editions are held. {@link #edition2021()} is 国家免疫规划疫苗儿童免疫程序及说明（2021年版）
 * (National Health Commission, 2021). {@link #current()} is the same with the national DTaP
 * adjustment in force from {@link #DTAP_ADJUSTMENT_EFFECTIVE} (DTaP at 2, 4, 6 and 18 months and
 * 6 years; DT no longer given at 6 years). {@link #inForceOn(LocalDate)} picks the edition for a
 * date: a dose is evaluated under the edition in force on the day it was given, a forecast under
 * the edition in force on its as-of date. Sources, and every rule that is an assumption rather
 * than the schedule's text, are listed in {@code nip/README.md} next to this package's resources.
 *
 * <p><b>Ages.</b> A child reaches age {@code P} on {@code birthDate.plus(P)} ({@link
 * LocalDate#plus}): "1 month" is the same day of the next month, clamped to the month's last day
 * (born 31 January: 1 month on 28/29 February); "1 year" is the same day a year later (born 29
 * February: 28 February). The day of birth is age 0. Intervals are counted the same way from the
 * day of the earlier dose. There is no grace period: the schedule says the ages in its table are
 * the minimum ages (起始免疫年（月）龄).
 */
public final class NipSchedule {

  /** Catch-up under the programme is for children under 18 (补种通用原则: 小于18周岁人群). */
  public static final Period PROGRAMME_MAXIMUM_AGE = Period.ofYears(18);

  /** First day of the national DTaP schedule adjustment (2, 4, 6, 18 months and 6 years). */
  public static final LocalDate DTAP_ADJUSTMENT_EFFECTIVE = LocalDate.of(2025, 1, 1);

  /**
   * Children born on or after this day follow the two-dose IPV schedule (IPV at 2 and 3 months);
   * earlier cohorts needed one IPV dose. Only changes which polio vaccine is recommended.
   */
  public static final LocalDate TWO_IPV_COHORT_FROM = LocalDate.of(2019, 10, 1);

  /** Two injectable live vaccines not given on the same day must be at least this far apart. */
  public static final Period LIVE_VACCINE_SPACING = Period.ofDays(28);

  /**
   * A minimum interval: this dose is given no earlier than {@code minimum} after dose {@code
   * fromDose} of {@code fromSeries} (the dose's own series unless it names another), when that
   * dose was given.
   */
  public record Interval(NipSeries fromSeries, int fromDose, Period minimum) {}

  /**
   * One dose of a series path.
   *
   * @param doseNumber 1-based position in the path
   * @param vaccineCode the NIP vaccine recommended for this dose
   * @param recommendedAge the schedule's age for the dose
   * @param minimumAge the earliest age at which the dose counts
   * @param overdueAge the age from which the dose is overdue: the schedule's "complete before"
   *     age when it gives one ({@code overdueAgeStated}), otherwise the recommended age plus one
   *     month
   * @param overdueAgeStated whether {@code overdueAge} is stated by the schedule
   * @param maximumAge the age from which the dose is no longer given and does not count (null:
   *     only the programme's limit of 18 years, which ends forecasting but not validity)
   * @param intervals minimum intervals from earlier doses
   * @param recommendedInterval the recommended gap after the previous dose when the schedule
   *     gives one (JE-I dose 2: 7 days); null otherwise
   * @param note shown with every recommendation of this dose; null if none
   * @param lateNote shown when the dose is overdue (e.g. BCG's skin test); null if none
   * @param labelMinimumAge the minimum age for a dose given per its vaccine's own instructions
   *     (IPV, and IPV- or DTaP-containing combination vaccines: the 2021 edition counts them as
   *     the corresponding programme dose); null: {@code minimumAge} applies to every record
   */
  public record DoseRule(
      int doseNumber,
      String vaccineCode,
      Period recommendedAge,
      Period minimumAge,
      Period labelMinimumAge,
      Period overdueAge,
      boolean overdueAgeStated,
      Period maximumAge,
      List<Interval> intervals,
      Period recommendedInterval,
      String note,
      String lateNote) {

    public DoseRule {
      intervals = List.copyOf(intervals);
    }
  }

  /**
   * One way to complete a series: JE and hepatitis A have a live and an inactivated path, named
   * by the vaccine code; every other series has one path, named by the series code.
   */
  public record SeriesPath(String code, List<DoseRule> doses) {

    public SeriesPath {
      doses = List.copyOf(doses);
    }

    public DoseRule dose(int doseNumber) {
      return doses.get(doseNumber - 1);
    }
  }

  /**
   * The catch-up rule for older children (diphtheria-tetanus series, from 6 years): a dose given
   * from {@code fromAge} uses {@code intervalFromPrevious} for its dose number instead of the
   * path's interval from the previous dose, and the series is complete once it has {@code
   * minimumDoses} valid doses with at least one given from {@code fromAge}; such doses use {@code
   * vaccineCode} from {@code vaccineFromAge}.
   */
  public record OlderChildRule(
      Period fromAge,
      int minimumDoses,
      Map<Integer, Period> intervalFromPrevious,
      String vaccineCode,
      Period vaccineFromAge) {

    public OlderChildRule {
      intervalFromPrevious = Map.copyOf(intervalFromPrevious);
    }
  }

  /** A series of one edition. The first path is the default when the child has no valid dose. */
  public record SeriesDefinition(NipSeries series, List<SeriesPath> paths, OlderChildRule olderChild) {

    public SeriesDefinition {
      paths = List.copyOf(paths);
    }

    public SeriesPath path(String code) {
      return paths.stream().filter(p -> p.code().equals(code)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException(series + " has no path " + code));
    }

    /** The path a dose of this vaccine belongs to, if the series has one by that name. */
    public Optional<SeriesPath> pathOf(String vaccineCode) {
      return paths.stream().filter(p -> p.code().equals(vaccineCode)).findFirst();
    }
  }

  /**
   * A dose recorded with some code counts in {@code series}.
   *
   * @param vaccineCode the NIP product it stands for; null when the code does not say (CVX 129
   *     "JE, unspecified formulation")
   * @param perLabel whether its vaccine has its own label schedule the programme accepts
   *     ({@link DoseRule#labelMinimumAge()}): IPV for polio, combination vaccines for polio and DTP
   */
  public record SeriesVaccine(NipSeries series, String vaccineCode, boolean perLabel) {}

  /**
   * What a recorded code means for the schedule.
   *
   * @param series the series a dose of this code counts in (several for combination vaccines);
   *     empty when it counts in none
   * @param liveInjectable whether it is an injectable live vaccine (the 28-day spacing rule)
   * @param notCountedReason why a recognised code counts in no series; null otherwise
   */
  public record CodeMeaning(List<SeriesVaccine> series, boolean liveInjectable, String notCountedReason) {

    public CodeMeaning {
      series = List.copyOf(series);
    }
  }

  private final String name;
  private final LocalDate effectiveFrom;
  private final Map<NipSeries, SeriesDefinition> series;

  private NipSchedule(String name, LocalDate effectiveFrom, List<SeriesDefinition> definitions) {
    this.name = name;
    this.effectiveFrom = effectiveFrom;
    Map<NipSeries, SeriesDefinition> m = new EnumMap<>(NipSeries.class);
    definitions.forEach(d -> m.put(d.series(), d));
    if (m.size() != NipSeries.values().length) {
      throw new IllegalStateException("edition " + name + " does not define every series");
    }
    this.series = Collections.unmodifiableMap(m);
  }

  private static final NipSchedule EDITION_2021 =
      new NipSchedule(
          "国家免疫规划疫苗儿童免疫程序及说明（2021年版）",
          LocalDate.of(2021, 3, 1),
          common(dtp2021()));

  private static final NipSchedule CURRENT =
      new NipSchedule(
          "国家免疫规划疫苗儿童免疫程序及说明（2021年版）, 百白破疫苗免疫程序调整（2025年1月1日起）",
          DTAP_ADJUSTMENT_EFFECTIVE,
          common(dtp2025()));

  /** The 2021 edition as published. */
  public static NipSchedule edition2021() {
    return EDITION_2021;
  }

  /** The 2021 edition with the DTaP adjustment in force from 1 January 2025. */
  public static NipSchedule current() {
    return CURRENT;
  }

  /**
   * The edition in force on a day: {@link #current()} from {@link #DTAP_ADJUSTMENT_EFFECTIVE},
   * the 2021 edition before (also for days before 2021: earlier editions are not held, and the
   * 2021 rules are used for them).
   */
  public static NipSchedule inForceOn(LocalDate date) {
    return date.isBefore(DTAP_ADJUSTMENT_EFFECTIVE) ? EDITION_2021 : CURRENT;
  }

  public String name() {
    return name;
  }

  /** The first day this edition applies (as {@link #inForceOn} uses it). */
  public LocalDate effectiveFrom() {
    return effectiveFrom;
  }

  public SeriesDefinition series(NipSeries s) {
    return series.get(s);
  }

  /** Every series, in {@link NipSeries} order. */
  public List<SeriesDefinition> allSeries() {
    return List.copyOf(series.values());
  }

  /** The day a child born on {@code birthDate} reaches {@code age}. */
  public static LocalDate reached(LocalDate birthDate, Period age) {
    return birthDate.plus(age);
  }

  // ---------------------------------------------------------------- the schedule's table

  private static List<SeriesDefinition> common(SeriesDefinition dtp) {
    NipSeries s;
    List<SeriesDefinition> all = new ArrayList<>();

    s = NipSeries.HEPB;
    all.add(single(s,
        dose(s, 1, "HEPB", birth()).overdueStated(days(1))
            .note("Within 24 hours of birth (within 12 hours when the mother is HBsAg-positive or of"
                + " unknown status)."),
        dose(s, 2, "HEPB", months(1)).after(1, days(28)),
        dose(s, 3, "HEPB", months(6)).overdueStated(months(12))
            .after(2, days(60)).after(1, months(4))));

    s = NipSeries.BCG;
    all.add(single(s,
        dose(s, 1, "BCG", birth()).overdueStated(months(3)).maxAge(years(4))
            .lateNote("From 3 months to under 4 years of age BCG is given only after a negative"
                + " TB-PPD or BCG-PPD skin test; it is not given from 4 years.")));

    s = NipSeries.POLIO;
    all.add(single(s,
        dose(s, 1, "IPV", months(2)),
        dose(s, 2, "IPV", months(3)).after(1, days(28)),
        dose(s, 3, "BOPV", months(4)).overdueStated(months(12)).after(2, days(28)),
        dose(s, 4, "BOPV", years(4)).overdueStated(years(5)).after(3, days(28))
            .labelMinAge(months(18))));

    all.add(dtp);

    s = NipSeries.MMR;
    all.add(single(s,
        dose(s, 1, "MMR", months(8)).overdueStated(months(12)),
        dose(s, 2, "MMR", months(18)).overdueStated(months(24)).after(1, days(28))));

    s = NipSeries.JE;
    all.add(new SeriesDefinition(s, List.of(
        path("JE-L",
            dose(s, 1, "JE-L", months(8)).overdueStated(months(12)),
            dose(s, 2, "JE-L", years(2)).overdueStated(years(3)).after(1, months(12))),
        path("JE-I",
            dose(s, 1, "JE-I", months(8)),
            dose(s, 2, "JE-I", months(8)).overdueStated(months(12))
                .after(1, days(7)).recommendedAfter(days(7))
                .note("7-10 days after dose 1."),
            dose(s, 3, "JE-I", years(2)).overdueStated(years(3)).after(2, months(1)),
            dose(s, 4, "JE-I", years(6)).overdueStated(years(7)).after(3, years(3)))),
        null));

    s = NipSeries.MPSV_A;
    String mpsvAGone = "MPSV-A is not given from 24 months of age; the child completes MPSV-AC"
        + " instead.";
    all.add(single(s,
        dose(s, 1, "MPSV-A", months(6)).maxAge(months(24)).lateNote(mpsvAGone),
        dose(s, 2, "MPSV-A", months(9)).overdueStated(months(18)).maxAge(months(24))
            .after(1, months(3)).lateNote(mpsvAGone)));

    s = NipSeries.MPSV_AC;
    all.add(single(s,
        dose(s, 1, "MPSV-AC", years(3)).overdueStated(years(4))
            .afterOther(NipSeries.MPSV_A, 1, months(3))
            .afterOther(NipSeries.MPSV_A, 2, months(12)),
        dose(s, 2, "MPSV-AC", years(6)).overdueStated(years(7)).after(1, years(3))));

    s = NipSeries.HEPA;
    all.add(new SeriesDefinition(s, List.of(
        path("HEPA-L",
            dose(s, 1, "HEPA-L", months(18)).overdueStated(months(24))),
        path("HEPA-I",
            dose(s, 1, "HEPA-I", months(18)).overdueStated(months(24)),
            dose(s, 2, "HEPA-I", years(2)).overdueStated(years(3)).after(1, months(6)))),
        null));
    return all;
  }

  /** 2021 edition: DTaP at 3, 4, 5, 18 months; DT at 6 years. */
  private static SeriesDefinition dtp2021() {
    NipSeries s = NipSeries.DTP;
    return new SeriesDefinition(s, List.of(path("DTP",
        dose(s, 1, "DTAP", months(3)).labelMinAge(months(2)),
        dose(s, 2, "DTAP", months(4)).after(1, days(28)).labelMinAge(months(3)),
        dose(s, 3, "DTAP", months(5)).overdueStated(months(12)).after(2, days(28)).labelMinAge(months(4)),
        dose(s, 4, "DTAP", months(18)).overdueStated(months(24)).after(3, months(6)),
        dose(s, 5, "DT", years(6)).overdueStated(years(7)).after(4, months(12)))),
        new OlderChildRule(years(6), 3, Map.of(2, months(1), 3, months(6)), "DT", years(6)));
  }

  /** From 1 January 2025: DTaP at 2, 4, 6, 18 months and 6 years. */
  private static SeriesDefinition dtp2025() {
    NipSeries s = NipSeries.DTP;
    return new SeriesDefinition(s, List.of(path("DTP",
        dose(s, 1, "DTAP", months(2)),
        dose(s, 2, "DTAP", months(4)).after(1, days(28)).labelMinAge(months(3)),
        dose(s, 3, "DTAP", months(6)).overdueStated(months(12)).after(2, days(28)).labelMinAge(months(4)),
        dose(s, 4, "DTAP", months(18)).overdueStated(months(24)).after(3, months(6)),
        dose(s, 5, "DTAP", years(6)).overdueStated(years(7)).after(4, months(12)))),
        new OlderChildRule(years(6), 3, Map.of(2, months(1), 3, months(6)), "DT", years(7)));
  }

  // ---------------------------------------------------------------- codes of recorded doses

  private static final Map<String, CodeMeaning> CVX_CODES = cvxCodes();

  /**
   * What a recorded vaccine code means for the schedule. NIP codes map to their own series;
   * CVX codes by the table below (a superset of the reverse of ConceptMap nip-vaccine-to-cvx, with
   * the unspecified and combination vaccines a record may carry). Any other system, or an unknown
   * code, counts in no series.
   */
  public static CodeMeaning meaning(String system, String code) {
    if (HubCodeSystems.NIP_VACCINE.equals(system)) {
      for (NipSeries s : NipSeries.values()) {
        if (s.vaccineCodes().contains(code)) {
          return new CodeMeaning(
              List.of(new SeriesVaccine(s, code, code.equals("IPV"))), isLiveInjectableNip(code), null);
        }
      }
      if (List.of("HFRS", "LEPTO", "ANTHRAX").contains(code)) {
        return new CodeMeaning(List.of(), false,
            "NIP " + code + " is a key-population vaccine, not part of the childhood schedule");
      }
      return new CodeMeaning(List.of(), false, null);
    }
    if (HubCodeSystems.CVX.equals(system) && code != null) {
      String c = code.strip();
      if (c.length() == 1 && Character.isDigit(c.charAt(0))) {
        c = "0" + c;
      }
      CodeMeaning m = CVX_CODES.get(c);
      if (m != null) {
        return m;
      }
    }
    return new CodeMeaning(List.of(), false, null);
  }

  private static boolean isLiveInjectableNip(String code) {
    return code.equals("MMR") || code.equals("JE-L") || code.equals("HEPA-L");
  }

  private static Map<String, CodeMeaning> cvxCodes() {
    Map<String, CodeMeaning> m = new HashMap<>();
    NipSeries hepb = NipSeries.HEPB;
    NipSeries polio = NipSeries.POLIO;
    NipSeries dtp = NipSeries.DTP;
    NipSeries hepa = NipSeries.HEPA;
    // hepatitis B
    cvx(m, "08", false, sv(hepb, "HEPB"));                       // Hep B, adolescent or pediatric
    cvx(m, "42", false, sv(hepb, "HEPB"));                       // Hep B, adolescent/high risk infant
    cvx(m, "45", false, sv(hepb, "HEPB"));                       // Hep B, unspecified formulation
    cvx(m, "51", false, sv(hepb, "HEPB"));                       // Hib-Hep B
    cvx(m, "104", false, sv(hepa, "HEPA-I"), sv(hepb, "HEPB"));  // Hep A-Hep B
    // BCG
    cvx(m, "19", false, sv(NipSeries.BCG, "BCG"));
    // polio
    cvx(m, "10", false, sv(polio, "IPV"));                       // IPV
    cvx(m, "178", false, sv(polio, "BOPV"));                     // OPV bivalent
    cvx(m, "02", false, sv(polio, null));                        // OPV trivalent
    cvx(m, "179", false, sv(polio, null));                       // OPV, monovalent, unspecified
    cvx(m, "182", false, sv(polio, null));                       // OPV, unspecified
    cvx(m, "89", false, sv(polio, null));                        // polio, unspecified formulation
    // diphtheria, tetanus, pertussis
    cvx(m, "20", false, sv(dtp, "DTAP"));                        // DTaP
    cvx(m, "106", false, sv(dtp, "DTAP"));                       // DTaP, 5 pertussis antigens
    cvx(m, "107", false, sv(dtp, "DTAP"));                       // DTaP, unspecified formulation
    cvx(m, "28", false, sv(dtp, "DT"));                          // DT (pediatric)
    cvx(m, "01", false, sv(dtp, null));                          // DTP (whole-cell pertussis)
    cvx(m, "22", false, sv(dtp, null));                          // DTP-Hib
    cvx(m, "102", false, sv(dtp, null), sv(hepb, "HEPB"));       // DTP-Hib-Hep B
    cvx(m, "50", false, combo(dtp, "DTAP"));                     // DTaP-Hib
    cvx(m, "110", false, combo(dtp, "DTAP"), combo(polio, "IPV"), sv(hepb, "HEPB")); // DTaP-HepB-IPV
    cvx(m, "120", false, combo(dtp, "DTAP"), combo(polio, "IPV")); // DTaP-Hib-IPV
    cvx(m, "130", false, combo(dtp, "DTAP"), combo(polio, "IPV")); // DTaP-IPV
    cvx(m, "146", false, combo(dtp, "DTAP"), combo(polio, "IPV"), sv(hepb, "HEPB")); // DTaP-IPV-Hib-HepB
    // measles, mumps, rubella
    cvx(m, "03", true, sv(NipSeries.MMR, "MMR"));                // MMR
    cvx(m, "94", true, sv(NipSeries.MMR, "MMR"));                // MMRV
    // Japanese encephalitis
    cvx(m, "39", false, sv(NipSeries.JE, "JE-I"));               // JE, mouse brain, inactivated
    cvx(m, "134", false, sv(NipSeries.JE, "JE-I"));              // JE, Vero cell, inactivated
    cvx(m, "129", false, sv(NipSeries.JE, null));                // JE, unspecified formulation
    // hepatitis A
    cvx(m, "83", false, sv(hepa, "HEPA-I"));                     // Hep A, ped/adol, 2 dose
    cvx(m, "84", false, sv(hepa, "HEPA-I"));                     // Hep A, ped/adol, 3 dose
    cvx(m, "31", false, sv(hepa, "HEPA-I"));                     // Hep A, pediatric, unspecified
    cvx(m, "169", true, sv(hepa, "HEPA-L"));                     // Hep A, live attenuated
    cvx(m, "85", false, sv(hepa, null));                         // Hep A, unspecified formulation
    // recognised, counted in no series
    m.put("167", new CodeMeaning(List.of(), false,
        "CVX 167 (meningococcal, unknown serogroups) does not say whether it was MPSV-A or MPSV-AC;"
            + " record the NIP code"));
    m.put("32", new CodeMeaning(List.of(), false,
        "CVX 32 (MPSV4, serogroups A, C, Y, W-135) is not a programme vaccine"));
    m.put("21", new CodeMeaning(List.of(), true,
        "CVX 21 (varicella) is not a programme vaccine"));
    return Map.copyOf(m);
  }

  private static SeriesVaccine sv(NipSeries series, String vaccineCode) {
    return new SeriesVaccine(series, vaccineCode, series == NipSeries.POLIO && "IPV".equals(vaccineCode));
  }

  /** A combination vaccine's part, counted per the vaccine's label where the rule has one. */
  private static SeriesVaccine combo(NipSeries series, String vaccineCode) {
    return new SeriesVaccine(series, vaccineCode, series == NipSeries.POLIO || series == NipSeries.DTP);
  }

  private static void cvx(Map<String, CodeMeaning> m, String code, boolean live, SeriesVaccine... sv) {
    if (m.put(code, new CodeMeaning(Arrays.asList(sv), live, null)) != null) {
      throw new IllegalStateException("CVX " + code + " listed twice");
    }
  }

  // ---------------------------------------------------------------- builders

  private static Period birth() {
    return Period.ZERO;
  }

  private static Period days(int n) {
    return Period.ofDays(n);
  }

  private static Period months(int n) {
    return Period.ofMonths(n);
  }

  private static Period years(int n) {
    return Period.ofYears(n);
  }

  private static SeriesDefinition single(NipSeries s, DoseBuilder... doses) {
    return new SeriesDefinition(s, List.of(path(s.code(), doses)), null);
  }

  private static SeriesPath path(String code, DoseBuilder... doses) {
    List<DoseRule> rules = new ArrayList<>();
    for (int i = 0; i < doses.length; i++) {
      DoseRule r = doses[i].build();
      if (r.doseNumber() != i + 1) {
        throw new IllegalStateException(code + " dose " + r.doseNumber() + " out of order");
      }
      rules.add(r);
    }
    return new SeriesPath(code, rules);
  }

  private static DoseBuilder dose(NipSeries series, int n, String vaccineCode, Period recommendedAge) {
    if (!series.vaccineCodes().contains(vaccineCode)) {
      throw new IllegalStateException(vaccineCode + " is not a vaccine of " + series);
    }
    return new DoseBuilder(series, n, vaccineCode, recommendedAge);
  }

  private static final class DoseBuilder {
    private final NipSeries series;
    private final int n;
    private final String vaccineCode;
    private final Period recommendedAge;
    private Period overdueAge;
    private boolean overdueStated;
    private Period maximumAge;
    private Period labelMinimumAge;
    private final List<Interval> intervals = new ArrayList<>();
    private Period recommendedInterval;
    private String note;
    private String lateNote;

    DoseBuilder(NipSeries series, int n, String vaccineCode, Period recommendedAge) {
      this.series = series;
      this.n = n;
      this.vaccineCode = vaccineCode;
      this.recommendedAge = recommendedAge;
    }

    DoseBuilder overdueStated(Period age) {
      this.overdueAge = age;
      this.overdueStated = true;
      return this;
    }

    DoseBuilder labelMinAge(Period age) {
      this.labelMinimumAge = age;
      return this;
    }

    DoseBuilder maxAge(Period age) {
      this.maximumAge = age;
      return this;
    }

    DoseBuilder after(int dose, Period minimum) {
      intervals.add(new Interval(series, dose, minimum));
      return this;
    }

    DoseBuilder afterOther(NipSeries other, int dose, Period minimum) {
      intervals.add(new Interval(other, dose, minimum));
      return this;
    }

    DoseBuilder recommendedAfter(Period interval) {
      this.recommendedInterval = interval;
      return this;
    }

    DoseBuilder note(String text) {
      this.note = text;
      return this;
    }

    DoseBuilder lateNote(String text) {
      this.lateNote = text;
      return this;
    }

    DoseRule build() {
      Period overdue = overdueAge != null ? overdueAge : recommendedAge.plusMonths(1);
      return new DoseRule(n, vaccineCode, recommendedAge, recommendedAge, labelMinimumAge, overdue,
          overdueStated,
          maximumAge, intervals, recommendedInterval, note, lateNote);
    }
  }

  /** A period in words ("birth", "28 days", "1 year 6 months"), for reasons and notes. */
  public static String describe(Period p) {
    Objects.requireNonNull(p);
    if (p.isZero()) {
      return "birth";
    }
    List<String> parts = new ArrayList<>();
    Period n = p.normalized();
    if (n.getYears() != 0) {
      parts.add(n.getYears() + (n.getYears() == 1 ? " year" : " years"));
    }
    if (n.getMonths() != 0) {
      parts.add(n.getMonths() + (n.getMonths() == 1 ? " month" : " months"));
    }
    if (n.getDays() != 0) {
      parts.add(n.getDays() + (n.getDays() == 1 ? " day" : " days"));
    }
    return String.join(" ", parts);
  }
}
