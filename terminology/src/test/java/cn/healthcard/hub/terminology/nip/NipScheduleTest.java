package cn.healthcard.hub.terminology.nip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import ca.uhn.fhir.context.FhirContext;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.nip.NipSchedule.DoseRule;
import cn.healthcard.hub.terminology.nip.NipSchedule.SeriesDefinition;
import cn.healthcard.hub.terminology.nip.NipSchedule.SeriesPath;
import cn.healthcard.hub.terminology.nip.NipSchedule.SeriesVaccine;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.Period;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.junit.jupiter.api.Test;

class NipScheduleTest {

  private static final List<NipSchedule> EDITIONS = List.of(NipSchedule.edition2021(), NipSchedule.current());

  private static <T extends IBaseResource> T read(Class<T> type, String path)
      throws IOException {
    try (InputStream in = NipScheduleTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return FhirContext.forR4Cached().newJsonParser()
          .parseResource(type, new InputStreamReader(in, StandardCharsets.UTF_8));
    }
  }

  private static Set<String> nipCodeSystemCodes() throws IOException {
    CodeSystem cs = read(CodeSystem.class, "/cn/healthcard/hub/terminology/content/CodeSystem-nip-vaccine.json");
    assertThat(cs.getUrl()).isEqualTo(HubCodeSystems.NIP_VACCINE);
    return cs.getConcept().stream().map(ConceptDefinitionComponent::getCode).collect(Collectors.toSet());
  }

  @Test
  void everyNipCodeTheScheduleUsesExistsInTheNipVaccineCodeSystem() throws IOException {
    Set<String> known = nipCodeSystemCodes();
    Set<String> used = new HashSet<>();
    for (NipSeries s : NipSeries.values()) {
      used.addAll(s.vaccineCodes());
    }
    for (NipSchedule edition : EDITIONS) {
      for (SeriesDefinition def : edition.allSeries()) {
        for (SeriesPath path : def.paths()) {
          if (def.paths().size() > 1) {
            used.add(path.code());
          }
          path.doses().forEach(dose -> used.add(dose.vaccineCode()));
        }
        if (def.olderChild() != null) {
          used.add(def.olderChild().vaccineCode());
        }
      }
    }
    for (String cvx : cvxCodesOfTheTable()) {
      NipSchedule.meaning(HubCodeSystems.CVX, cvx).series().stream()
          .map(SeriesVaccine::vaccineCode).filter(c -> c != null).forEach(used::add);
    }

    assertThat(used).hasSize(13);
    assertThat(known).containsAll(used);
  }

  private static List<String> cvxCodesOfTheTable() {
    return List.of("08", "42", "45", "51", "104", "19", "10", "178", "02", "179", "182", "89", "20", "106",
        "107", "28", "01", "22", "102", "50", "110", "120", "130", "146", "03", "94", "39", "134", "129",
        "83", "84", "31", "169", "85");
  }

  @Test
  void everyProgrammeVaccineCodeOfTheNipCodeSystemBelongsToASeriesOrIsAKeyPopulationVaccine() throws IOException {
    for (String code : nipCodeSystemCodes()) {
      NipSchedule.CodeMeaning m = NipSchedule.meaning(HubCodeSystems.NIP_VACCINE, code);
      assertThat(!m.series().isEmpty() || m.notCountedReason().contains("key-population")).as(code).isTrue();
    }
  }

