package cn.healthcard.hub.terminology.nip;

import static cn.healthcard.hub.terminology.nip.NipSchedule.reached;

import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.Terminology;
import cn.healthcard.hub.terminology.nip.DoseEvaluation.Problem;
import cn.healthcard.hub.terminology.nip.NipSchedule.CodeMeaning;
import cn.healthcard.hub.terminology.nip.NipSchedule.DoseRule;
import cn.healthcard.hub.terminology.nip.NipSchedule.Interval;
import cn.healthcard.hub.terminology.nip.NipSchedule.OlderChildRule;
import cn.healthcard.hub.terminology.nip.NipSchedule.SeriesDefinition;
import cn.healthcard.hub.terminology.nip.NipSchedule.SeriesPath;
import cn.healthcard.hub.terminology.nip.NipSchedule.SeriesVaccine;
import java.time.LocalDate;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.ImmunizationRecommendation;
import org.hl7.fhir.r4.model.ImmunizationRecommendation.ImmunizationRecommendationRecommendationComponent;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Reference;

/**
 * Evaluates a child's vaccination history against the {@link NipSchedule} and forecasts the next
 * dose of every series. Pure: the result depends only on the arguments (no clock, no I/O), and is
 * the same for the same history in any order. Thread-safe.
 *
 * <p><b>Evaluation.</b> Doses are taken in date order (ties: system, code, reference). Each dose
 * is evaluated under the edition in force on its day ({@link NipSchedule#inForceOn}) as the next
 * dose of its series: it counts when given at or after the dose's minimum age, before its maximum
 * age (BCG 4 years, MPSV-A 24 months), after every minimum interval from earlier valid doses, and
 * not 1-27 days after another injectable live vaccine. A dose that does not count is reported with
 * the reason and the series carries on as if it had not been given (the dose is re-recommended).
 *
 * <p><b>Alternative paths.</b> JE (live 2 doses / inactivated 4 doses) and hepatitis A (live 1 /
 * inactivated 2): the vaccine of the first valid dose sets the path; later doses of the other
 * vaccine count as the next dose of that path. With no valid dose, the preferred vaccine (by
 * default the live one; provinces choose) is recommended.
 *
 * <p><b>Forecast.</b> Earliest date: minimum age and intervals (and 28 days after another
 * injectable live vaccine). Recommended date: the schedule's age, never before the earliest.
 * Overdue date: the schedule's "complete before" age where it states one, otherwise the
 * recommended age plus one month, and never before the recommended date. Status on the as-of
 * date: {@code aged-out} from the maximum age (18 years for every series, lower where the schedule
 * says so), else {@code not-yet-due} before the recommended date, {@code due} until the overdue
 * date, {@code overdue} from it.
 */
public final class NipForecaster {

  /** The hub's forecast-status code system (see {@link ForecastStatus}). */
  public static final String FORECAST_STATUS_SYSTEM =
      HubCodeSystems.BASE + "/CodeSystem/nip-forecast-status";

  public static final String HL7_RECOMMENDATION_STATUS =
      "http://terminology.hl7.org/CodeSystem/immunization-recommendation-status";

  public static final String LOINC = "http://loinc.org";
  public static final String LOINC_EARLIEST = "30981-5";
  public static final String LOINC_DUE = "30980-7";
  public static final String LOINC_LATEST = "59777-3";
  public static final String LOINC_OVERDUE = "59778-1";

  private static final Comparator<AdministeredDose> HISTORY_ORDER =
      Comparator.comparing(AdministeredDose::date)
          .thenComparing(AdministeredDose::system)
          .thenComparing(AdministeredDose::code)
          .thenComparing(AdministeredDose::reference, Comparator.nullsFirst(Comparator.naturalOrder()));

  private final String preferredJe;
  private final String preferredHepA;
  private final Supplier<Terminology> terminology;

  /** Prefers the live JE and hepatitis A vaccines for children who have started neither. */
  public NipForecaster() {
    this("JE-L", "HEPA-L");
  }

  /**
   * @param preferredJe {@code JE-L} or {@code JE-I}: recommended to a child with no valid JE dose
   * @param preferredHepA {@code HEPA-L} or {@code HEPA-I}: the same for hepatitis A
   */
  public NipForecaster(String preferredJe, String preferredHepA) {
    this(preferredJe, preferredHepA, Terminology::standard);
  }

