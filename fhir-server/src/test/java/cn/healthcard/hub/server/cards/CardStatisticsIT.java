package cn.healthcard.hub.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.Map;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class CardStatisticsIT extends CardsIntegrationTest {

  static Map<String, Long> groups(Parameters statistics) {
    return statistics.getParameters("group").stream()
        .collect(
            Collectors.toMap(
                g -> CardLifecycleIT.part(g, "key"), g -> Long.parseLong(CardLifecycleIT.part(g, "count"))));
  }

  /** A number whose address code is the county given (Dalian's Zhongshan district: 210202). */
  static String numberIn(String county, int sequence) {
    String body = county + "19900101" + String.format("%03d", sequence);
    return body + ResidentIdNumber.checkCharacter(body);
  }

  @Test
  void cardsAreCountedByStatusChannelAndDivisionAtEveryLevel() {
    String kiosk = registerInstitution("kiosk", null);
    Map<String, Long> before = groups(parameters(get("/$card-statistics?by=county&division=2102")));
    long countyBefore = before.getOrDefault("210202", 0L);
    long provinceBefore =
        groups(parameters(get("/$card-statistics?by=province"))).getOrDefault("210000", 0L);
    int base = (int) (System.nanoTime() % 800);
    for (int i = 0; i < 3; i++) {
      parameters(operation("/Patient/$issue-card", issue("kiosk", person(numberIn("210202", base + i)), kiosk, chip())));
    }

    Map<String, Long> county = groups(parameters(get("/$card-statistics?by=county&division=2102")));
    assertThat(county.get("210202")).isEqualTo(countyBefore + 3);
    assertThat(county.keySet()).allMatch(k -> k.startsWith("2102"));
    Map<String, Long> city = groups(parameters(get("/$card-statistics?by=city&division=21")));
    assertThat(city).containsKey("210200");
    assertThat(groups(parameters(get("/$card-statistics?by=province"))).get("210000")).isEqualTo(provinceBefore + 3);

    Map<String, Long> byChannel = groups(parameters(get("/$card-statistics?by=channel&division=210202")));
    assertThat(byChannel.get("kiosk")).isGreaterThanOrEqualTo(3);
    Map<String, Long> byStatus = groups(parameters(get("/$card-statistics?by=status&channel=kiosk")));
    assertThat(byStatus.get("active")).isGreaterThanOrEqualTo(3);
    Parameters byDay = parameters(get("/$card-statistics?by=day&division=210202"));
    assertThat(groups(byDay).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(countyBefore + 3);
    assertThat(value(byDay, "total")).isEqualTo(String.valueOf(countyBefore + 3));
  }

  @Test
  void badStatisticsRequestsNameTheParameter() {
    OperationOutcome by = outcome(get("/$card-statistics?by=colour"), 422);
    assertThat(by.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Parameters.parameter[by]");
    OperationOutcome division = outcome(get("/$card-statistics?by=status&division=2x"), 422);
    assertThat(division.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Parameters.parameter[division]");
  }

  @Test
  void partialDatesCountWholeYearsAndMonths() {
    String kiosk = registerInstitution("kiosk", null);
    parameters(operation("/Patient/$issue-card", issue("kiosk", person(newCardNumber()), kiosk, chip())));
    String thisYear = String.valueOf(java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).getYear());
    String thisMonth = java.time.YearMonth.now(java.time.ZoneId.of("Asia/Shanghai")).toString();

    long byYear = Long.parseLong(value(parameters(get("/$card-statistics?by=status&from=" + thisYear + "&to=" + thisYear)), "total"));
    long byMonth = Long.parseLong(value(parameters(get("/$card-statistics?by=status&from=" + thisMonth + "&to=" + thisMonth)), "total"));
    long all = Long.parseLong(value(parameters(get("/$card-statistics?by=status")), "total"));

    assertThat(byMonth).isGreaterThanOrEqualTo(1);
    assertThat(byYear).isGreaterThanOrEqualTo(byMonth);
    assertThat(all).isGreaterThanOrEqualTo(byYear);
    assertThat(value(parameters(get("/$card-statistics?by=status&to=2024-05")), "total")).isEqualTo("0");
    assertThat(value(parameters(get("/$card-statistics?of=verifications&by=day&from=2024-05")), "of")).isEqualTo("verifications");
  }

  /** A newborn's batch application without a number; returns the applied Parameters. */
  private Parameters applyForNewborn(String servicePoint, Patient newborn) {
    Parameters application = issue("batch", newborn, servicePoint, null);
    application.addParameter().setName("cardType").setValue(new CodeType("child"));
    return parameters(operation("/Patient/$issue-card", application));
  }

  @Test
  void aChildHasOneCardWaitingForItsNumberAndANumberAnotherPatientCarriesIsRefused() {
    String servicePoint = registerInstitution("service-point", null);
    Patient newborn = new Patient();
    newborn.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("2026-10-01"));
    String patient = reference(applyForNewborn(servicePoint, newborn), "patient");

    Patient again = new Patient();
    again.setId(patient.substring("Patient/".length()));
    Parameters second = issue("batch", again, servicePoint, null);
    second.addParameter().setName("cardType").setValue(new CodeType("child"));
    OperationOutcome duplicate = outcome(operation("/Patient/$issue-card", second), 409);
    assertThat(duplicate.getIssueFirstRep().getDiagnostics()).contains("already has a child card waiting for its ID number");

    String body = "210102" + "20261001" + String.format("%03d", (int) (System.nanoTime() % 900));
    String taken = body + ResidentIdNumber.checkCharacter(body);
    Patient holder = new Patient();
    holder.addIdentifier().setSystem(CARD).setValue(taken);
    client().create().resource(holder).execute();
    Parameters complete = new Parameters();
    complete.addParameter().setName("patient").setValue(new Reference(patient));
    complete.addParameter().setName("cardNumber").setValue(new StringType(taken));

    var response = operation("/Patient/$complete-child-card", complete);
    OperationOutcome conflict = outcome(response, 409);
    assertThat(conflict.getIssueFirstRep().getDiagnostics()).contains("another Patient").contains("already carries this card number");
    assertThat(response.body()).doesNotContain(taken);
    assertThat(get("/Patient/$card-status?cardNumber=" + taken).statusCode()).isEqualTo(404);
  }

  @Test
  void aChildCardIsAppliedForWithoutANumberAndCompletedByHouseholdRegistration() {
    String servicePoint = registerInstitution("service-point", null);
    Patient newborn = new Patient();
    newborn.addIdentifier().setSystem("https://hub.healthcard.cn/fhir/NamingSystem/BIRTH_HOSP/birth").setValue("B-" + System.nanoTime());
    newborn.setBirthDateElement(new org.hl7.fhir.r4.model.DateType("2026-11-01"));
    Parameters application = issue("batch", newborn, servicePoint, null);
    application.addParameter().setName("cardType").setValue(new CodeType("child"));

    Parameters applied = parameters(operation("/Patient/$issue-card", application));
    assertThat(applied.getParameter("cardNumber")).isNull();
    assertThat(value(applied, "cardType")).isEqualTo("child");
    String patient = reference(applied, "patient");

    String number = numberIn("210102", (int) (System.nanoTime() % 900)).substring(0, 6);
    String body = number + "20261101" + String.format("%03d", (int) (System.nanoTime() % 900));
    String childNumber = body + ResidentIdNumber.checkCharacter(body);
    Parameters complete = new Parameters();
    complete.addParameter().setName("patient").setValue(new Reference(patient));
    complete.addParameter().setName("cardNumber").setValue(new StringType(childNumber));
    Parameters completed = parameters(operation("/Patient/$complete-child-card", complete));
    assertThat(value(completed, "cardNumber")).isEqualTo(childNumber);
    assertThat(value(completed, "status")).isEqualTo("applied");
    Patient child = client().read().resource(Patient.class).withId(patient).execute();
    assertThat(child.getIdentifier()).anyMatch(i -> CARD.equals(i.getSystem()) && childNumber.equals(i.getValue()));

    OperationOutcome twice = outcome(operation("/Patient/$complete-child-card", complete), 404);
    assertThat(twice.getIssueFirstRep().getDiagnostics()).contains("no child card waiting");

    OperationOutcome adultWithoutNumber =
        outcome(
            operation(
                "/Patient/$issue-card",
                issue("batch", new Patient().addName(new org.hl7.fhir.r4.model.HumanName().setText("王五")), servicePoint, null)),
            422);
    assertThat(adultWithoutNumber.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter[patient].resource.identifier");
  }
}
