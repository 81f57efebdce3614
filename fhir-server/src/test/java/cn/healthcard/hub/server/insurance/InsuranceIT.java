package cn.healthcard.hub.server.insurance;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.R4Validation;
import cn.healthcard.hub.server.cards.CardsIntegrationTest;
import cn.healthcard.hub.server.records.FamilyRecordRules;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.CoverageEligibilityRequest;
import org.hl7.fhir.r4.model.CoverageEligibilityResponse;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * NCMS end to end on the sample scheme (Faku County 210124, the current year): a household enrols,
 * pays its premium, is checked and settled at discharge by a designated county hospital; a claim
 * is reversed; a supervision rule fires and is confirmed, holding the fund's payment; a death
 * cancels the card and the coverage.
 */
class InsuranceIT extends CardsIntegrationTest {

  private static final String HOSPITAL = "NCMS_COUNTY_HOSP";
  private static final String CATALOGUE = "https://hub.healthcard.cn/fhir/CodeSystem/nhsa-catalogue";
  private static final String ITEM_CLASS = "https://hub.healthcard.cn/fhir/CodeSystem/insurance-item-class";
  private static final AtomicInteger SEQUENCE = new AtomicInteger(100 + (int) (System.nanoTime() % 700));
  private final HttpClient raw = HttpClient.newHttpClient();
  private final int year = LocalDate.now(java.time.ZoneOffset.ofHours(8)).getYear();

