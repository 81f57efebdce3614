package cn.healthcard.hub.cards.national;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.cards.signing.RequestVerifier;
import cn.healthcard.hub.cards.signing.SignedRequest;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator holds the national side of the protocol, checked here with raw HTTP. */
class NationalRegistrySimulatorTest {
  private static final String KEY_ID = "province-21";

  private final KeyPair province = Sm2.generateKeyPair();
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private NationalRegistrySimulator national;

  @BeforeEach
  void startNational() {
    national = NationalRegistrySimulator.start(KEY_ID, "21", province.getPublic());
  }

  @AfterEach
  void stopNational() {
    national.close();
  }

  private static byte[] registration(UUID requestId, String province, String cardNumber) {
    return NationalMessages.write(
        new NationalMessages.RegistrationRequest(
            requestId.toString(), province, cardNumber, "adult", "04A1B2C3D4E5F6",
            "icbc-shenyang-001", "2026-03-01T08:00:00Z"));
  }

  private static byte[] statusChange(UUID requestId, String cardNumber, String status) {
    return NationalMessages.write(
        new NationalMessages.StatusChangeRequest(
            requestId.toString(), "21", cardNumber, status, null, "2026-03-02T08:00:00Z"));
  }

  private HttpResponse<byte[]> post(String path, byte[] body, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(national.baseUrl() + path))
            .header("Content-Type", NationalMessages.CONTENT_TYPE)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> signedPost(String path, byte[] body)
      throws IOException, InterruptedException {
    return post(path, body,
        SignedRequest.sign(KEY_ID, province.getPrivate(), "POST", path, body, Instant.now()));
  }

  private static NationalMessages.Answer answer(HttpResponse<byte[]> response) {
    return NationalMessages.read(response.body(), NationalMessages.Answer.class);
  }

  @Test
  void signedRegistrationIsRegisteredWith201AndANationalRegistrationId() throws Exception {
    UUID requestId = UUID.randomUUID();
    String number = CardNumbers.next();

    HttpResponse<byte[]> response =
        signedPost(NationalMessages.REGISTRATIONS_PATH, registration(requestId, "21", number));

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(answer(response).requestId()).isEqualTo(requestId.toString());
    assertThat(answer(response).registrationId()).startsWith("NR-");
    assertThat(answer(response).status()).isEqualTo("registered");
    assertThat(national.registrationsFrom("21"))
        .singleElement()
        .satisfies(r -> {
          assertThat(r.cardNumber()).isEqualTo(number);
          assertThat(r.requestId()).isEqualTo(requestId);
          assertThat(r.registrationId()).isEqualTo(answer(response).registrationId());
        });
  }

