package cn.healthcard.hub.insurance.roll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import cn.healthcard.hub.insurance.ClaimsForTests;
import cn.healthcard.hub.insurance.HouseholdYearTest;
import cn.healthcard.hub.insurance.Insurance;
import cn.healthcard.hub.insurance.InsuranceRepository;
import cn.healthcard.hub.insurance.enrolment.EnrolmentKind;
import cn.healthcard.hub.insurance.supervision.PersonFacts;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A generated county roll with one of each problem, verified against the register on a real PostgreSQL. */
class RollVerificationTest {

  static {
    HouseholdYearTest.scheme();
  }

  @Test
  void eachKindOfProblemIsReportedOnItsLine() {
    InsuranceRepository repository = HouseholdYearTest.repository();
    Map<String, PersonFacts> people = HouseholdYearTest.people();
    // 500 ordinary residents with live cards
    StringBuilder roll = new StringBuilder(RollVerification.ROLL_HEADER).append('\n');
    for (int i = 0; i < 500; i++) {
      String card = ClaimsForTests.card("210124", i % 2 == 0);
      people.put(card, new PersonFacts("P" + card, Optional.empty(), Optional.of("active")));
      roll.append("210124,2031,H").append(i).append(',').append(card).append(",居民").append(i).append('\n');
    }
    String unknown = ClaimsForTests.card("210124", false);
    String dead = ClaimsForTests.card("210124", true);
    people.put(dead, new PersonFacts("P" + dead, Optional.of(LocalDate.of(2030, 5, 1)), Optional.of("cancelled")));
    String twice = ClaimsForTests.card("210124", false);
    people.put(twice, new PersonFacts("P" + twice, Optional.empty(), Optional.of("active")));
    // the same woman under two numbers (same birth date, both live)
    String first = ClaimsForTests.card("210124", true);
    // registered in another county at birth: a number no other line of this roll can have
    String secondBody = "210181" + first.substring(6, 17);
    String second = secondBody + cn.healthcard.hub.terminology.identity.ResidentIdNumber.checkCharacter(secondBody);
    people.put(first, new PersonFacts("P1" + first, Optional.empty(), Optional.of("active")));
    people.put(second, new PersonFacts("P2" + second, Optional.empty(), Optional.of("active")));
    // enrolled in this county for 2031 already: on this roll of another county it is a duplicate
    HouseholdYearTest.CLOCK.set("2030-11-15T10:00:00");
    InsuranceRepository.Household h = HouseholdYearTest.household();
    Insurance.Enrolled enrolled = HouseholdYearTest.insurance.enrol(h.id(), Optional.of(2031), EnrolmentKind.REGULAR, "o");
    String enrolledHere = HouseholdYearTest.card(h, 0);

    roll.append("210124,2031,HX,").append(unknown).append(",无此人\n");                 // line 502
    roll.append("210124,2031,HX,").append(dead).append(",已故\n");                      // 503
    roll.append("210124,2031,HX,").append(twice).append(",重复\n");                     // 504
    roll.append("210124,2031,HY,").append(twice).append(",重复\n");                     // 505
    roll.append("210124,2031,HZ,").append(first).append(",王秀英\n");                   // 506
    roll.append("210124,2031,HW,").append(second).append(",王秀英\n");                  // 507
    roll.append("210181,2031,HV,").append(enrolledHere).append(",外县\n");              // 508
    roll.append("210124,2031,HU,210124199001011234,号码错\n");                          // 509
    AtomicInteger progress = new AtomicInteger();

    RollVerification.Report report = new RollVerification(repository, HouseholdYearTest.jdbc)
        .verify(roll.toString().getBytes(StandardCharsets.UTF_8), progress::set);

    List<String> rows = new String(report.csv(), StandardCharsets.UTF_8).lines().toList();
    assertThat(rows.get(0)).isEqualTo(RollVerification.REPORT_HEADER);
    assertThat(rows.subList(1, rows.size())).extracting(r -> r.split(",")[0] + " " + r.split(",")[3]).containsExactly(
        "502 unknown", "503 deceased", "505 duplicate", "506 two-live-cards", "507 two-live-cards",
        "508 duplicate-county", "509 invalid-number");
    assertThat(report.counts()).containsEntry("unknown", 1).containsEntry("two-live-cards", 2);
    assertThat(progress.get()).isEqualTo(507);
    assertThat(enrolled.enrolments()).isNotEmpty();
  }

  @Test
  void aRollWithoutItsHeaderIsRefusedAtLineOne() {
    RollVerification.UnreadableRoll refused = catchThrowableOfType(() -> new RollVerification(
        HouseholdYearTest.repository(), HouseholdYearTest.jdbc).verify("a,b\n".getBytes(StandardCharsets.UTF_8), n -> {}),
        RollVerification.UnreadableRoll.class);
    assertThat(refused.line()).isEqualTo(1);
  }
}