  public NipForecaster(String preferredJe, String preferredHepA, Supplier<Terminology> terminology) {
    if (!NipSeries.JE.vaccineCodes().contains(preferredJe)) {
      throw new IllegalArgumentException("preferred JE vaccine must be JE-L or JE-I: " + preferredJe);
    }
    if (!NipSeries.HEPA.vaccineCodes().contains(preferredHepA)) {
      throw new IllegalArgumentException(
          "preferred hepatitis A vaccine must be HEPA-L or HEPA-I: " + preferredHepA);
    }
    this.preferredJe = preferredJe;
    this.preferredHepA = preferredHepA;
    this.terminology = Objects.requireNonNull(terminology);
  }

  /**
   * The next dose of every series, in {@link NipSeries} order, each with the evaluation of its
   * recorded doses.
   *
   * @throws IllegalArgumentException when {@code asOf} is before {@code birthDate}
   */
  public List<Recommendation> forecast(LocalDate birthDate, List<AdministeredDose> history, LocalDate asOf) {
    return run(birthDate, history, asOf).recommendations;
  }

  /**
   * How every recorded dose was counted, in date order; doses whose code counts in no series are
   * included (series null), combination vaccines once per series.
   *
   * @throws IllegalArgumentException when {@code asOf} is before {@code birthDate}
   */
  public List<DoseEvaluation> evaluate(LocalDate birthDate, List<AdministeredDose> history, LocalDate asOf) {
    return run(birthDate, history, asOf).evaluations;
  }

  /** The forecast as a FHIR R4 ImmunizationRecommendation (see {@link #toImmunizationRecommendation(Reference, List, LocalDate)}). */
  public ImmunizationRecommendation toImmunizationRecommendation(
      Reference patient, LocalDate birthDate, List<AdministeredDose> history, LocalDate asOf) {
    return toImmunizationRecommendation(patient, forecast(birthDate, history, asOf), asOf);
  }

  /**
   * A FHIR R4 ImmunizationRecommendation of a forecast: one recommendation per series, with
   * vaccineCode (the NIP code and, where ConceptMap nip-vaccine-to-cvx maps it, the CVX code),
   * targetDisease (text), forecastStatus (HL7 immunization-recommendation-status where it has the
   * code, and always the hub's {@link #FORECAST_STATUS_SYSTEM}), dateCriterion (LOINC 30981-5
   * earliest, 30980-7 due, 59778-1 overdue, 59777-3 latest), doseNumber, seriesDoses, the notes as
   * description and the valid doses' Immunization references as supportingImmunization.
   */
  public ImmunizationRecommendation toImmunizationRecommendation(
      Reference patient, List<Recommendation> recommendations, LocalDate asOf) {
    Objects.requireNonNull(patient, "patient");
    Objects.requireNonNull(asOf, "asOf");
    Terminology t = terminology.get();
    ImmunizationRecommendation ir = new ImmunizationRecommendation();
    ir.setPatient(patient.copy());
    ir.setDateElement(new DateTimeType(asOf.toString()));
    for (Recommendation r : recommendations) {
      ImmunizationRecommendationRecommendationComponent c = ir.addRecommendation();
      CodeableConcept vaccine = new CodeableConcept();
      String display = t.display(HubCodeSystems.NIP_VACCINE, r.vaccineCode()).orElse(null);
      vaccine.addCoding(new Coding(HubCodeSystems.NIP_VACCINE, r.vaccineCode(), display));
      t.translate(HubCodeSystems.NIP_VACCINE, r.vaccineCode(), HubCodeSystems.CVX)
          .ifPresent(tr -> vaccine.addCoding(tr.target()));
      vaccine.setText(display);
      c.addVaccineCode(vaccine);
      t.concept(HubCodeSystems.NIP_VACCINE, r.vaccineCode()).ifPresent(concept -> concept.getProperty().stream()
          .filter(p -> p.getCode().equals("target-disease") && p.hasValueStringType())
          .findFirst()
          .ifPresent(p -> c.setTargetDisease(new CodeableConcept().setText(p.getValueStringType().getValue()))));
      CodeableConcept status = new CodeableConcept();
      ForecastStatus s = r.status();
      if (s.hl7Code() != null) {
        status.addCoding(new Coding(HL7_RECOMMENDATION_STATUS, s.hl7Code(), hl7Display(s.hl7Code())));
      }
      status.addCoding(new Coding(FORECAST_STATUS_SYSTEM, s.code(), s.display()));
      status.setText(s.display());
      c.setForecastStatus(status);
      if (s != ForecastStatus.COMPLETE && s != ForecastStatus.AGED_OUT) {
        criterion(c, LOINC_EARLIEST, "Earliest date to give", r.earliestDate());
        criterion(c, LOINC_DUE, "Date vaccine due", r.recommendedDate());
        criterion(c, LOINC_OVERDUE, "Date when overdue for immunization", r.overdueDate());
      }
      if (s != ForecastStatus.COMPLETE) {
        criterion(c, LOINC_LATEST, "Latest date to give immunization", r.latestDate());
      }
      if (!r.notes().isEmpty()) {
        c.setDescription(String.join(" ", r.notes()));
      }
      c.setSeries(r.series().code());
      if (r.doseNumber() != null) {
        c.setDoseNumber(new PositiveIntType(r.doseNumber()));
      }
      if (r.seriesDoses() > 0) {
        c.setSeriesDoses(new PositiveIntType(r.seriesDoses()));
      }
      r.evaluations().stream()
          .filter(e -> e.valid() && e.dose().reference() != null)
          .forEach(e -> c.addSupportingImmunization(new Reference(e.dose().reference())));
    }
    return ir;
  }

