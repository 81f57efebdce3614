package cn.healthcard.hub.insurance;

import static cn.healthcard.hub.insurance.ClaimsForTests.claim;
import static cn.healthcard.hub.insurance.ClaimsForTests.item;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import cn.healthcard.hub.insurance.adjudication.Reason;
import cn.healthcard.hub.insurance.adjudication.Usage;
import cn.healthcard.hub.insurance.claims.ClaimRefused;
import cn.healthcard.hub.insurance.enrolment.Enrolment;
import cn.healthcard.hub.insurance.enrolment.EnrolmentKind;
import cn.healthcard.hub.insurance.enrolment.EnrolmentRefused;
import cn.healthcard.hub.insurance.enrolment.EnrolmentStatus;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import cn.healthcard.hub.insurance.scheme.Provider;
import cn.healthcard.hub.insurance.supervision.PersonFacts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Invoice;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A household's scheme year on a real PostgreSQL: enrolment in the window, the premium paid, the
 * outpatient cap and then the annual cap reached mid-claim, a reversal giving back what it used, a
 * late migrant's waiting period, an unpaid premium lapsing, and concurrent claims of one person
 * never paying past the cap. The scheme is the sample with a 10,000 yuan annual cap, for 2031
 * (window September to December 2030).
 */
public class HouseholdYearTest {

  public static final String COUNTY = "210124";
  public static final int YEAR = 2031;
  public static final MovableClock CLOCK = new MovableClock(Instant.parse("2030-11-15T02:00:00Z"));
  static final InMemoryRepository REPOSITORY = new InMemoryRepository();
  public static Insurance insurance;
  public static JdbcClient jdbc;

  public static final String TOWNSHIP = "T-HOSP-" + System.nanoTime();
  public static final String COUNTY_HOSPITAL = "C-HOSP-" + System.nanoTime();
  static final String CITY_HOSPITAL = "Y-HOSP-" + System.nanoTime();