  @Test
  void answersAreSignedByTheNationalKeyOverTheStatusCodeAndTheRequestPath() throws Exception {
    HttpResponse<byte[]> response =
        signedPost(NationalMessages.REGISTRATIONS_PATH,
            registration(UUID.randomUUID(), "21", CardNumbers.next()));
    RequestVerifier verifier =
        new RequestVerifier(
            keyId -> keyId.equals(national.keyId()) ? Optional.of(national.publicKey())
                : Optional.empty(),
            new InMemoryNonceLog(Duration.ofMinutes(5), Clock.systemUTC()),
            Duration.ofMinutes(5),
            Clock.systemUTC());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue(SignedRequest.KEY_ID)).contains("national");
    assertThat(
            verifier.verify(
                name -> response.headers().firstValue(name).orElse(null),
                "RESPONSE 201",
                NationalMessages.REGISTRATIONS_PATH,
                response.body()))
        .isEqualTo(new RequestVerifier.Verified("national"));
    // the same answer presented as another status does not verify
    assertThatThrownBy(
            () -> verifier.verify(
                name -> response.headers().firstValue(name).orElse(null),
                "RESPONSE 200",
                NationalMessages.REGISTRATIONS_PATH,
                response.body()))
        .isInstanceOf(RequestVerifier.SignatureRefused.class)
        .hasMessage("signature does not match the request");
  }

  @Test
  void requestWhoseBodyWasAlteredAfterSigningIsRefusedWith401() throws Exception {
    String path = NationalMessages.REGISTRATIONS_PATH;
    UUID requestId = UUID.randomUUID();
    byte[] signed = registration(requestId, "21", CardNumbers.next());
    byte[] tampered = registration(requestId, "21", CardNumbers.next());

    HttpResponse<byte[]> response =
        post(path, tampered,
            SignedRequest.sign(KEY_ID, province.getPrivate(), "POST", path, signed, Instant.now()));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(answer(response).error()).isEqualTo("signature");
    assertThat(answer(response).reason()).isEqualTo("signature does not match the request");
    assertThat(national.registrations()).isEmpty();
  }

  @Test
  void requestSignedForAnotherPathIsRefusedWith401() throws Exception {
    byte[] body = statusChange(UUID.randomUUID(), CardNumbers.next(), "cancelled");

    HttpResponse<byte[]> response =
        post(NationalMessages.STATUS_PATH, body,
            SignedRequest.sign(KEY_ID, province.getPrivate(), "POST",
                NationalMessages.REGISTRATIONS_PATH, body, Instant.now()));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(answer(response).reason()).isEqualTo("signature does not match the request");
  }

  @Test
  void replayedRequestIsRefusedWith401ForItsNonce() throws Exception {
    String path = NationalMessages.REGISTRATIONS_PATH;
    byte[] body = registration(UUID.randomUUID(), "21", CardNumbers.next());
    Map<String, String> headers =
        SignedRequest.sign(KEY_ID, province.getPrivate(), "POST", path, body, Instant.now());

    HttpResponse<byte[]> first = post(path, body, headers);
    HttpResponse<byte[]> replay = post(path, body, headers);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(answer(replay).reason()).isEqualTo("nonce already used (replayed request)");
    assertThat(national.registrations()).hasSize(1);
  }

  @Test
  void unsignedRequestAndUnknownKeyAreRefusedWith401() throws Exception {
    String path = NationalMessages.REGISTRATIONS_PATH;
    byte[] body = registration(UUID.randomUUID(), "21", CardNumbers.next());
    KeyPair stranger = Sm2.generateKeyPair();

    HttpResponse<byte[]> unsigned = post(path, body, Map.of());
    HttpResponse<byte[]> unknownKey =
        post(path, body,
            SignedRequest.sign("province-99", stranger.getPrivate(), "POST", path, body,
                Instant.now()));
    HttpResponse<byte[]> wrongKey =
        post(path, body,
            SignedRequest.sign(KEY_ID, stranger.getPrivate(), "POST", path, body, Instant.now()));

    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertThat(answer(unsigned).reason()).isEqualTo("missing header X-Hub-Key-Id");
    assertThat(unknownKey.statusCode()).isEqualTo(401);
    assertThat(answer(unknownKey).reason()).isEqualTo("unknown key id province-99");
    assertThat(wrongKey.statusCode()).isEqualTo(401);
    assertThat(answer(wrongKey).reason()).isEqualTo("signature does not match the request");
    assertThat(national.registrations()).isEmpty();
  }

  @Test
  void provinceKeyCannotRegisterForAnotherProvince() throws Exception {
    UUID requestId = UUID.randomUUID();

    HttpResponse<byte[]> response =
        signedPost(NationalMessages.REGISTRATIONS_PATH,
            registration(requestId, "11", CardNumbers.next()));

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(answer(response).requestId()).isEqualTo(requestId.toString());
    assertThat(answer(response).error()).isEqualTo("forbidden");
    assertThat(national.registrations()).isEmpty();
  }

  @Test
  void invalidCardNumberIsRefusedWith400WithoutQuotingIt() throws Exception {
    UUID requestId = UUID.randomUUID();
    String valid = CardNumbers.next();
    String badCheck = valid.substring(0, 17) + (valid.charAt(17) == '0' ? '1' : '0');

    HttpResponse<byte[]> response =
        signedPost(NationalMessages.REGISTRATIONS_PATH, registration(requestId, "21", badCheck));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(answer(response).requestId()).isEqualTo(requestId.toString());
    assertThat(answer(response).reason())
        .isEqualTo("cardNumber must be a valid 18-character resident identity number")
        .doesNotContain(badCheck);
  }

  @Test
  void bodyThatIsNotJsonIsRefusedWith400() throws Exception {
    HttpResponse<byte[]> response =
        signedPost(NationalMessages.REGISTRATIONS_PATH,
            "not json".getBytes(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(answer(response).error()).isEqualTo("malformed");
    assertThat(answer(response).requestId()).isNull();
  }

  @Test
  void repeatedRequestIdGetsTheSameRegistrationWith200AndRegistersNothingMore() throws Exception {
    UUID requestId = UUID.randomUUID();
    byte[] body = registration(requestId, "21", CardNumbers.next());

    HttpResponse<byte[]> first = signedPost(NationalMessages.REGISTRATIONS_PATH, body);
    HttpResponse<byte[]> again = signedPost(NationalMessages.REGISTRATIONS_PATH, body);

    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(answer(again).registrationId()).isEqualTo(answer(first).registrationId());
    assertThat(national.registrations()).hasSize(1);
    assertThat(national.receivedRequestIds()).containsExactly(requestId, requestId);
  }

  @Test
  void requestIdReusedWithAnotherBodyIsRefusedWith422() throws Exception {
    UUID requestId = UUID.randomUUID();
    signedPost(NationalMessages.REGISTRATIONS_PATH,
        registration(requestId, "21", CardNumbers.next()));

    HttpResponse<byte[]> reused =
        signedPost(NationalMessages.REGISTRATIONS_PATH,
            registration(requestId, "21", CardNumbers.next()));

    assertThat(reused.statusCode()).isEqualTo(422);
    assertThat(answer(reused).error()).isEqualTo("request-id-reused");
    assertThat(national.registrations()).hasSize(1);
  }

  @Test
  void cardLiveInAnotherProvinceIsA409NamingThatProvince() throws Exception {
    String number = CardNumbers.next();
    national.registerElsewhere(number, "11");
    UUID requestId = UUID.randomUUID();

    HttpResponse<byte[]> response =
        signedPost(NationalMessages.REGISTRATIONS_PATH, registration(requestId, "21", number));

    assertThat(response.statusCode()).isEqualTo(409);
    assertThat(answer(response).requestId()).isEqualTo(requestId.toString());
    assertThat(answer(response).error()).isEqualTo("card-live");
    assertThat(answer(response).province()).isEqualTo("11");
    assertThat(answer(response).reason()).isEqualTo("card is live in province 11");
    assertThat(national.registrationsFrom("21")).isEmpty();
  }

  @Test
  void cancelledCardNumberCanBeRegisteredAgain() throws Exception {
    String number = CardNumbers.next();
    signedPost(NationalMessages.REGISTRATIONS_PATH,
        registration(UUID.randomUUID(), "21", number));

    HttpResponse<byte[]> cancelled =
        signedPost(NationalMessages.STATUS_PATH,
            statusChange(UUID.randomUUID(), number, "cancelled"));
    HttpResponse<byte[]> again =
        signedPost(NationalMessages.REGISTRATIONS_PATH,
            registration(UUID.randomUUID(), "21", number));

    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(answer(cancelled).status()).isEqualTo("cancelled");
    assertThat(again.statusCode()).isEqualTo(201);
    assertThat(national.registrations()).extracting(r -> r.status())
        .containsExactly("cancelled", "registered");
  }

  @Test
  void statusChangeOfACardNotRegisteredByTheProvinceIs404() throws Exception {
    String elsewhere = CardNumbers.next();
    national.registerElsewhere(elsewhere, "11");

    HttpResponse<byte[]> unknown =
        signedPost(NationalMessages.STATUS_PATH,
            statusChange(UUID.randomUUID(), CardNumbers.next(), "reported-lost"));
    HttpResponse<byte[]> otherProvinces =
        signedPost(NationalMessages.STATUS_PATH,
            statusChange(UUID.randomUUID(), elsewhere, "cancelled"));

    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(answer(unknown).error()).isEqualTo("unknown-card");
    assertThat(otherProvinces.statusCode()).isEqualTo(404);
    assertThat(national.liveRegistration(elsewhere)).isPresent();
  }

  @Test
  void replacementRequiresTheNewChipSerialAndKeepsTheCardLive() throws Exception {
    String number = CardNumbers.next();
    signedPost(NationalMessages.REGISTRATIONS_PATH,
        registration(UUID.randomUUID(), "21", number));
    byte[] withoutChip = statusChange(UUID.randomUUID(), number, "replaced");
    byte[] withChip =
        NationalMessages.write(
            new NationalMessages.StatusChangeRequest(
                UUID.randomUUID().toString(), "21", number, "replaced", "NEWCHIP01",
                "2026-03-03T08:00:00Z"));

    HttpResponse<byte[]> refused = signedPost(NationalMessages.STATUS_PATH, withoutChip);
    HttpResponse<byte[]> replaced = signedPost(NationalMessages.STATUS_PATH, withChip);

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(answer(refused).reason()).isEqualTo("chipSerial is required for replaced");
    assertThat(replaced.statusCode()).isEqualTo(200);
    assertThat(national.liveRegistration(number))
        .hasValueSatisfying(r -> {
          assertThat(r.status()).isEqualTo("replaced");
          assertThat(r.chipSerial()).isEqualTo("NEWCHIP01");
        });
  }

  @Test
  void failWithAnswersThatStatusAndGoUpEndsIt() throws Exception {
    national.failWith(503);
    HttpResponse<byte[]> down =
        signedPost(NationalMessages.REGISTRATIONS_PATH,
            registration(UUID.randomUUID(), "21", CardNumbers.next()));
    national.goUp();
    HttpResponse<byte[]> up =
        signedPost(NationalMessages.REGISTRATIONS_PATH,
            registration(UUID.randomUUID(), "21", CardNumbers.next()));

    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(up.statusCode()).isEqualTo(201);
    assertThat(national.registrations()).hasSize(1);
    assertThat(national.requestCount()).isEqualTo(2);
  }

  @Test
  void stoppedSimulatorRefusesConnectionsAndRestartsOnTheSamePortWithItsState() throws Exception {
    signedPost(NationalMessages.REGISTRATIONS_PATH,
        registration(UUID.randomUUID(), "21", CardNumbers.next()));
    int port = national.port();

    national.stop();
    assertThatThrownBy(
            () -> signedPost(NationalMessages.REGISTRATIONS_PATH,
                registration(UUID.randomUUID(), "21", CardNumbers.next())))
        .isInstanceOf(ConnectException.class);
    national.restart();
    HttpResponse<byte[]> after =
        signedPost(NationalMessages.REGISTRATIONS_PATH,
            registration(UUID.randomUUID(), "21", CardNumbers.next()));

    assertThat(national.port()).isEqualTo(port);
    assertThat(after.statusCode()).isEqualTo(201);
    assertThat(national.registrations()).hasSize(2);
  }

  @Test
  void droppedResponseStillRegistersTheCardButTheCallerGetsNoAnswer() throws Exception {
    national.dropResponses(1);
    UUID requestId = UUID.randomUUID();
    byte[] body = registration(requestId, "21", CardNumbers.next());

    assertThatThrownBy(() -> signedPost(NationalMessages.REGISTRATIONS_PATH, body))
        .isInstanceOf(IOException.class);
    HttpResponse<byte[]> retry = signedPost(NationalMessages.REGISTRATIONS_PATH, body);

    assertThat(retry.statusCode()).isEqualTo(200);
    assertThat(national.registrations()).singleElement()
        .satisfies(r -> assertThat(r.registrationId()).isEqualTo(answer(retry).registrationId()));
  }
}
