package cn.healthcard.hub.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.federation.index.PersonIndex;
import cn.healthcard.hub.federation.match.Person;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import cn.healthcard.hub.server.R4Validation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.apache.camel.CamelContext;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * PDQm's {@code $match} (ITI-119) on the hub: Patient writes reach the person index through the
 * outbox and Artemis, a query with a homophone or a number finds the person with the right grade,
 * updates and deletions follow, writes wait in the outbox while the indexers are stopped, a rebuild
 * removes what the repository no longer holds; errors and who may ask.
 */
class PatientMatchIT extends HubIntegrationTest {

  private static final String ID_CARD = "urn:oid:2.16.156.10011.1.3";
  private static final String GIVEN = "晓梅嘉怡子涵梓萱欣怡雨桐思彤";
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient raw = HttpClient.newHttpClient();

  @Autowired CamelContext camel;
  @Autowired PersonIndex index;

  /** A person nobody else in the test database shares a name and birth date with. */
  private record Resident(String id, String card, String given, LocalDate birth, String phone) {}

  private Resident resident(String family) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    LocalDate birth = LocalDate.of(1940 + random.nextInt(60), 1 + random.nextInt(12), 1 + random.nextInt(28));
    int a = random.nextInt(GIVEN.length());
    int b = random.nextInt(GIVEN.length());
    String given = "" + GIVEN.charAt(a) + GIVEN.charAt(b);
    String card = IdentityNumbers.next(birth, true);
    String phone = "139" + String.format("%08d", random.nextInt(100_000_000));
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(card);
    patient.addIdentifier().setSystem(ID_CARD).setValue(card);
    patient.addName().setFamily(family).addGiven(given);
    patient.setGender(AdministrativeGender.FEMALE);
    patient.setBirthDate(java.sql.Date.valueOf(birth));
    patient.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setUse(ContactPoint.ContactPointUse.MOBILE)
        .setValue(phone);
    String id = client().create().resource(patient).execute().getId().getIdPart();
    return new Resident(id, card, given, birth, phone);
  }

  private static Patient query(String family, String given, LocalDate birth) {
    Patient query = new Patient();
    query.addName().setFamily(family).addGiven(given);
    query.setBirthDate(java.sql.Date.valueOf(birth));
    query.setGender(AdministrativeGender.FEMALE);
    return query;
  }

  private static Parameters input(Patient query) {
    Parameters in = new Parameters();
    in.addParameter().setName("resource").setResource(query);
    return in;
  }

  private HttpResponse<String> match(String token, String body) throws Exception {
    return raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/fhir/Patient/$match"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/fhir+json")
        .header("Accept", "application/fhir+json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> match(String token, Parameters in) throws Exception {
    return match(token, FHIR.newJsonParser().encodeResourceToString(in));
  }

  private Bundle bundle(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  private static Bundle.BundleEntryComponent entryFor(Bundle bundle, String id) {
    return bundle.getEntry().stream().filter(e -> e.getResource().getIdElement().getIdPart().equals(id))
        .findFirst().orElse(null);
  }

  private static String grade(Bundle.BundleEntryComponent entry) {
    return ((CodeType) entry.getSearch().getExtensionByUrl("http://hl7.org/fhir/StructureDefinition/match-grade")
        .getValue()).getValue();
  }

  /** Asks until the answer satisfies the condition (the index follows writes within seconds). */
  private Bundle matchUntil(String token, Parameters in, Predicate<Bundle> condition) throws Exception {
    // the first wait covers the local Elasticsearch node still starting with the hub
    Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
    Bundle last = null;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> response = match(testToken(), in);
      if (response.statusCode() == 200) {
        last = bundle(response);
        if (condition.test(last)) {
          return last;
        }
      }
      Thread.sleep(250);
    }
    throw new AssertionError("no such answer before the deadline; last: "
        + (last == null ? "none" : FHIR.newJsonParser().encodeResourceToString(last)));
  }

  private JsonNode indexStatus() throws Exception {
    HttpResponse<String> response = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/admin/federation/person-index")).header("Authorization", "Bearer " + clients().adminToken()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  @Test
  void aHomophoneOfTheFamilyNameFindsThePersonProbablyAndTheCardNumberCertainly() throws Exception {
    Resident zhang = resident("张");
    Bundle byName = matchUntil(testToken(), input(query("章", zhang.given(), zhang.birth())),
        b -> entryFor(b, zhang.id()) != null);
    Bundle.BundleEntryComponent found = entryFor(byName, zhang.id());
    assertThat(byName.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
    assertThat(found.getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.MATCH);
    assertThat(grade(found)).isEqualTo("probable");
    assertThat(found.getSearch().getScore().doubleValue()).isGreaterThan(0.5).isLessThan(1.0);
    assertThat(found.getFullUrl()).isEqualTo(base() + "/Patient/" + zhang.id());
    assertThat(((Patient) found.getResource()).getNameFirstRep().getFamily()).isEqualTo("张");
    R4Validation.assertValid(byName);

    Patient byNumber = new Patient();
    byNumber.addIdentifier().setSystem(ID_CARD).setValue(zhang.card());
    Parameters certainOnly = input(byNumber);
    certainOnly.addParameter().setName("onlyCertainMatches").setValue(new BooleanType(true));
    Bundle certain = bundle(match(testToken(), certainOnly));
    assertThat(certain.getEntry()).hasSize(1);
    assertThat(certain.getEntryFirstRep().getResource().getIdElement().getIdPart()).isEqualTo(zhang.id());
    assertThat(grade(certain.getEntryFirstRep())).isEqualTo("certain");
    assertThat(certain.getEntryFirstRep().getSearch().getScore().doubleValue()).isEqualTo(1.0);

    // ITI-119 lets a Patient alone be posted, without the Parameters around it
    Bundle bare = bundle(match(testToken(), FHIR.newJsonParser().encodeResourceToString(byNumber)));
    assertThat(bare.getEntry()).hasSize(1);
    assertThat(bare.getEntryFirstRep().getResource().getIdElement().getIdPart()).isEqualTo(zhang.id());

    // only certain: the homophone alone is not enough
    Parameters nameOnlyCertain = input(query("章", zhang.given(), zhang.birth()));
    nameOnlyCertain.addParameter().setName("onlyCertainMatches").setValue(new BooleanType(true));
    assertThat(entryFor(bundle(match(testToken(), nameOnlyCertain)), zhang.id())).isNull();
  }

  @Test
  void updatesAndDeletionsReachTheIndex() throws Exception {
    Resident li = resident("李");
    matchUntil(testToken(), input(query("李", li.given(), li.birth())), b -> entryFor(b, li.id()) != null);

    Patient renamed = client().read().resource(Patient.class).withId(li.id()).execute();
    renamed.getNameFirstRep().setFamily("欧").getGiven().clear();
    renamed.getNameFirstRep().addGiven("阳春");
    client().update().resource(renamed).execute();
    Bundle afterUpdate = matchUntil(testToken(), input(query("欧", "阳春", li.birth())),
        b -> entryFor(b, li.id()) != null);
    assertThat(grade(entryFor(afterUpdate, li.id()))).isEqualTo("probable");

    client().delete().resourceById("Patient", li.id()).execute();
    matchUntil(testToken(), input(query("欧", "阳春", li.birth())), b -> entryFor(b, li.id()) == null);
    Instant deadline = Instant.now().plusSeconds(30);
    while (index.candidates(new Person("", "欧", "阳春", li.birth(), "female", null, null, null, null), 50)
        .people().stream().anyMatch(p -> p.id().equals(li.id()))) {
      assertThat(Instant.now()).isBefore(deadline);
      Thread.sleep(250);
    }
  }

  @Test
  void whileTheIndexersAreStoppedWritesWaitInTheOutboxAndAreIndexedAfter() throws Exception {
    Resident warmUp = resident("赵");
    matchUntil(testToken(), input(query("赵", warmUp.given(), warmUp.birth())), b -> entryFor(b, warmUp.id()) != null);
    camel.getRouteController().stopRoute("person-index-update");
    camel.getRouteController().stopRoute("person-index-sweep");
    Resident waiting;
    try {
      waiting = resident("钱");
      assertThat(indexStatus().path("pending").asLong()).isGreaterThanOrEqualTo(1);
      Bundle notYet = bundle(match(testToken(), input(query("钱", waiting.given(), waiting.birth()))));
      assertThat(entryFor(notYet, waiting.id())).isNull();
    } finally {
      camel.getRouteController().startRoute("person-index-update");
      camel.getRouteController().startRoute("person-index-sweep");
    }
    Resident indexed = waiting;
    matchUntil(testToken(), input(query("钱", indexed.given(), indexed.birth())), b -> entryFor(b, indexed.id()) != null);
    Instant deadline = Instant.now().plusSeconds(30);
    while (indexStatus().path("pending").asLong() != 0) {
      assertThat(Instant.now()).isBefore(deadline);
      Thread.sleep(250);
    }
  }

  @Test
  void aRebuildIndexesEveryPatientAndRemovesWhatTheRepositoryNoLongerHolds() throws Exception {
    Resident sun = resident("孙");
    matchUntil(testToken(), input(query("孙", sun.given(), sun.birth())), b -> entryFor(b, sun.id()) != null);
    // an entry whose Patient is gone without its deletion reaching the index
    String ghost = "ghost-" + System.nanoTime();
    index.put(List.of(new Person(ghost, "孙", sun.given(), sun.birth(), "female", null, null, null, null)), List.of(1L));
    index.refresh();
    Thread.sleep(5);

    HttpResponse<String> started = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/admin/federation/person-index/rebuild")).header("Authorization", "Bearer " + clients().adminToken())
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(started.statusCode()).isEqualTo(202);
    // the index is an operator's to rebuild: a hospital is refused
    String hospital = clients().tokenFor("match-rebuild-hospital", Map.of("role", "hospital"));
    assertThat(raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/admin/federation/person-index/rebuild")).header("Authorization", "Bearer " + hospital)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
    Instant deadline = Instant.now().plusSeconds(120);
    JsonNode status = indexStatus();
    while (status.path("rebuild").path("running").asBoolean() || !"done".equals(status.path("rebuild").path("phase").asText())) {
      assertThat(Instant.now()).isBefore(deadline);
      assertThat(status.path("rebuild").path("phase").asText()).doesNotStartWith("failed");
      Thread.sleep(250);
      status = indexStatus();
    }
    assertThat(status.path("rebuild").path("done").asLong()).isEqualTo(status.path("rebuild").path("total").asLong());
    assertThat(status.path("rebuild").path("removed").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(index.candidates(new Person("", "孙", sun.given(), sun.birth(), "female", null, null, null, null), 50)
        .people().stream().map(Person::id).toList()).contains(sun.id()).doesNotContain(ghost);
  }

  @Test
  void aGarbledRecordDoesNotHoldUpTheWritesBehindIt() throws Exception {
    Patient garbled = new Patient();
    garbled.addName().setFamily("名".repeat(20_000)).addGiven("字".repeat(20_000));
    garbled.addTelecom().setSystem(ContactPoint.ContactPointSystem.PHONE).setValue("1".repeat(40_000));
    client().create().resource(garbled).execute();
    Resident after = resident("吴");
    matchUntil(testToken(), input(query("吴", after.given(), after.birth())), b -> entryFor(b, after.id()) != null);
  }

  @Test
  void badInputIsAnsweredWithAnOperationOutcomeNamingIt() throws Exception {
    HttpResponse<String> noResource = match(testToken(), FHIR.newJsonParser().encodeResourceToString(new Parameters()));
    assertThat(noResource.statusCode()).isEqualTo(400);
    OperationOutcome missing = FHIR.newJsonParser().parseResource(OperationOutcome.class, noResource.body());
    assertThat(missing.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);

    Patient genderOnly = new Patient().setGender(AdministrativeGender.MALE);
    HttpResponse<String> tooLittle = match(testToken(), input(genderOnly));
    assertThat(tooLittle.statusCode()).isEqualTo(422);
    OperationOutcome little = FHIR.newJsonParser().parseResource(OperationOutcome.class, tooLittle.body());
    assertThat(little.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.INCOMPLETE);
    assertThat(little.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Patient");

    Parameters zeroCount = input(query("张", "三", LocalDate.of(1980, 1, 1)));
    zeroCount.addParameter().setName("count").setValue(new IntegerType(0));
    HttpResponse<String> zero = match(testToken(), zeroCount);
    assertThat(zero.statusCode()).isEqualTo(400);
    assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, zero.body()).getIssueFirstRep()
        .getExpression().get(0).getValue()).isEqualTo("Parameters.parameter:count");
  }

  @Test
  void aClinicianIsToldOnlyAboutPatientsTheirInstitutionTreatsAPeerHubAboutAnyone() throws Exception {
    Resident zhou = resident("周");
    Parameters byNumber = input(new Patient().addIdentifier(new org.hl7.fhir.r4.model.Identifier()
        .setSystem(ID_CARD).setValue(zhou.card())));
    matchUntil(testToken(), byNumber, b -> entryFor(b, zhou.id()) != null);

    String peer = clients().tokenFor("match-peer", Map.of("role", "peer-hub"));
    assertThat(entryFor(bundle(match(peer, byNumber)), zhou.id())).isNotNull();

    String clinician = clients().tokenFor("match-clinician", Map.of("role", "clinician", "institution", "MATCH_HOSP_B"));
    Bundle told = bundle(match(clinician, byNumber));
    assertThat(told.getEntry()).isEmpty();

    String issuer = clients().tokenFor("match-card-issuer", Map.of("role", "card-issuer"));
    assertThat(match(issuer, byNumber).statusCode()).isEqualTo(403);
  }
}
