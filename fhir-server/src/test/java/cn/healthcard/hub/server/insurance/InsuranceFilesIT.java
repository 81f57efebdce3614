package cn.healthcard.hub.server.insurance;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.records.FamilyRecordRules;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/**
 * The insurance's files through their folders: a premium batch out, the bank's answer in (applied
 * once; a refused file set aside with its reason), an enrolment roll in and its report out.
 */
class InsuranceFilesIT extends HubIntegrationTest {

  private static final Path BANK_IN = DATA_DIR.resolve("inbound").resolve("insurance-bank");
  private static final Path ROLL_IN = DATA_DIR.resolve("inbound").resolve("insurance-roll");
  private static final Path ROLL_OUT = DATA_DIR.resolve("outbound").resolve("insurance-roll");
  private static int sequence = (int) (System.nanoTime() % 400);

  private static String faku(boolean female) {
    while (true) {
      String body = "210124" + "19700101" + String.format("%03d", 500 + (sequence++ % 499));
      String n = body + ResidentIdNumber.checkCharacter(body);
      if ((ResidentIdNumber.parse(n).sex() == ResidentIdNumber.Sex.FEMALE) == female) {
        return n;
      }
    }
  }

  private String create(org.hl7.fhir.r4.model.Resource resource) {
    HttpResponse<String> created = post("/" + resource.fhirType(), "application/fhir+json",
        FHIR.newJsonParser().encodeResourceToString(resource));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return FHIR.newJsonParser().parseResource(created.body()).getIdElement().getIdPart();
  }

  private String patient(String card) {
    Patient p = new Patient();
    p.addIdentifier().setSystem(CARD).setValue(card);
    return create(p);
  }

  private static void drop(Path folder, String name, String content) throws Exception {
    Files.createDirectories(folder);
    Path partial = folder.resolve(name + ".tmp");
    Files.writeString(partial, content, StandardCharsets.UTF_8);
    Files.move(partial, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE);
  }

  private static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(40));
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not within 40 s: " + what);
      }
      Thread.sleep(250);
    }
  }

  private HttpResponse<String> admin(String method, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .method(method, HttpRequest.BodyPublishers.noBody()).build());
  }

  @Test
  void aPremiumBatchGoesOutAndTheBanksAnswerStartsTheCoverageOnce() throws Exception {
    String head = faku(false);
    String headId = patient(head);
    Group g = new Group();
    g.setType(Group.GroupType.PERSON).setActual(true);
    g.setCode(new CodeableConcept(new Coding(FamilyRecordRules.GROUP_KIND_SYSTEM, FamilyRecordRules.HOUSEHOLD, null)));
    g.addMember().setEntity(new Reference("Patient/" + headId)).addExtension(FamilyRecordRules.RELATIONSHIP_EXTENSION,
        new Coding(HubCodeSystems.FAMILY_RELATIONSHIP, "02", null));
    String group = create(g);
    HttpResponse<String> enrolled = send(HttpRequest.newBuilder(URI.create(base() + "/Group/" + group + "/$enrol"))
        .header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"resourceType\": \"Parameters\"}")).build());
    assertThat(enrolled.statusCode()).as(enrolled.body()).isEqualTo(200);
    String coverage = ((Reference) FHIR.newJsonParser().parseResource(Parameters.class, enrolled.body())
        .getParameters("coverage").get(0).getValue()).getReference();

    HttpResponse<String> batch = admin("POST", "/admin/insurance/bank/premium-collection?county=210124");
    assertThat(batch.statusCode()).as(batch.body()).isEqualTo(201);
    String batchId = batch.body().replaceAll(".*\"batch\":\"([^\"]+)\".*", "$1");
    HttpResponse<String> file = admin("GET", "/admin/insurance/bank/batches/" + batchId + "/file");
    assertThat(file.statusCode()).isEqualTo(200);
    List<String> rows = file.body().lines().toList();
    assertThat(rows.get(0)).isEqualTo("batch,line,premium,card_number,amount_fen");
    assertThat(rows.stream().filter(r -> r.contains("," + head + ",")).count()).isEqualTo(1);
    assertThat(Files.exists(DATA_DIR.resolve("outbound").resolve("insurance-bank")
        .resolve("NCMS-PREMIUM-210124-" + batchId + ".csv"))).isTrue();

    StringBuilder answer = new StringBuilder("batch,line,result,bank_reference,paid_at,reason\n");
    for (String row : rows.subList(1, rows.size())) {
      String[] f = row.split(",");
      answer.append(f[0]).append(',').append(f[1]).append(",paid,ABC").append(f[1]).append(",2025-12-20T10:00:00+08:00,\n");
    }
    drop(BANK_IN, "answer-" + batchId + ".csv", answer.toString());
    waitFor(() -> FHIR.newJsonParser().parseResource(Coverage.class, get("/" + coverage).body()).getStatus()
        == Coverage.CoverageStatus.ACTIVE, "the coverage active after the bank's answer");
    waitFor(() -> !Files.exists(BANK_IN.resolve("answer-" + batchId + ".csv")), "the answer file moved to .done");

    // the same answer again under another name: taken, changes nothing
    drop(BANK_IN, "answer-again-" + batchId + ".csv", answer.toString());
    waitFor(() -> !Files.exists(BANK_IN.resolve("answer-again-" + batchId + ".csv")), "the repeated file taken");
    assertThat(Files.exists(BANK_IN.resolve(".failed").resolve("answer-again-" + batchId + ".csv"))).isFalse();

    drop(BANK_IN, "garbled-" + batchId + ".csv", "this is not an answer\n");
    waitFor(() -> Files.exists(BANK_IN.resolve(".failed").resolve("garbled-" + batchId + ".csv.reason.txt")),
        "the garbled file set aside");
    assertThat(Files.readString(BANK_IN.resolve(".failed").resolve("garbled-" + batchId + ".csv.reason.txt")))
        .startsWith("line 1: ");
  }

  @Test
  void anEnrolmentRollIsVerifiedIntoAReport() throws Exception {
    String known = faku(true);
    patient(known);
    String unknown = faku(false);
    String name = "roll-" + System.nanoTime() + ".csv";
    drop(ROLL_IN, name, "county,year,household,card_number,name\n"
        + "210124,2026,H1," + known + ",张三\n"
        + "210124,2026,H2," + unknown + ",李四\n");
    Path report = ROLL_OUT.resolve(name + ".report.csv");
    waitFor(() -> Files.exists(report), "the roll's report");
    List<String> lines = Files.readAllLines(report, StandardCharsets.UTF_8);
    assertThat(lines).containsExactly("line,county,card_number,finding,detail",
        "3,210124," + unknown + ",unknown,no resident with this number");
  }
}
