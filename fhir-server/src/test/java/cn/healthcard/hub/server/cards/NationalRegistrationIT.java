package cn.healthcard.hub.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.crypto.sm.Sm2;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NationalRegistrationIT extends CardsIntegrationTest {

  @BeforeEach
  void nationalSystemTrustsTheProvince() throws Exception {
    JsonNode national = adminNational();
    assertThat(national.get("configured").asBoolean()).isTrue();
    NATIONAL.trust(
        national.get("keyId").asText(), national.get("provinceCode").asText(),
        Sm2.decodePublicKey(national.get("publicKey").asText()));
    NATIONAL.goUp();
  }

  JsonNode adminNational() throws Exception {
    String body =
        send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/cards/national")).GET().build())
            .body();
    return new ObjectMapper().readTree(body);
  }

  static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition not met within " + timeout).isBefore(deadline);
      Thread.sleep(100);
    }
  }

  String issueAtKiosk(String number, String chip) {
    String kiosk = registerInstitution("kiosk", null);
    return value(parameters(operation("/Patient/$issue-card", issue("kiosk", person(number), kiosk, chip))), "status");
  }

  @Test
  void aCardIssuedOnTheSpotIsRegisteredNationallyWithItsChip() throws Exception {
    String number = newCardNumber();
    String chip = chip();
    assertThat(issueAtKiosk(number, chip)).isEqualTo("active");

    await(() -> NATIONAL.liveRegistration(number).isPresent(), Duration.ofSeconds(20));
    assertThat(NATIONAL.liveRegistration(number).orElseThrow().chipSerial()).isEqualTo(chip);
    assertThat(NATIONAL.liveRegistration(number).orElseThrow().provinceCode()).isEqualTo("21");

    parameters(operation("/Patient/$card-event", event(number, "cancel", "emigration")));
    await(() -> NATIONAL.liveRegistration(number).isEmpty(), Duration.ofSeconds(20));
  }

  @Test
  void aCardLiveInAnotherProvinceIsPutOnHoldWithTheReason() throws Exception {
    String number = newCardNumber();
    NATIONAL.registerElsewhere(number, "11");

    assertThat(issueAtKiosk(number, chip())).isEqualTo("active");

    await(
        () -> "on-hold".equals(value(parameters(get("/Patient/$card-status?cardNumber=" + number)), "status")),
        Duration.ofSeconds(20));
    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + number));
    var last = status.getParameters("history").get(status.getParameters("history").size() - 1);
    assertThat(CardLifecycleIT.part(last, "event")).isEqualTo("national-conflict");
    assertThat(CardLifecycleIT.part(last, "actor")).isEqualTo("national-registry");
    assertThat(CardLifecycleIT.part(last, "reason")).isNotBlank().doesNotContain(number);

    // a client may not release it
    OperationOutcome byClient =
        outcome(operation("/Patient/$card-event", event(number, "release-hold", "resolved")), 422);
    assertThat(byClient.getIssueFirstRep().getDiagnostics()).contains("unknown event 'release-hold'");
    assertThat(byClient.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Parameters.parameter[event]");
    assertThat(value(parameters(get("/Patient/$card-status?cardNumber=" + number)), "status")).isEqualTo("on-hold");
  }

  HttpResponse<String> releaseHold(String number, String body) {
    String withNumber =
        body.trim().equals("{}")
            ? "{\"cardNumber\":\"" + number + "\"}"
            : body.trim().replaceFirst("^\\{", "{\"cardNumber\":\"" + number + "\",");
    return send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/cards/release-hold"))
            .header("Content-Type", "application/json")
            .header("X-Hub-Operator", "ops-zhang")
            .POST(HttpRequest.BodyPublishers.ofString(withNumber))
            .build());
  }

  @Test
  void anOperatorReleasesAHoldAndTheNationalRegistryIsAskedAgain() throws Exception {
    String number = newCardNumber();
    NATIONAL.registerElsewhere(number, "11");
    assertThat(issueAtKiosk(number, chip())).isEqualTo("active");
    await(
        () -> "on-hold".equals(value(parameters(get("/Patient/$card-status?cardNumber=" + number)), "status")),
        Duration.ofSeconds(20));

    HttpResponse<String> noReason = releaseHold(number, "{}");
    assertThat(noReason.statusCode()).as(noReason.body()).isEqualTo(422);
    assertThat(noReason.body()).contains("reason");
    HttpResponse<String> unknown = releaseHold(newCardNumber(), "{\"reason\":\"x\"}");
    assertThat(unknown.statusCode()).as(unknown.body()).isEqualTo(404);

    // the other province withdrew its card: asked again, the national registry accepts this one
    NATIONAL.withdrawElsewhere(number);
    HttpResponse<String> released = releaseHold(number, "{\"reason\":\"resolved with province 11\"}");
    assertThat(released.statusCode()).as(released.body()).isEqualTo(200);
    JsonNode answer = new ObjectMapper().readTree(released.body());
    assertThat(answer.get("status").asText()).isEqualTo("active");
    assertThat(released.body()).doesNotContain(number);

    await(
        () -> NATIONAL.liveRegistration(number).map(r -> r.provinceCode().equals("21")).orElse(false),
        Duration.ofSeconds(20));
    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(value(status, "status")).isEqualTo("active");
    var last = status.getParameters("history").get(status.getParameters("history").size() - 1);
    assertThat(CardLifecycleIT.part(last, "event")).isEqualTo("release-hold");
    // the operator is the client of the access token, not the X-Hub-Operator header sent alongside
    assertThat(CardLifecycleIT.part(last, "actor")).isEqualTo("operator client:" + TEST_CLIENT);
    assertThat(CardLifecycleIT.part(last, "reason")).isEqualTo("resolved with province 11");

    HttpResponse<String> notHeld = releaseHold(number, "{\"reason\":\"again\"}");
    assertThat(notHeld.statusCode()).as(notHeld.body()).isEqualTo(409);
    assertThat(notHeld.body()).contains("status 'active'");
  }

  @Test
  void healthShowsTheNationalOutbox() throws Exception {
    JsonNode health = new ObjectMapper().readTree(
        send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).GET().build()).body());
    JsonNode national = health.path("components").path("nationalRegistry");
    assertThat(national.path("status").asText()).isEqualTo("UP");
    assertThat(national.path("details").path("configured").asBoolean()).isTrue();
    assertThat(national.path("details").has("pending")).isTrue();
  }

  @Test
  void theNationalSystemDownDelaysRegistrationButLosesNothing() throws Exception {
    NATIONAL.failWith(503);
    String number = newCardNumber();
    assertThat(issueAtKiosk(number, chip())).isEqualTo("active");
    Thread.sleep(1_000);
    assertThat(NATIONAL.liveRegistration(number)).isEmpty();
    assertThat(adminNational().get("outbox").get("retrying").asLong() + adminNational().get("outbox").get("pending").asLong())
        .isGreaterThanOrEqualTo(1);

    NATIONAL.goUp();

    await(() -> NATIONAL.liveRegistration(number).isPresent(), Duration.ofSeconds(30));
    assertThat(NATIONAL.registrations().stream().filter(r -> number.equals(r.cardNumber())).count()).isEqualTo(1);
  }
}