  private static void criterion(
      ImmunizationRecommendationRecommendationComponent c, String code, String display, LocalDate date) {
    if (date != null) {
      c.addDateCriterion()
          .setCode(new CodeableConcept(new Coding(LOINC, code, display)))
          .setValueElement(new DateTimeType(date.toString()));
    }
  }

  private static String hl7Display(String code) {
    return switch (code) {
      case "due" -> "Due";
      case "overdue" -> "Overdue";
      case "complete" -> "Complete";
      default -> throw new IllegalArgumentException(code);
    };
  }

  // ---------------------------------------------------------------- evaluation

  private record Pending(int order, AdministeredDose dose, String vaccineCode, boolean live, boolean perLabel) {}

  private record Live(AdministeredDose dose, Set<NipSeries> series) {}

  private record Counted(AdministeredDose dose, String vaccineCode) {
    LocalDate date() {
      return dose.date();
    }
  }

  private static final class SeriesState {
    final List<Counted> valid = new ArrayList<>();
    final List<DoseEvaluation> evaluations = new ArrayList<>();
    String path;
  }

  private record Indexed(int order, NipSeries series, DoseEvaluation evaluation) {}

  private record Run(List<Recommendation> recommendations, List<DoseEvaluation> evaluations) {}

  private Run run(LocalDate birth, List<AdministeredDose> history, LocalDate asOf) {
    Objects.requireNonNull(birth, "birthDate");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(asOf, "asOf");
    if (asOf.isBefore(birth)) {
      throw new IllegalArgumentException(
          "the forecast date " + asOf + " is before the birth date " + birth);
    }
    List<AdministeredDose> doses = history.stream().map(Objects::requireNonNull).sorted(HISTORY_ORDER).toList();
    List<Indexed> all = new ArrayList<>();
    Map<NipSeries, List<Pending>> pending = new EnumMap<>(NipSeries.class);
    List<Live> live = new ArrayList<>();
    for (int i = 0; i < doses.size(); i++) {
      AdministeredDose d = doses.get(i);
      CodeMeaning m = NipSchedule.meaning(d.system(), d.code());
      boolean inRange = !d.date().isBefore(birth) && !d.date().isAfter(asOf);
      if (m.liveInjectable() && inRange) {
        Set<NipSeries> in = m.series().stream().map(SeriesVaccine::series)
            .collect(Collectors.toUnmodifiableSet());
        live.add(new Live(d, in));
      }
      if (m.series().isEmpty()) {
        Problem p = m.notCountedReason() != null ? Problem.NOT_COUNTED_CODE : Problem.UNRECOGNISED_CODE;
        String why = m.notCountedReason() != null
            ? m.notCountedReason()
            : d.system() + "|" + d.code() + " is not a vaccine of the programme's childhood schedule";
        all.add(new Indexed(i, null, DoseEvaluation.invalid(d, null, null, null, p, why)));
        continue;
      }
      for (SeriesVaccine sv : m.series()) {
        if (d.date().isBefore(birth)) {
          all.add(new Indexed(i, sv.series(), DoseEvaluation.invalid(d, sv.series(), null, sv.vaccineCode(),
              Problem.BEFORE_BIRTH, "dated " + d.date() + ", before the birth date " + birth)));
        } else if (d.date().isAfter(asOf)) {
          all.add(new Indexed(i, sv.series(), DoseEvaluation.invalid(d, sv.series(), null, sv.vaccineCode(),
              Problem.AFTER_AS_OF, "dated " + d.date() + ", after the evaluation date " + asOf)));
        } else {
          pending.computeIfAbsent(sv.series(), k -> new ArrayList<>())
              .add(new Pending(i, d, sv.vaccineCode(), m.liveInjectable(), sv.perLabel()));
        }
      }
    }
    Map<NipSeries, SeriesState> states = new EnumMap<>(NipSeries.class);
    List<Recommendation> recommendations = new ArrayList<>();
    for (NipSeries s : NipSeries.values()) {
      SeriesState state = new SeriesState();
      states.put(s, state);
      for (Pending p : pending.getOrDefault(s, List.of())) {
        DoseEvaluation e = evaluateDose(s, p, birth, state, states, live);
        state.evaluations.add(e);
        all.add(new Indexed(p.order(), s, e));
      }
      recommendations.add(forecastSeries(s, birth, asOf, state, states, live));
    }
    // Each series' evaluations and, for the full list, every dose in date order, series order.
    all.sort(Comparator.comparingInt(Indexed::order)
        .thenComparing(x -> x.series() == null ? -1 : x.series().ordinal()));
    List<Recommendation> withEvaluations = new ArrayList<>();
    for (Recommendation r : recommendations) {
      List<DoseEvaluation> mine = all.stream().filter(x -> x.series() == r.series())
          .map(Indexed::evaluation).toList();
      withEvaluations.add(new Recommendation(r.series(), r.doseNumber(), r.vaccineCode(), r.status(),
          r.earliestDate(), r.recommendedDate(), r.overdueDate(), r.latestDate(), r.seriesDoses(),
          r.validDoses(), r.notes(), mine));
    }
    return new Run(List.copyOf(withEvaluations), all.stream().map(Indexed::evaluation).toList());
  }