  static String schemeDocument() {
    try (InputStream in = HouseholdYearTest.class.getResourceAsStream("/cn/healthcard/hub/insurance/sample-scheme.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("\"year\": 2026", "\"year\": " + YEAR)
          .replace("\"from\": \"2026-01-01\", \"to\": \"2026-12-31\"", "\"from\": \"2030-09-01\", \"to\": \"2030-12-31\"")
          .replace("\"annualCapFen\": 20000000", "\"annualCapFen\": 1000000");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static java.time.Clock clock() {
    return CLOCK;
  }

  /** The register's people, by card number, as the tests set them. */
  public static java.util.Map<String, PersonFacts> people() {
    return REPOSITORY.people;
  }

  public static InsuranceRepository repository() {
    return REPOSITORY;
  }

  @BeforeAll
  public static synchronized void scheme() {
    if (insurance != null) {
      return;
    }
    DataSource dataSource = TestDatabase.dataSource();
    jdbc = JdbcClient.create(dataSource);
    insurance = new Insurance(jdbc, new TransactionTemplate(new DataSourceTransactionManager(dataSource)), CLOCK, REPOSITORY);
    if (insurance.schemes().current(COUNTY, YEAR).isEmpty()) {
      insurance.loadScheme(schemeDocument(), "test");
    }
    insurance.putProvider(new Provider(TOWNSHIP, "乡镇卫生院", HospitalLevel.TOWNSHIP, COUNTY, true));
    insurance.putProvider(new Provider(COUNTY_HOSPITAL, "县医院", HospitalLevel.COUNTY, COUNTY, true));
    insurance.putProvider(new Provider(CITY_HOSPITAL, "市医院", HospitalLevel.CITY, "210102", true));
  }

  /** A household of a man (head) and a woman, both known to the repository. */
  public static InsuranceRepository.Household household() {
    String head = ClaimsForTests.card(COUNTY, false);
    String wife = ClaimsForTests.card(COUNTY, true);
    REPOSITORY.people.put(head, new PersonFacts("P" + head, Optional.empty(), Optional.of("active")));
    REPOSITORY.people.put(wife, new PersonFacts("P" + wife, Optional.empty(), Optional.of("active")));
    String id = "G" + head;
    InsuranceRepository.Household household = new InsuranceRepository.Household(id, List.of(
        new InsuranceRepository.HouseholdMember("P" + head, Optional.of(head), true),
        new InsuranceRepository.HouseholdMember("P" + wife, Optional.of(wife), false)), Optional.of(COUNTY));
    REPOSITORY.households.put(id, household);
    return household;
  }

  public static String card(InsuranceRepository.Household h, int member) {
    return h.members().get(member).cardNumber().orElseThrow();
  }

  static ClaimResponse response(Insurance.Submitted submitted) {
    return REPOSITORY.read(ClaimResponse.class, submitted.claim().claimResponse().orElseThrow());
  }

  static long payable(String institution) {
    return insurance.ledger().payable(institution).payableFen();
  }

  @Test
  void aWholeYearForAHousehold() {
    long townshipBefore = payable(TOWNSHIP);
    long countyBefore = payable(COUNTY_HOSPITAL);
    long cityBefore = payable(CITY_HOSPITAL);
    CLOCK.set("2030-11-15T10:00:00");
    InsuranceRepository.Household h = household();
    String head = card(h, 0);

    Insurance.Enrolled enrolled = insurance.enrol(h.id(), Optional.of(YEAR), EnrolmentKind.REGULAR, "office");
    assertThat(enrolled.premium().amountFen()).isEqualTo(76_000);
    assertThat(enrolled.premium().dueOn()).isEqualTo(LocalDate.of(2030, 12, 31));
    assertThat(enrolled.enrolments()).extracting(Enrolment::status).containsOnly(EnrolmentStatus.PENDING);
    assertThat(REPOSITORY.read(Coverage.class, enrolled.enrolments().get(0).coverage().orElseThrow()).getStatus())
        .isEqualTo(Coverage.CoverageStatus.DRAFT);
    // the same household again: nobody left to enrol
    assertThat(catchThrowableOfType(() -> insurance.enrol(h.id(), Optional.of(YEAR), EnrolmentKind.REGULAR, "office"),
        EnrolmentRefused.class).element()).isEqualTo("household");

    CLOCK.set("2030-11-20T09:00:00");
    List<Enrolment> active = insurance.invoicePaid(enrolled.invoice(), CLOCK.instant(), "bank");
    assertThat(active).hasSize(2).allSatisfy(e -> {
      assertThat(e.status()).isEqualTo(EnrolmentStatus.ACTIVE);
      assertThat(e.coveredFrom()).contains(LocalDate.of(YEAR, 1, 1));
    });
    assertThat(REPOSITORY.read(Invoice.class, enrolled.invoice()).getStatus()).isEqualTo(Invoice.InvoiceStatus.BALANCED);
    assertThat(insurance.invoicePaid(enrolled.invoice(), CLOCK.instant(), "bank again")).isEmpty();

    // outpatient at the township centre, class A 60%, outpatient cap 400 yuan
    CLOCK.set("2031-01-05T10:00:00");
    assertThat(benefit(TOWNSHIP, claim("MZ1-" + head, head, false, "2031-01-05T09:00:00", "2031-01-05T09:30:00",
        item("110200001", "A", "1", "300.00")))).isEqualTo(18_000);
    assertThat(benefit(TOWNSHIP, claim("MZ2-" + head, head, false, "2031-02-05T09:00:00", "2031-02-05T09:30:00",
        item("110200001", "A", "1", "200.00")))).isEqualTo(12_000);
    Insurance.Submitted third = insurance.submit(claim("MZ3-" + head, head, false, "2031-03-05T09:00:00",
        "2031-03-05T09:30:00", item("110200001", "A", "1", "300.00")), TOWNSHIP);
    assertThat(third.claim().adjudication().benefitFen()).isEqualTo(10_000);
    assertThat(third.claim().adjudication().lines().get(0).reasons()).containsExactly(Reason.ANNUAL_CAP);

    // an admission at the county hospital: deductible 300, class A 80%
    Insurance.Submitted admission = insurance.submit(claim("ZY1-" + head, head, true, "2031-04-01T08:00:00",
        "2031-04-06T10:00:00", item("120100001", "A", "10", "500.00")), COUNTY_HOSPITAL);
    assertThat(admission.claim().adjudication().benefitFen()).isEqualTo(376_000);

    // a referred admission at a city hospital of another county: deductible 800, 65%; the cap stops it at 5,840
    org.hl7.fhir.r4.model.Claim referred = claim("ZY2-" + head, head, true, "2031-05-01T08:00:00",
        "2031-05-11T10:00:00", item("120100001", "A", "20", "500.00"));
    referred.setReferral(new org.hl7.fhir.r4.model.Reference("ServiceRequest/referral-1"));
    Insurance.Submitted city = insurance.submit(referred, CITY_HOSPITAL);
    assertThat(city.claim().adjudication().benefitFen()).isEqualTo(584_000);
    assertThat(city.claim().adjudication().lines().get(0).reasons()).containsExactly(Reason.ANNUAL_CAP);
    assertThat(insurance.ledger().usage(head, YEAR).fundPaidFen()).isEqualTo(1_000_000);

    // the county admission reversed: what it used is free again
    Insurance.Submitted reversed = insurance.submit(ClaimsForTests.reversal("ZY1-" + head), COUNTY_HOSPITAL);
    assertThat(reversed.claim().reversed()).isTrue();
    assertThat(response(reversed).getStatus()).isEqualTo(ClaimResponse.ClaimResponseStatus.CANCELLED);
    assertThat(insurance.ledger().fundBalance(reversed.claim().id())).isZero();
    Usage usage = insurance.ledger().usage(head, YEAR);
    assertThat(usage.fundPaidFen()).isEqualTo(624_000);
    assertThat(usage.admissions()).isEqualTo(1);

    Insurance.Submitted later = insurance.submit(claim("ZY3-" + head, head, true, "2031-08-01T08:00:00",
        "2031-08-03T10:00:00", item("120100001", "A", "2", "500.00")), TOWNSHIP);
    // township inpatient: deductible 100, class A 90% of 900
    assertThat(later.claim().adjudication().benefitFen()).isEqualTo(81_000);
    assertThat(insurance.ledger().usage(head, YEAR).fundPaidFen()).isEqualTo(705_000);

    assertThat(payable(TOWNSHIP) - townshipBefore).isEqualTo(18_000 + 12_000 + 10_000 + 81_000);
    assertThat(payable(COUNTY_HOSPITAL) - countyBefore).isZero();
    assertThat(payable(CITY_HOSPITAL) - cityBefore).isEqualTo(584_000);

    Insurance.Eligibility left = insurance.check(head, TOWNSHIP, LocalDate.of(YEAR, 9, 1), List.of("480000001"));
    assertThat(left.refusal()).isEmpty();
    assertThat(left.usage().fundPaidFen()).isEqualTo(705_000);
    assertThat(left.excludedAsked()).containsExactly("480000001");
  }

  @Test
  void aLateMigrantWaitsThirtyDaysAfterPaying() {
    InsuranceRepository.Household h = household();
    String migrant = card(h, 0);
    CLOCK.set("2031-06-01T10:00:00");
    Insurance.Enrolled enrolled = insurance.enrol(h.id(), Optional.of(YEAR), EnrolmentKind.MIGRANT, "office");
    CLOCK.set("2031-06-02T10:00:00");
    List<Enrolment> active = insurance.invoicePaid(enrolled.invoice(), CLOCK.instant(), "bank");
    assertThat(active.get(0).coveredFrom()).contains(LocalDate.of(YEAR, 7, 3));

    Insurance.Submitted waiting = insurance.submit(claim("W1-" + migrant, migrant, false, "2031-06-20T09:00:00",
        "2031-06-20T10:00:00", item("110200001", "A", "1", "100.00")), TOWNSHIP);
    assertThat(waiting.claim().adjudication().claimReasons()).containsExactly(Reason.WAITING_PERIOD);
    assertThat(waiting.claim().adjudication().benefitFen()).isZero();
    assertThat(waiting.claim().fundStatus()).isEqualTo("none");
    Insurance.Submitted covered = insurance.submit(claim("W2-" + migrant, migrant, false, "2031-07-03T09:00:00",
        "2031-07-03T10:00:00", item("110200001", "A", "1", "100.00")), TOWNSHIP);
    assertThat(covered.claim().adjudication().benefitFen()).isEqualTo(6_000);
  }

  @Test
  void outsideTheWindowOnlyNewbornsAndMigrantsEnrol() {
    InsuranceRepository.Household h = household();
    CLOCK.set("2031-03-01T10:00:00");
    EnrolmentRefused refused = catchThrowableOfType(
        () -> insurance.enrol(h.id(), Optional.of(YEAR), EnrolmentKind.REGULAR, "office"), EnrolmentRefused.class);
    assertThat(refused.element()).isEqualTo("year");
    assertThat(refused.getMessage()).contains("2030-09-01").contains("2030-12-31");
  }

  @Test
  void anUnpaidPremiumLapsesAfterTheGracePeriodAndTheFundPaysNothing() {
    CLOCK.set("2030-12-01T10:00:00");
    InsuranceRepository.Household h = household();
    Insurance.Enrolled enrolled = insurance.enrol(h.id(), Optional.of(YEAR), EnrolmentKind.REGULAR, "office");
    CLOCK.set("2031-01-30T10:00:00");
    insurance.lapseOverdue();
    assertThat(insurance.enrolments().byId(enrolled.enrolments().get(0).id()).orElseThrow().status())
        .isEqualTo(EnrolmentStatus.PENDING);
    CLOCK.set("2031-01-31T10:00:00");
    assertThat(insurance.lapseOverdue()).isGreaterThanOrEqualTo(2);
    assertThat(insurance.enrolments().byId(enrolled.enrolments().get(0).id()).orElseThrow().status())
        .isEqualTo(EnrolmentStatus.LAPSED);
    assertThat(REPOSITORY.read(Coverage.class, enrolled.enrolments().get(0).coverage().orElseThrow()).getStatus())
        .isEqualTo(Coverage.CoverageStatus.CANCELLED);
    assertThat(catchThrowableOfType(() -> insurance.invoicePaid(enrolled.invoice(), CLOCK.instant(), "late"),
        IllegalStateException.class)).hasMessageContaining("lapsed");

    String head = card(h, 0);
    Insurance.Submitted claim = insurance.submit(claim("L1-" + head, head, false, "2031-02-03T09:00:00",
        "2031-02-03T10:00:00", item("110200001", "A", "1", "100.00")), TOWNSHIP);
    assertThat(claim.claim().adjudication().claimReasons()).containsExactly(Reason.NOT_ENROLLED);
  }

  @Test
  void aPremiumPaidAfterAMemberDiedActivatesOnlyTheLiving() {
    CLOCK.set("2030-11-15T10:00:00");
    InsuranceRepository.Household h = household();
    Insurance.Enrolled enrolled = insurance.enrol(h.id(), Optional.of(YEAR), EnrolmentKind.REGULAR, "office");
    assertThat(insurance.personLeft(card(h, 1))).hasSize(1);

    List<Enrolment> active = insurance.invoicePaid(enrolled.invoice(), CLOCK.instant(), "bank");

    assertThat(active).extracting(Enrolment::cardNumber).containsExactly(card(h, 0));
    assertThat(insurance.enrolments().holding(card(h, 1), YEAR)).isEmpty();
  }

  @Test
  void theSameClaimNumberForAnotherBillIsAConflict() {
    CLOCK.set("2030-11-15T10:00:00");
    InsuranceRepository.Household h = household();
    String head = card(h, 0);
    insurance.submit(claim("DUP-" + head, head, false, "2031-02-03T09:00:00", "2031-02-03T10:00:00",
        item("110200001", "A", "1", "100.00")), TOWNSHIP);
    ClaimRefused conflict = catchThrowableOfType(() -> insurance.submit(claim("DUP-" + head, head, false,
        "2031-02-03T09:00:00", "2031-02-03T10:00:00", item("110200001", "A", "2", "100.00")), TOWNSHIP),
        ClaimRefused.class);
    assertThat(conflict.conflict()).isTrue();
    assertThat(conflict.element()).isEqualTo("Claim.identifier");
  }

  @Test
  void concurrentClaimsOfOnePersonNeverPayPastTheCap() throws Exception {
    CLOCK.set("2030-11-15T10:00:00");
    InsuranceRepository.Household h = household();
    String head = card(h, 0);
    Insurance.Enrolled enrolled = insurance.enrol(h.id(), Optional.of(YEAR), EnrolmentKind.REGULAR, "office");
    insurance.invoicePaid(enrolled.invoice(), CLOCK.instant(), "bank");
    // 7,000 of the 10,000 cap used first
    insurance.submit(claim("BIG-" + head, head, true, "2031-01-10T08:00:00", "2031-01-20T08:00:00",
        item("120100001", "A", "1", "7877.78")), TOWNSHIP);
    assertThat(insurance.ledger().usage(head, YEAR).fundPaidFen()).isEqualTo(700_000);

    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Long>> results = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String number = "PAR" + i + "-" + head;
      String day = String.format("2031-03-%02d", 1 + 2 * i);
      Callable<Long> submit = () -> insurance.submit(claim(number, head, true, day + "T08:00:00", day + "T20:00:00",
          item("120100001", "A", "1", "1211.11")), TOWNSHIP).claim().adjudication().benefitFen();
      results.add(pool.submit(submit));
    }
    long paid = 0;
    for (Future<Long> f : results) {
      paid += f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();
    // each would pay (1,211.11 - 100) x 90% = 1,000.00; only 3,000 was left
    assertThat(paid).isEqualTo(300_000);
    assertThat(insurance.ledger().usage(head, YEAR).fundPaidFen()).isEqualTo(1_000_000);
  }

  private static long benefit(String institution, org.hl7.fhir.r4.model.Claim claim) {
    return insurance.submit(claim, institution).claim().adjudication().benefitFen();
  }
}