  @BeforeEach
  void designatedHospital() throws Exception {
    registerHospital(HOSPITAL);
    HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/admin/insurance/providers/" + HOSPITAL))
        .header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(
            "{\"name\": \"法库县人民医院\", \"level\": \"county\", \"county\": \"210124\", \"designated\": true}"))
        .build());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
  }

  /** A card number issued in Faku County. */
  private static String fakuNumber(boolean female) {
    while (true) {
      String body = "210124" + "19800101".replace("1980", String.valueOf(1950 + SEQUENCE.get() % 50))
          + String.format("%03d", SEQUENCE.incrementAndGet() % 1000);
      String number = body + ResidentIdNumber.checkCharacter(body);
      if ((ResidentIdNumber.parse(number).sex() == ResidentIdNumber.Sex.FEMALE) == female) {
        return number;
      }
    }
  }

  private String patient(String cardNumber) {
    Patient p = new Patient();
    p.addIdentifier().setSystem(CARD).setValue(cardNumber);
    p.addAddress().setUse(org.hl7.fhir.r4.model.Address.AddressUse.HOME).addExtension(
        HubCodeSystems.ADDRESS_DIVISION_EXTENSION, new Coding(HubCodeSystems.DIVISION, cardNumber.substring(0, 6), null));
    p.addName().setText("参保人");
    HttpResponse<String> created = post("/Patient", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(p));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return FHIR.newJsonParser().parseResource(Patient.class, created.body()).getIdElement().getIdPart();
  }

  private String household(String head, String spouse) {
    Group g = new Group();
    g.setType(Group.GroupType.PERSON).setActual(true);
    g.setCode(new CodeableConcept(new Coding(FamilyRecordRules.GROUP_KIND_SYSTEM, FamilyRecordRules.HOUSEHOLD, null)));
    g.addMember().setEntity(new Reference("Patient/" + head)).addExtension(FamilyRecordRules.RELATIONSHIP_EXTENSION,
        new Coding(HubCodeSystems.FAMILY_RELATIONSHIP, "02", null));
    g.addMember().setEntity(new Reference("Patient/" + spouse)).addExtension(FamilyRecordRules.RELATIONSHIP_EXTENSION,
        new Coding(HubCodeSystems.FAMILY_RELATIONSHIP, "12", null));
    HttpResponse<String> created = post("/Group", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(g));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return FHIR.newJsonParser().parseResource(Group.class, created.body()).getIdElement().getIdPart();
  }

  private String hospitalToken() {
    return clients().tokenFor("ncms-county-hosp", Map.of("role", "hospital", "institution", HOSPITAL));
  }

  private HttpResponse<String> asHospital(String path, String body) throws Exception {
    return raw.send(HttpRequest.newBuilder(URI.create(base() + path))
        .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + hospitalToken())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Claim claim(String number, String card, boolean inpatient, Object[]... items) {
    Claim c = new Claim();
    c.addIdentifier().setValue(number);
    c.setStatus(Claim.ClaimStatus.ACTIVE);
    c.setType(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/claim-type",
        inpatient ? "institutional" : "professional", null)));
    c.setUse(Claim.Use.CLAIM);
    c.setPatient(new Reference().setIdentifier(new Identifier().setSystem(CARD).setValue(card)));
    c.setCreated(new Date());
    c.setProvider(new Reference().setIdentifier(new Identifier().setSystem(HubCodeSystems.INSTITUTION).setValue(HOSPITAL)));
    c.setPriority(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/processpriority", "normal", null)));
    c.addInsurance().setSequence(1).setFocal(true).setCoverage(new Reference().setDisplay("NCMS"));
    Date start = new Date(System.currentTimeMillis() - (inpatient ? 5 : 0) * 86_400_000L - 3_600_000L);
    c.setBillablePeriod(new Period().setStart(start).setEnd(new Date(System.currentTimeMillis() - 60_000)));
    c.addDiagnosis().setSequence(1).setDiagnosis(new CodeableConcept(new Coding("http://hl7.org/fhir/sid/icd-10", "J18.9", null)));
    int sequence = 1;
    for (Object[] item : items) {
      c.addItem().setSequence(sequence++)
          .setProductOrService(new CodeableConcept(new Coding(CATALOGUE, (String) item[0], null)))
          .setCategory(new CodeableConcept(new Coding(ITEM_CLASS, (String) item[1], null)))
          .setQuantity(new Quantity().setValue(new BigDecimal((String) item[2])))
          .setUnitPrice(new Money().setValue(new BigDecimal((String) item[3])).setCurrency("CNY"));
    }
    return c;
  }

  private static BigDecimal total(ClaimResponse r, String code) {
    return r.getTotal().stream().filter(t -> t.getCategory().getCodingFirstRep().getCode().equals(code))
        .findFirst().orElseThrow().getAmount().getValue();
  }

  private CoverageEligibilityResponse check(String card) throws Exception {
    CoverageEligibilityRequest request = new CoverageEligibilityRequest();
    request.setStatus(CoverageEligibilityRequest.EligibilityRequestStatus.ACTIVE);
    request.setPatient(new Reference().setIdentifier(new Identifier().setSystem(CARD).setValue(card)));
    request.addItem().setProductOrService(new CodeableConcept(new Coding(CATALOGUE, "480000001", null)));
    HttpResponse<String> answer = asHospital("/CoverageEligibilityRequest/$check",
        FHIR.newJsonParser().encodeResourceToString(request));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(CoverageEligibilityResponse.class, answer.body());
  }

  @Test
  void aHouseholdEnrolsPaysIsSettledAtDischargeAndAReversalBalancesTheFund() throws Exception {
    String headCard = fakuNumber(false);
    String head = patient(headCard);
    String spouse = patient(fakuNumber(true));
    String group = household(head, spouse);

    HttpResponse<String> enrolled = operation("/Group/" + group + "/$enrol", new Parameters());
    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
    Parameters enrolment = parameters(enrolled);
    assertThat(enrolment.getParameters("coverage")).hasSize(2);
    assertThat(((Money) enrolment.getParameter("amount").getValue()).getValue()).isEqualByComparingTo("760.00");
    String invoice = ((Reference) enrolment.getParameter("invoice").getValue()).getReference();

    CoverageEligibilityResponse unpaid = check(headCard);
    assertThat(unpaid.getInsuranceFirstRep().getInforce()).isFalse();
    assertThat(unpaid.getDisposition()).isEqualTo("The premium for the year is not paid");

    Parameters pay = new Parameters();
    pay.addParameter().setName("paidAt").setValue(new DateTimeType((year - 1) + "-12-01T10:00:00+08:00"));
    pay.addParameter("reference", new StringType("ABC-DEDUCTION-1"));
    HttpResponse<String> paid = operation("/" + invoice + "/$record-premium", pay);
    assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
    assertThat(parameters(paid).getParameters("coverage")).hasSize(2);
    Coverage coverage = FHIR.newJsonParser().parseResource(Coverage.class,
        get("/" + ((Reference) enrolment.getParameters("coverage").get(0).getValue()).getReference()).body());
    assertThat(coverage.getStatus()).isEqualTo(Coverage.CoverageStatus.ACTIVE);
    R4Validation.assertValid(coverage);

    CoverageEligibilityResponse eligible = check(headCard);
    assertThat(eligible.getInsuranceFirstRep().getInforce()).isTrue();
    assertThat(eligible.getInsuranceFirstRep().getItem().stream().filter(i -> i.getExcluded()).count()).isEqualTo(1);
    R4Validation.assertValid(eligible);

    // county hospital: deductible 300, class A 80%; the excluded item is the patient's
    Claim bill = claim("ZY-" + headCard.substring(10), headCard, true,
        new Object[] {"120100001", "A", "10", "500.00"}, new Object[] {"480000001", "A", "1", "100.00"});
    HttpResponse<String> settledAnswer = asHospital("/Claim/$submit", FHIR.newJsonParser().encodeResourceToString(bill));
    assertThat(settledAnswer.statusCode()).as(settledAnswer.body()).isEqualTo(200);
    ClaimResponse settled = FHIR.newJsonParser().parseResource(ClaimResponse.class, settledAnswer.body());
    assertThat(total(settled, "submitted")).isEqualByComparingTo("5100.00");
    assertThat(total(settled, "deductible")).isEqualByComparingTo("300.00");
    assertThat(total(settled, "benefit")).isEqualByComparingTo("3760.00");
    assertThat(total(settled, "patient-share")).isEqualByComparingTo("1340.00");
    assertThat(settled.getItem().get(1).getAdjudicationFirstRep().getCategory().getCodingFirstRep().getCode())
        .isEqualTo("submitted");
    assertThat(settled.getItem().get(1).getAdjudication().get(1).getReason().getCodingFirstRep().getCode())
        .isEqualTo("excluded");
    R4Validation.assertValid(settled);

    HttpResponse<String> again = asHospital("/Claim/$submit", FHIR.newJsonParser().encodeResourceToString(bill));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(ClaimResponse.class, again.body()).getIdElement().getIdPart())
        .isEqualTo(settled.getIdElement().getIdPart());

    Bundle eobs = FHIR.newJsonParser().parseResource(Bundle.class, get("/ExplanationOfBenefit?patient=" + head).body());
    assertThat(eobs.getEntry()).hasSize(1);
    R4Validation.assertValid(eobs.getEntryFirstRep().getResource());
    Bundle byProvider = FHIR.newJsonParser().parseResource(Bundle.class, get("/ExplanationOfBenefit?patient=" + head
        + "&institution=" + HubCodeSystems.INSTITUTION + "%7C" + HOSPITAL).body());
    assertThat(byProvider.getEntry()).hasSize(1);
    Bundle otherProvider = FHIR.newJsonParser().parseResource(Bundle.class, get("/ExplanationOfBenefit?patient=" + head
        + "&institution=" + HubCodeSystems.INSTITUTION + "%7CANOTHER_HOSPITAL").body());
    assertThat(otherProvider.getEntry()).isEmpty();

    HttpResponse<String> owed = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/admin/insurance/payables/" + HOSPITAL)).GET().build());
    assertThat(owed.statusCode()).isEqualTo(200);
    long before = Long.parseLong(owed.body().replaceAll(".*\"payableFen\":(-?\\d+).*", "$1"));

    Claim reversal = new Claim();
    reversal.setStatus(Claim.ClaimStatus.CANCELLED);
    reversal.addRelated().setClaim(new Reference().setIdentifier(new Identifier().setValue(bill.getIdentifierFirstRep().getValue())))
        .setRelationship(new CodeableConcept(new Coding("http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship", "prior", null)));
    HttpResponse<String> reversed = asHospital("/Claim/$submit", FHIR.newJsonParser().encodeResourceToString(reversal));
    assertThat(reversed.statusCode()).as(reversed.body()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(ClaimResponse.class, reversed.body()).getStatus())
        .isEqualTo(ClaimResponse.ClaimResponseStatus.CANCELLED);
    HttpResponse<String> after = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/admin/insurance/payables/" + HOSPITAL)).GET().build());
    long afterFen = Long.parseLong(after.body().replaceAll(".*\"payableFen\":(-?\\d+).*", "$1"));
    assertThat(before - afterFen).isEqualTo(376_000);

    // the corrected bill: the full deductible again (the reversed admission no longer counts)
    Claim corrected = claim("ZY2-" + headCard.substring(10), headCard, true, new Object[] {"120100001", "A", "10", "500.00"});
    corrected.addRelated().setClaim(new Reference().setIdentifier(new Identifier().setValue(bill.getIdentifierFirstRep().getValue())));
    HttpResponse<String> resubmitted = asHospital("/Claim/$submit", FHIR.newJsonParser().encodeResourceToString(corrected));
    assertThat(resubmitted.statusCode()).as(resubmitted.body()).isEqualTo(200);
    assertThat(total(FHIR.newJsonParser().parseResource(ClaimResponse.class, resubmitted.body()), "benefit"))
        .isEqualByComparingTo("3760.00");
  }

  @Test
  void aMaleCardBilledForAnObstetricItemIsFlaggedAndAConfirmedFindingHoldsThePayment() throws Exception {
    String card = fakuNumber(false);
    String man = patient(card);
    String wife = patient(fakuNumber(true));
    String group = household(man, wife);
    Parameters enrolment = parameters(operation("/Group/" + group + "/$enrol", new Parameters()));
    Parameters pay = new Parameters();
    pay.addParameter().setName("paidAt").setValue(new DateTimeType((year - 1) + "-12-01T10:00:00+08:00"));
    assertThat(operation("/" + ((Reference) enrolment.getParameter("invoice").getValue()).getReference()
        + "/$record-premium", pay).statusCode()).isEqualTo(200);

    HttpResponse<String> answer = asHospital("/Claim/$submit", FHIR.newJsonParser().encodeResourceToString(
        claim("MZ-" + card.substring(10), card, false, new Object[] {"331202001", "A", "1", "200.00"})));
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

    Bundle issues = FHIR.newJsonParser().parseResource(Bundle.class, get("/DetectedIssue?patient=" + man).body());
    assertThat(issues.getEntry()).hasSize(1);
    DetectedIssue issue = (DetectedIssue) issues.getEntryFirstRep().getResource();
    assertThat(issue.getCode().getCodingFirstRep().getCode()).isEqualTo("sex-contradiction");
    assertThat(issue.getStatus()).isEqualTo(DetectedIssue.DetectedIssueStatus.PRELIMINARY);
    R4Validation.assertValid(issue);
    Bundle tasks = FHIR.newJsonParser().parseResource(Bundle.class,
        get("/Task?focus=DetectedIssue/" + issue.getIdElement().getIdPart()).body());
    assertThat(tasks.getEntry()).hasSize(1);

    Parameters confirm = new Parameters();
    confirm.addParameter("decision", new CodeType("confirm"));
    confirm.addParameter("note", new StringType("no such procedure on a man"));
    HttpResponse<String> reviewed = operation("/DetectedIssue/" + issue.getIdElement().getIdPart() + "/$review-finding", confirm);
    assertThat(reviewed.statusCode()).as(reviewed.body()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(DetectedIssue.class, reviewed.body()).getStatus())
        .isEqualTo(DetectedIssue.DetectedIssueStatus.FINAL);
    assertThat(operation("/DetectedIssue/" + issue.getIdElement().getIdPart() + "/$review-finding", confirm).statusCode())
        .isEqualTo(409);
    HttpResponse<String> owed = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/admin/insurance/payables/" + HOSPITAL)).GET().build());
    // county outpatient class A 50% of 200.00
    assertThat(Long.parseLong(owed.body().replaceAll(".*\"heldFen\":(-?\\d+).*", "$1"))).isGreaterThanOrEqualTo(10_000);
  }

  @Test
  void aDeathOnTheRecordCancelsTheLiveCardAndTheCoverage() throws Exception {
    String kiosk = registerInstitution("kiosk", null);
    String card = fakuNumber(false);
    Parameters issued = parameters(operation("/Patient/$issue-card", issue("kiosk", withSex(card), kiosk, chip())));
    assertThat(value(issued, "status")).isEqualTo("active");
    String head = reference(issued, "patient").replace("Patient/", "");
    String group = household(head, patient(fakuNumber(true)));
    Parameters enrolment = parameters(operation("/Group/" + group + "/$enrol", new Parameters()));
    String coverage = ((Reference) enrolment.getParameters("coverage").get(0).getValue()).getReference();

    Parameters death = new Parameters();
    death.addParameter().setName("reason").setValue(new CodeType("death"));
    death.addParameter().setName("date").setValue(new DateType(LocalDate.now().minusDays(1).toString()));
    HttpResponse<String> cancelled = operation("/Patient/" + head + "/$cancel-record", death);
    assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);

    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + card));
    assertThat(value(status, "status")).isEqualTo("cancelled");
    Coverage ended = FHIR.newJsonParser().parseResource(Coverage.class, get("/" + coverage).body());
    assertThat(ended.getStatus()).isEqualTo(Coverage.CoverageStatus.CANCELLED);
  }

  @Test
  void aPremiumPaidThroughThePaymentPlatformStartsTheCoverage() throws Exception {
    String headCard = fakuNumber(false);
    String head = patient(headCard);
    String group = household(head, patient(fakuNumber(true)));
    Parameters enrolment = parameters(operation("/Group/" + group + "/$enrol", new Parameters()));
    String invoice = ((Reference) enrolment.getParameter("invoice").getValue()).getReference();
    String coverage = ((Reference) enrolment.getParameters("coverage").get(0).getValue()).getReference();

    // the township centre's window takes the premium on WeChat Pay (the sandbox)
    String number = "PREMIUM-" + System.nanoTime();
    Parameters order = new Parameters();
    order.addParameter("channel", new CodeType("wechatpay"));
    order.addParameter("merchantOrderNo", new StringType(number));
    order.addParameter().setName("amount").setValue(new Money().setValue(new BigDecimal("760.00")).setCurrency("CNY"));
    order.addParameter().setName("invoice").setValue(new Reference(invoice));
    order.addParameter().setName("patient").setValue(new Identifier().setSystem(CARD).setValue(headCard));
    order.addParameter("description", new StringType("新农合参合缴费"));
    HttpResponse<String> created = asHospital("/$create-payment", FHIR.newJsonParser().encodeResourceToString(order));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    HttpResponse<String> paid = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/sandbox/payments/wechatpay/" + number + "/pay")).header("Authorization", "Bearer " + hospitalToken())
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(paid.statusCode()).as(paid.body()).isEqualTo(202);

    java.time.Instant deadline = java.time.Instant.now().plusSeconds(30);
    Coverage now = null;
    while (java.time.Instant.now().isBefore(deadline)) {
      now = FHIR.newJsonParser().parseResource(Coverage.class, get("/" + coverage).body());
      if (now.getStatus() == Coverage.CoverageStatus.ACTIVE) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(now.getStatus()).isEqualTo(Coverage.CoverageStatus.ACTIVE);
    assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Invoice.class, get("/" + invoice).body())
        .getStatus()).isEqualTo(org.hl7.fhir.r4.model.Invoice.InvoiceStatus.BALANCED);
  }

  @Test
  void aCountyInsuranceOfficeEnrolsAndReadsOnlyInItsCounty() throws Exception {
    String office = clients().tokenFor("ncms-office-faku", Map.of("role", "insurer", "division", "210124"));
    String head = patient(fakuNumber(false));
    String group = household(head, patient(fakuNumber(true)));
    String elsewhere = household(patient("210102198001010013".substring(0, 17)
        + ResidentIdNumber.checkCharacter("21010219800101001")), patient(fakuNumber(true)));

    HttpResponse<String> enrolled = raw.send(HttpRequest.newBuilder(URI.create(base() + "/Group/" + group + "/$enrol"))
        .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + office)
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\": \"Parameters\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
    String coverage = ((Reference) parameters(enrolled).getParameters("coverage").get(0).getValue()).getReference();
    HttpResponse<String> read = raw.send(HttpRequest.newBuilder(URI.create(base() + "/" + coverage))
        .header("Authorization", "Bearer " + office).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(read.statusCode()).as(read.body()).isEqualTo(200);

    HttpResponse<String> outside = raw.send(HttpRequest.newBuilder(URI.create(base() + "/Group/" + elsewhere + "/$enrol"))
        .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + office)
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\": \"Parameters\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(outside.statusCode()).as(outside.body()).isEqualTo(403);
    assertThat(outside.body()).contains("outside this office's division 210124");

    HttpResponse<String> hospitalEnrols = asHospital("/Group/" + group + "/$enrol", "{\"resourceType\": \"Parameters\"}");
    assertThat(hospitalEnrols.statusCode()).isEqualTo(403);
    // a hospital neither administers the schemes nor reviews findings; an office does not settle claims
    HttpResponse<String> hospitalAdmin = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/admin/insurance/providers/" + HOSPITAL)).header("Authorization", "Bearer " + hospitalToken())
        .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
            "{\"name\": \"x\", \"level\": \"province\", \"county\": \"210124\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(hospitalAdmin.statusCode()).isEqualTo(403);
    HttpResponse<String> hospitalReviews = asHospital("/DetectedIssue/any/$review-finding",
        "{\"resourceType\": \"Parameters\", \"parameter\": [{\"name\": \"decision\", \"valueCode\": \"confirm\"}]}");
    assertThat(hospitalReviews.statusCode()).isEqualTo(403);
    HttpResponse<String> officeSettles = raw.send(HttpRequest.newBuilder(URI.create(base() + "/Claim/$submit"))
        .header("Content-Type", "application/fhir+json").header("Authorization", "Bearer " + office)
        .POST(HttpRequest.BodyPublishers.ofString(FHIR.newJsonParser().encodeResourceToString(
            claim("OFFICE-1", fakuNumber(false), false, new Object[] {"110200001", "A", "1", "10.00"})))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(officeSettles.statusCode()).isEqualTo(403);
  }

  @Test
  void aClaimWithoutACardNumberIsRefusedNamingTheElement() throws Exception {
    Claim bill = claim("BAD-1", "210124198001010011", false, new Object[] {"110200001", "A", "1", "10.00"});
    bill.getPatient().getIdentifier().setSystem("urn:oid:1.2.3");
    HttpResponse<String> refused = asHospital("/Claim/$submit", FHIR.newJsonParser().encodeResourceToString(bill));
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("Claim.patient.identifier");

    Claim noNet = claim("BAD-2", fakuNumber(false), false, new Object[] {"110200001", "A", "2", "10.00"});
    noNet.getItemFirstRep().setNet(new Money().setValue(new BigDecimal("25.00")).setCurrency("CNY"));
    HttpResponse<String> wrongNet = asHospital("/Claim/$submit", FHIR.newJsonParser().encodeResourceToString(noNet));
    assertThat(wrongNet.statusCode()).isEqualTo(422);
    assertThat(wrongNet.body()).contains("Claim.item[0].net");
  }
}