  private DoseEvaluation evaluateDose(
      NipSeries s, Pending p, LocalDate birth, SeriesState state, Map<NipSeries, SeriesState> states,
      List<Live> live) {
    AdministeredDose dose = p.dose();
    LocalDate date = dose.date();
    SeriesDefinition def = NipSchedule.inForceOn(date).series(s);
    String pathCode = state.path != null ? state.path : pathFor(def, p.vaccineCode());
    SeriesPath path = def.path(pathCode);
    int n = state.valid.size() + 1;
    if (!state.evaluations.isEmpty()) {
      DoseEvaluation previous = state.evaluations.get(state.evaluations.size() - 1);
      if (previous.dose().date().equals(date)) {
        return DoseEvaluation.invalid(dose, s, n, p.vaccineCode(), Problem.DUPLICATE,
            "another " + s.code() + " dose is recorded on the same day (" + date + ")");
      }
    }
    if (complete(def, path, state.valid, birth)) {
      return DoseEvaluation.invalid(dose, s, n, p.vaccineCode(), Problem.SERIES_COMPLETE,
          "the " + s.code() + " series was already complete with " + state.valid.size()
              + " valid doses");
    }
    DoseRule rule = path.dose(n);
    String age = ageText(birth, date);
    if (rule.maximumAge() != null && !date.isBefore(reached(birth, rule.maximumAge()))) {
      return DoseEvaluation.invalid(dose, s, n, p.vaccineCode(), Problem.TOO_OLD,
          "given at age " + age + "; " + label(s, pathCode, n) + " is not given from age "
              + NipSchedule.describe(rule.maximumAge()));
    }
    Period minAge = p.perLabel() && rule.labelMinimumAge() != null ? rule.labelMinimumAge() : rule.minimumAge();
    LocalDate minDate = reached(birth, minAge);
    if (date.isBefore(minDate)) {
      return DoseEvaluation.invalid(dose, s, n, p.vaccineCode(), Problem.TOO_YOUNG,
          "given at age " + age + ", before the minimum age of " + label(s, pathCode, n) + " ("
              + NipSchedule.describe(minAge) + ", reached on " + minDate + ")");
    }
    boolean older = def.olderChild() != null && !date.isBefore(reached(birth, def.olderChild().fromAge()));
    for (Interval iv : intervals(rule, def, older)) {
      List<Counted> source = iv.fromSeries() == s ? state.valid : validOf(states, iv.fromSeries());
      if (source.size() >= iv.fromDose()) {
        LocalDate from = source.get(iv.fromDose() - 1).date();
        if (date.isBefore(from.plus(iv.minimum()))) {
          return DoseEvaluation.invalid(dose, s, n, p.vaccineCode(), Problem.INTERVAL_TOO_SHORT,
              "given " + ChronoUnit.DAYS.between(from, date) + " days after " + iv.fromSeries().code()
                  + " dose " + iv.fromDose() + " (" + from + "); " + label(s, pathCode, n)
                  + " needs at least " + NipSchedule.describe(iv.minimum()) + " (from "
                  + from.plus(iv.minimum()) + ")");
        }
      }
    }
    if (p.live()) {
      for (Live other : live) {
        LocalDate o = other.dose().date();
        if (!other.series().contains(s) && o.isBefore(date)
            && date.isBefore(o.plus(NipSchedule.LIVE_VACCINE_SPACING))) {
          return DoseEvaluation.invalid(dose, s, n, p.vaccineCode(), Problem.LIVE_VACCINE_SPACING,
              "an injectable live vaccine given " + ChronoUnit.DAYS.between(o, date)
                  + " days after another one (" + other.dose().system() + "|" + other.dose().code()
                  + " on " + o + "); they must be given on the same day or at least 28 days apart");
        }
      }
    }
    state.valid.add(new Counted(dose, p.vaccineCode()));
    if (state.path == null) {
      state.path = pathCode;
    }
    return DoseEvaluation.valid(dose, s, n, p.vaccineCode());
  }

