package cn.healthcard.hub.server.bank;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import cn.healthcard.hub.mappings.bank.BankStatementToReconciliation;
import cn.healthcard.hub.server.HubIntegrationTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.function.Supplier;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.PaymentReconciliation;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Bank statements through the hub: posted by a partner bank or dropped into the inbound folder,
 * recorded whole before the answer, stored as PaymentReconciliations by the worker, refused whole
 * when malformed, dead-lettered and replayable when they cannot be stored.
 */
class BankStatementsIT extends HubIntegrationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient raw = HttpClient.newHttpClient();
  @Autowired DaoRegistry daos;

  private String bank() {
    return clients().tokenFor("it-partner-bank", Map.of("role", "payment-channel"));
  }

  private String operator() {
    return clients().tokenFor("it-finance-operator", Map.of("role", "operator"));
  }

  private HttpResponse<String> postStatement(String token, byte[] body, String contentType) throws Exception {
    return raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/bank/statements"))
        .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> getAs(String token, String path) throws Exception {
    return raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private Bundle reconciliations(String entryKey) throws Exception {
    HttpResponse<String> found = getAs(operator(), "/fhir/PaymentReconciliation?identifier="
        + BankStatementToReconciliation.ENTRY_SYSTEM + "%7C" + entryKey.replace("/", "%2F"));
    assertThat(found.statusCode()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Bundle.class, found.body());
  }

  private static <T> T await(Supplier<T> read, java.util.function.Predicate<T> done) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(30);
    T value = read.get();
    while (!done.test(value) && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      value = read.get();
    }
    return value;
  }

  private String statementStatus(long id) {
    try {
      HttpResponse<String> status = getAs(bank(), "/bank/statements/" + id);
      assertThat(status.statusCode()).isEqualTo(200);
      return JSON.readTree(status.body()).path("status").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] camt() throws Exception {
    try (InputStream in = BankStatementsIT.class.getResourceAsStream("/bank/camt053-agricultural-bank-2026-12-06.xml")) {
      return in.readAllBytes();
    }
  }

  private static String csv(String serial, String amount, String balance) {
    return "账号,交易日期,流水号,借贷标志,交易金额,手续费,用途,余额\r\n"
        + "06120101049990001,20261206," + serial + ",贷," + amount + ",0.50,门诊缴费," + balance + "\r\n";
  }

  @Test
  void aPostedCamt053IsRecordedAnsweredAndStoredOnceAsReconciliations() throws Exception {
    HttpResponse<String> posted = postStatement(bank(), camt(), "application/xml");

    assertThat(posted.statusCode()).isEqualTo(202);
    JsonNode answer = JSON.readTree(posted.body());
    assertThat(answer.path("format").asText()).isEqualTo("camt.053");
    assertThat(answer.path("entries").asInt()).isEqualTo(3);
    assertThat(answer.path("duplicate").asBoolean()).isFalse();
    long id = answer.path("statement").asLong();
    assertThat(await(() -> statementStatus(id), "STORED"::equals)).isEqualTo("STORED");

    Bundle found = reconciliations("06120101040012345/ABC2026120600019002");
    assertThat(found.getEntry().size()).isEqualTo(1);
    PaymentReconciliation debit = (PaymentReconciliation) found.getEntryFirstRep().getResource();
    assertThat(debit.getPaymentAmount().getValue()).isEqualByComparingTo("-1202.00");
    assertThat(debit.getDetail()).hasSize(2);
    assertThat(debit.getDetail().get(1).getType().getText()).isEqualTo("bank charge COMM");
    assertThat(debit.getMeta().getVersionId()).isEqualTo("1");

    // the same file again: the same statement, nothing written twice
    HttpResponse<String> again = postStatement(bank(), camt(), "application/xml");
    assertThat(again.statusCode()).isEqualTo(202);
    assertThat(JSON.readTree(again.body()).path("duplicate").asBoolean()).isTrue();
    assertThat(JSON.readTree(again.body()).path("statement").asLong()).isEqualTo(id);
    assertThat(reconciliations("06120101040012345/ABC2026120600019002").getEntry().size()).isEqualTo(1);
  }

  @Test
  void aMalformedFileIsRefusedWholeWithItsLineAndNothingIsKept() throws Exception {
    String broken = csv("IT-BAD-1", "100.00", "1000.00")
        + "06120101049990001,20261206,IT-BAD-2,贷,50.00,0.50,门诊缴费,1100.00\r\n";

    HttpResponse<String> refused = postStatement(bank(), broken.getBytes(StandardCharsets.UTF_8), "text/csv");

    assertThat(refused.statusCode()).isEqualTo(422);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, refused.body());
    assertThat(outcome.getIssueFirstRep().getLocation().get(0).getValue()).isEqualTo("line 3");
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).isEqualTo("line 3: 余额 1100.00 does not follow from the row"
        + " before (1000.00 + 50.00 - 0.50 = 1049.50): a row is missing or altered");
    assertThat(reconciliations("06120101049990001/IT-BAD-1").getEntry().size()).isZero();
  }

  @Test
  void aFileLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
    byte[] huge = new byte[cn.healthcard.hub.routes.bank.BankStatementIntake.MAX_BYTES + 1];
    java.util.Arrays.fill(huge, (byte) 'x');

    HttpResponse<String> refused = postStatement(bank(), huge, "text/csv");

    assertThat(refused.statusCode()).isEqualTo(413);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, refused.body());
    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOCOSTLY);
  }

  @Test
  void onlyBanksAndOperatorsPostStatementsAndOnlyOperatorsReadReconciliations() throws Exception {
    registerHospital("BANK_IT_HOSP");
    String hospital = clients().tokenFor("it-bank-hospital", Map.of("role", "hospital", "institution", "BANK_IT_HOSP"));
    assertThat(postStatement(hospital, camt(), "application/xml").statusCode()).isEqualTo(403);
    assertThat(getAs(hospital, "/fhir/PaymentReconciliation").statusCode()).isEqualTo(403);
    assertThat(getAs(bank(), "/fhir/PaymentReconciliation").statusCode()).isEqualTo(403);
    assertThat(getAs(operator(), "/fhir/PaymentReconciliation").statusCode()).isEqualTo(200);
  }

  @Test
  void aDroppedFileIsStoredAndMovedToDoneAndARefusedOneToFailedWithItsReason() throws Exception {
    Path inbound = DATA_DIR.resolve("inbound").resolve("bank");
    Files.createDirectories(inbound);
    Files.writeString(inbound.resolve("abc-20261206.csv.tmp"), csv("IT-DROP-1", "250.00", "5250.00"), StandardCharsets.UTF_8);
    Files.move(inbound.resolve("abc-20261206.csv.tmp"), inbound.resolve("abc-20261206.csv"));
    Files.writeString(inbound.resolve("bad.csv"), "账号,交易日期\r\nx,y\r\n", StandardCharsets.UTF_8);

    Bundle stored = await(() -> {
      try {
        return reconciliations("06120101049990001/IT-DROP-1");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, b -> b.getEntry().size() == 1);
    assertThat(stored.getEntry().size()).isEqualTo(1);
    Path done = inbound.resolve(".done").resolve(LocalDate.now().format(DateTimeFormatter.BASIC_ISO_DATE)).resolve("abc-20261206.csv");
    assertThat(await(() -> Files.exists(done), d -> d)).isTrue();
    Path reason = inbound.resolve(".failed").resolve("bad.csv.reason.txt");
    assertThat(await(() -> Files.exists(reason), r -> r)).isTrue();
    assertThat(Files.readString(reason, StandardCharsets.UTF_8)).isEqualTo(
        "line 1: the header has no column 流水号 (required: 账号, 交易日期, 流水号, 借贷标志, 交易金额)\n");
    assertThat(await(() -> Files.exists(inbound.resolve(".failed").resolve("bad.csv")), f -> f)).isTrue();
  }

  @Test
  void aStatementThatCannotBeStoredIsADeadLetterAndIsStoredWhenReplayed() throws Exception {
    // two reconciliations already claim the entry's identifier: its conditional update cannot choose
    var dao = daos.getResourceDao(PaymentReconciliation.class);
    PaymentReconciliation clash = (PaymentReconciliation) BankStatementToReconciliation.map(
        csv("IT-DEAD-1", "10.00", "110.00").getBytes(StandardCharsets.UTF_8)).getEntryFirstRep().getResource();
    var first = dao.create(clash.copy(), new SystemRequestDetails()).getId();
    dao.create(clash.copy(), new SystemRequestDetails());

    HttpResponse<String> posted = postStatement(bank(), csv("IT-DEAD-1", "10.00", "110.00").getBytes(StandardCharsets.UTF_8), "text/csv");
    assertThat(posted.statusCode()).isEqualTo(202);
    long id = JSON.readTree(posted.body()).path("statement").asLong();
    assertThat(await(() -> statementStatus(id), "FAILED"::equals)).isEqualTo("FAILED");
    HttpResponse<String> letters = getAs(operator(), "/admin/bank/dead-letters");
    assertThat(letters.statusCode()).isEqualTo(200);
    JsonNode letter = null;
    for (JsonNode l : JSON.readTree(letters.body())) {
      if (l.path("id").asLong() == id) {
        letter = l;
      }
    }
    assertThat(letter).isNotNull();
    assertThat(letter.path("reason").asText()).contains("PaymentReconciliation");

    dao.delete(first.toUnqualifiedVersionless(), new SystemRequestDetails());
    HttpResponse<String> replayed = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/admin/bank/dead-letters/" + id + "/replay")).header("Authorization", "Bearer " + operator())
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(replayed.statusCode()).isEqualTo(200);
    assertThat(await(() -> statementStatus(id), "STORED"::equals)).isEqualTo("STORED");
    assertThat(reconciliations("06120101049990001/IT-DEAD-1").getEntry().size()).isEqualTo(1);
  }
}