  @Test
  void cvxTableReadsBackEveryExactTargetOfTheNipToCvxConceptMap() throws IOException {
    ConceptMap map = read(ConceptMap.class,
        "/cn/healthcard/hub/terminology/content/ConceptMap-nip-vaccine-to-cvx.json");
    int checked = 0;
    for (var group : map.getGroup()) {
      assertThat(group.getTarget()).isEqualTo(HubCodeSystems.CVX);
      for (var element : group.getElement()) {
        NipSchedule.CodeMeaning nip = NipSchedule.meaning(HubCodeSystems.NIP_VACCINE, element.getCode());
        for (var target : element.getTarget()) {
          if (!target.hasCode() || nip.series().isEmpty()) {
            continue;
          }
          SeriesVaccine expected = nip.series().get(0);
          List<SeriesVaccine> read = NipSchedule.meaning(HubCodeSystems.CVX, target.getCode()).series();
          if (target.getEquivalence() == ConceptMapEquivalence.EQUIVALENT) {
            assertThat(read).as(element.getCode() + " -> CVX " + target.getCode())
                .extracting(SeriesVaccine::series, SeriesVaccine::vaccineCode)
                .containsExactly(tuple(expected.series(), expected.vaccineCode()));
          } else if (target.getCode().equals("129")) {
            // JE-L and JE-I both map to "JE, unspecified formulation": a JE dose, product unknown
            assertThat(read).extracting(SeriesVaccine::series, SeriesVaccine::vaccineCode)
                .containsExactly(tuple(NipSeries.JE, null));
          } else {
            // MPSV-A and MPSV-AC both map to 167: a 167 record cannot say which it was
            assertThat(target.getCode()).isEqualTo("167");
            assertThat(read).isEmpty();
            assertThat(NipSchedule.meaning(HubCodeSystems.CVX, "167").notCountedReason()).isNotBlank();
          }
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(13);
  }

  @Test
  void cvxCodesOfTheBriefMapToTheirSeries() {
    assertThat(series("08")).containsExactly(NipSeries.HEPB);
    assertThat(series("45")).containsExactly(NipSeries.HEPB);
    assertThat(series("19")).containsExactly(NipSeries.BCG);
    assertThat(series("10")).containsExactly(NipSeries.POLIO);
    assertThat(series("02")).containsExactly(NipSeries.POLIO);
    assertThat(series("182")).containsExactly(NipSeries.POLIO);
    assertThat(series("20")).containsExactly(NipSeries.DTP);
    assertThat(series("106")).containsExactly(NipSeries.DTP);
    assertThat(series("107")).containsExactly(NipSeries.DTP);
    assertThat(series("28")).containsExactly(NipSeries.DTP);
    assertThat(series("03")).containsExactly(NipSeries.MMR);
    assertThat(series("94")).containsExactly(NipSeries.MMR);
    assertThat(series("39")).containsExactly(NipSeries.JE);
    assertThat(series("134")).containsExactly(NipSeries.JE);
    assertThat(series("129")).containsExactly(NipSeries.JE);
    assertThat(series("83")).containsExactly(NipSeries.HEPA);
    assertThat(series("85")).containsExactly(NipSeries.HEPA);
    assertThat(series("120")).containsExactly(NipSeries.DTP, NipSeries.POLIO);
    assertThat(series("999")).isEmpty();
    assertThat(NipSchedule.meaning("http://example.org", "08").series()).isEmpty();
  }

  private static List<NipSeries> series(String cvx) {
    return NipSchedule.meaning(HubCodeSystems.CVX, cvx).series().stream().map(SeriesVaccine::series).toList();
  }

  @Test
  void ageInMonthsIsTheSameDayOfTheMonthClampedToTheMonthsLastDay() {
    assertThat(NipSchedule.reached(LocalDate.of(2024, 3, 15), Period.ofMonths(2))).isEqualTo(LocalDate.of(2024, 5, 15));
    assertThat(NipSchedule.reached(LocalDate.of(2024, 1, 31), Period.ofMonths(1))).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(NipSchedule.reached(LocalDate.of(2023, 1, 31), Period.ofMonths(1))).isEqualTo(LocalDate.of(2023, 2, 28));
    assertThat(NipSchedule.reached(LocalDate.of(2024, 2, 29), Period.ofYears(1))).isEqualTo(LocalDate.of(2025, 2, 28));
    assertThat(NipSchedule.reached(LocalDate.of(2024, 8, 31), Period.ofMonths(18))).isEqualTo(LocalDate.of(2026, 2, 28));
    assertThat(NipSchedule.describe(Period.ofMonths(18))).isEqualTo("1 year 6 months");
    assertThat(NipSchedule.describe(Period.ZERO)).isEqualTo("birth");
  }

  @Test
  void dtapAdjustmentTakesEffectOnFirstJanuary2025() {
    assertThat(NipSchedule.inForceOn(LocalDate.of(2024, 12, 31))).isSameAs(NipSchedule.edition2021());
    assertThat(NipSchedule.inForceOn(LocalDate.of(2025, 1, 1))).isSameAs(NipSchedule.current());
    SeriesPath old = NipSchedule.edition2021().series(NipSeries.DTP).paths().get(0);
    SeriesPath now = NipSchedule.current().series(NipSeries.DTP).paths().get(0);
    assertThat(old.doses()).extracting(DoseRule::recommendedAge).containsExactly(
        Period.ofMonths(3), Period.ofMonths(4), Period.ofMonths(5), Period.ofMonths(18), Period.ofYears(6));
    assertThat(old.doses()).extracting(DoseRule::vaccineCode).containsExactly("DTAP", "DTAP", "DTAP", "DTAP", "DT");
    assertThat(now.doses()).extracting(DoseRule::recommendedAge).containsExactly(
        Period.ofMonths(2), Period.ofMonths(4), Period.ofMonths(6), Period.ofMonths(18), Period.ofYears(6));
    assertThat(now.doses()).extracting(DoseRule::vaccineCode).containsOnly("DTAP");
    for (NipSeries s : NipSeries.values()) {
      if (s != NipSeries.DTP) {
        assertThat(NipSchedule.current().series(s)).as(s.code()).isEqualTo(NipSchedule.edition2021().series(s));
      }
    }
  }

  @Test
  void tableHoldsTheScheduleAgesIntervalsAndCompleteBeforeAges() {
    SeriesPath hepb = NipSchedule.current().series(NipSeries.HEPB).paths().get(0);
    assertThat(hepb.doses()).extracting(DoseRule::recommendedAge)
        .containsExactly(Period.ZERO, Period.ofMonths(1), Period.ofMonths(6));
    assertThat(hepb.dose(1).overdueAge()).isEqualTo(Period.ofDays(1));
    assertThat(hepb.dose(3).overdueAge()).isEqualTo(Period.ofMonths(12));
    assertThat(hepb.dose(3).intervals()).extracting(NipSchedule.Interval::fromDose, NipSchedule.Interval::minimum)
        .containsExactly(tuple(2, Period.ofDays(60)),
            tuple(1, Period.ofMonths(4)));
    assertThat(NipSchedule.current().series(NipSeries.BCG).paths().get(0).dose(1).maximumAge())
        .isEqualTo(Period.ofYears(4));
    assertThat(NipSchedule.current().series(NipSeries.MPSV_A).paths().get(0).doses())
        .extracting(DoseRule::maximumAge).containsOnly(Period.ofMonths(24));
    SeriesDefinition je = NipSchedule.current().series(NipSeries.JE);
    assertThat(je.paths()).extracting(SeriesPath::code).containsExactly("JE-L", "JE-I");
    assertThat(je.path("JE-L").doses()).hasSize(2);
    assertThat(je.path("JE-I").doses()).extracting(DoseRule::recommendedAge).containsExactly(
        Period.ofMonths(8), Period.ofMonths(8), Period.ofYears(2), Period.ofYears(6));
    assertThat(je.path("JE-I").dose(2).recommendedInterval()).isEqualTo(Period.ofDays(7));
    SeriesDefinition hepa = NipSchedule.current().series(NipSeries.HEPA);
    assertThat(hepa.path("HEPA-L").doses()).hasSize(1);
    assertThat(hepa.path("HEPA-I").dose(2).intervals().get(0).minimum()).isEqualTo(Period.ofMonths(6));
    // every dose without a stated "complete before" age is overdue one month after its age
    for (NipSchedule edition : EDITIONS) {
      for (SeriesDefinition def : edition.allSeries()) {
        for (SeriesPath path : def.paths()) {
          for (DoseRule r : path.doses()) {
            if (!r.overdueAgeStated()) {
              assertThat(r.overdueAge()).as(path.code() + " " + r.doseNumber())
                  .isEqualTo(r.recommendedAge().plusMonths(1));
            }
            assertThat(r.minimumAge()).isEqualTo(r.recommendedAge());
          }
        }
      }
    }
  }

  @Test
  void forecastStatusCodeSystemResourceListsExactlyTheForecastStatuses() throws IOException {
    CodeSystem cs = read(CodeSystem.class, "/cn/healthcard/hub/terminology/content/CodeSystem-nip-forecast-status.json");
    assertThat(cs.getUrl()).isEqualTo(NipForecaster.FORECAST_STATUS_SYSTEM);
    assertThat(cs.getConcept()).extracting(ConceptDefinitionComponent::getCode, ConceptDefinitionComponent::getDisplay)
        .containsExactlyElementsOf(Arrays.stream(ForecastStatus.values())
            .map(s -> tuple(s.code(), s.display())).toList());
  }
}