  // ---------------------------------------------------------------- forecast

  private Recommendation forecastSeries(
      NipSeries s, LocalDate birth, LocalDate asOf, SeriesState state, Map<NipSeries, SeriesState> states,
      List<Live> live) {
    SeriesDefinition def = NipSchedule.inForceOn(asOf).series(s);
    String pathCode = state.path != null ? state.path : preferredPath(def);
    SeriesPath path = def.path(pathCode);
    int count = state.valid.size();
    if (complete(def, path, state.valid, birth)) {
      String last = path.dose(path.doses().size()).vaccineCode();
      return new Recommendation(s, null, last, ForecastStatus.COMPLETE, null, null, null, null,
          count, count, List.of(), List.of());
    }
    int n = count + 1;
    DoseRule rule = path.dose(n);
    OlderChildRule olderRule = def.olderChild();
    LocalDate earliest = earliest(s, rule, def, false, birth, state, states);
    boolean older = false;
    if (olderRule != null && !max(asOf, earliest).isBefore(reached(birth, olderRule.fromAge()))) {
      older = true;
      earliest = earliest(s, rule, def, true, birth, state, states);
    }
    LocalDate recommendedDay = reached(birth, rule.recommendedAge());
    if (rule.recommendedInterval() != null && count > 0) {
      recommendedDay = max(recommendedDay, state.valid.get(count - 1).date().plus(rule.recommendedInterval()));
    }
    String vaccine = vaccineFor(s, rule, olderRule, older, birth, state, max(asOf, max(recommendedDay, earliest)));
    if (NipSchedule.meaning(HubCodeSystems.NIP_VACCINE, vaccine).liveInjectable()) {
      for (Live other : live) {
        LocalDate o = other.dose().date();
        if (other.series().contains(s) || (o.equals(asOf) && !earliest.isAfter(o))) {
          continue; // same series (its own intervals apply) or can be given with it today
        }
        earliest = max(earliest, o.plus(NipSchedule.LIVE_VACCINE_SPACING));
      }
    }
    LocalDate recommended = max(recommendedDay, earliest);
    LocalDate overdue = max(reached(birth, rule.overdueAge()), recommended);
    LocalDate limit = reached(birth, NipSchedule.PROGRAMME_MAXIMUM_AGE);
    if (rule.maximumAge() != null) {
      limit = min(limit, reached(birth, rule.maximumAge()));
    }
    ForecastStatus status;
    if (!asOf.isBefore(limit) || !earliest.isBefore(limit)) {
      status = ForecastStatus.AGED_OUT;
    } else if (asOf.isBefore(recommended)) {
      status = ForecastStatus.NOT_YET_DUE;
    } else if (asOf.isBefore(overdue)) {
      status = ForecastStatus.DUE;
    } else {
      status = ForecastStatus.OVERDUE;
    }
    int seriesDoses = path.doses().size();
    List<String> notes = new ArrayList<>();
    if (rule.note() != null) {
      notes.add(rule.note());
    }
    if (rule.lateNote() != null && (status == ForecastStatus.OVERDUE || status == ForecastStatus.AGED_OUT)) {
      notes.add(rule.lateNote());
    }
    if (older) {
      LocalDate from = reached(birth, olderRule.fromAge());
      long before = state.valid.stream().filter(c -> c.date().isBefore(from)).count();
      seriesDoses = (int) Math.min(seriesDoses, Math.max(olderRule.minimumDoses(), before + 1));
      notes.add("Catch-up from " + NipSchedule.describe(olderRule.fromAge()) + ": the series is complete"
          + " with " + olderRule.minimumDoses() + " valid doses, at least one of them given from that age.");
    }
    return new Recommendation(s, n, vaccine, status, earliest, recommended, overdue, limit.minusDays(1),
        seriesDoses, count, notes, List.of());
  }

  private static LocalDate earliest(
      NipSeries s, DoseRule rule, SeriesDefinition def, boolean older, LocalDate birth, SeriesState state,
      Map<NipSeries, SeriesState> states) {
    LocalDate e = reached(birth, rule.minimumAge());
    for (Interval iv : intervals(rule, def, older)) {
      List<Counted> source = iv.fromSeries() == s ? state.valid : validOf(states, iv.fromSeries());
      if (source.size() >= iv.fromDose()) {
        e = max(e, source.get(iv.fromDose() - 1).date().plus(iv.minimum()));
      }
    }
    return e;
  }

  private static List<Interval> intervals(DoseRule rule, SeriesDefinition def, boolean older) {
    if (!older || def.olderChild() == null) {
      return rule.intervals();
    }
    Period override = def.olderChild().intervalFromPrevious().get(rule.doseNumber());
    if (override == null) {
      return rule.intervals();
    }
    List<Interval> out = new ArrayList<>();
    for (Interval iv : rule.intervals()) {
      if (iv.fromSeries() != def.series() || iv.fromDose() != rule.doseNumber() - 1) {
        out.add(iv);
      }
    }
    out.add(new Interval(def.series(), rule.doseNumber() - 1, override));
    return out;
  }

  private static boolean complete(SeriesDefinition def, SeriesPath path, List<Counted> valid, LocalDate birth) {
    if (valid.size() >= path.doses().size()) {
      return true;
    }
    OlderChildRule o = def.olderChild();
    if (o == null || valid.size() < o.minimumDoses()) {
      return false;
    }
    LocalDate from = reached(birth, o.fromAge());
    return valid.stream().anyMatch(c -> !c.date().isBefore(from));
  }

  private String vaccineFor(
      NipSeries s, DoseRule rule, OlderChildRule olderRule, boolean older, LocalDate birth, SeriesState state,
      LocalDate givenOn) {
    if (s == NipSeries.POLIO) {
      long ipv = state.valid.stream().filter(c -> "IPV".equals(c.vaccineCode())).count();
      int needed = birth.isBefore(NipSchedule.TWO_IPV_COHORT_FROM) ? 1 : 2;
      return ipv < needed ? "IPV" : "BOPV";
    }
    if (older && !givenOn.isBefore(reached(birth, olderRule.vaccineFromAge()))) {
      return olderRule.vaccineCode();
    }
    return rule.vaccineCode();
  }

  private String pathFor(SeriesDefinition def, String vaccineCode) {
    if (def.paths().size() == 1) {
      return def.paths().get(0).code();
    }
    return vaccineCode != null && def.pathOf(vaccineCode).isPresent() ? vaccineCode : preferredPath(def);
  }

  private String preferredPath(SeriesDefinition def) {
    String preferred = switch (def.series()) {
      case JE -> preferredJe;
      case HEPA -> preferredHepA;
      default -> def.paths().get(0).code();
    };
    return def.pathOf(preferred).map(SeriesPath::code).orElse(def.paths().get(0).code());
  }

  private static List<Counted> validOf(Map<NipSeries, SeriesState> states, NipSeries s) {
    SeriesState st = states.get(s);
    return st == null ? List.of() : st.valid;
  }

  private static String label(NipSeries s, String pathCode, int n) {
    return (pathCode.equals(s.code()) ? s.code() : pathCode) + " dose " + n;
  }

  /** Age in words at a date: "2 months 3 days". */
  static String ageText(LocalDate birth, LocalDate date) {
    Period p = Period.between(birth, date);
    return p.isZero() ? "0 days" : NipSchedule.describe(p);
  }

  private static LocalDate max(LocalDate a, LocalDate b) {
    return a.isAfter(b) ? a : b;
  }

  private static LocalDate min(LocalDate a, LocalDate b) {
    return a.isBefore(b) ? a : b;
  }
}
