package cn.healthcard.hub.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.cards.hsm.TestCard;
import cn.healthcard.hub.cards.keyinjection.CardProductionClient;
import cn.healthcard.hub.cards.keyinjection.InjectionReceipt;
import cn.healthcard.hub.cards.keyinjection.KeyInjectionJson;
import cn.healthcard.hub.cards.keyinjection.PersonalizationData;
import cn.healthcard.hub.cards.keyinjection.PersonalizationRequest;
import cn.healthcard.hub.cards.keyinjection.PersonalizationResponse;
import cn.healthcard.hub.crypto.sm.Sm2;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

/**
 * The card factory's round trip over HTTP: a batch card is produced with keys injected through
 * the front end, the result file moves it on, it is activated, and terminals verify it.
 */
class KeyInjectionIT extends CardsIntegrationTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ObjectMapper json = new ObjectMapper();

  private HttpResponse<String> http(String method, String path, byte[] body) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
    if (body == null) {
      builder.GET();
    } else {
      builder.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    }
    return send(builder.build());
  }

  private HttpResponse<byte[]> bytes(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private CardProductionClient producer(String producerId, KeyPair key) throws Exception {
    JsonNode keys = json.readTree(http("GET", "/key-injection/v1/keys", null).body());
    return new CardProductionClient(
        producerId,
        key,
        Sm2.decodePublicKey(keys.get("encryptionKey").asText()),
        Sm2.decodePublicKey(keys.get("signingKey").asText()),
        Clock.systemUTC());
  }

  private TestCard inject(CardProductionClient producer, PersonalizationData data) {
    PersonalizationRequest request = producer.request(data);
    HttpResponse<String> personalized =
        http("POST", "/key-injection/v1/personalizations", KeyInjectionJson.write(request));
    assertThat(personalized.statusCode()).as(personalized.body()).isEqualTo(200);
    TestCard card =
        producer.open(
            KeyInjectionJson.read(personalized.body().getBytes(StandardCharsets.UTF_8), PersonalizationResponse.class));
    HttpResponse<String> confirmed =
        http("POST", "/key-injection/v1/confirmations",
            KeyInjectionJson.write(producer.confirmation(request.requestId(), card)));
    assertThat(confirmed.statusCode()).as(confirmed.body()).isEqualTo(200);
    InjectionReceipt receipt =
        KeyInjectionJson.read(confirmed.body().getBytes(StandardCharsets.UTF_8), InjectionReceipt.class);
    assertThat(producer.isSignedByTheHub(receipt)).isTrue();
    return card;
  }

  private Parameters verify(String number, String chip, byte[] challenge, byte[] mac) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("cardNumber").setValue(new StringType(number));
    parameters.addParameter().setName("chipSerial").setValue(new StringType(chip));
    parameters.addParameter().setName("challenge").setValue(new Base64BinaryType(challenge));
    parameters.addParameter().setName("mac").setValue(new Base64BinaryType(mac));
    parameters.addParameter().setName("terminal").setValue(new StringType("TERM-01"));
    return parameters(operation("/Patient/$verify-card", parameters));
  }

  private static byte[] challenge() {
    byte[] challenge = new byte[16];
    RANDOM.nextBytes(challenge);
    return challenge;
  }

  private X509CRL crl() throws Exception {
    HttpResponse<byte[]> response = bytes("/ca/crl");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/pkix-crl");
    return (X509CRL)
        CertificateFactory.getInstance("X.509", Sm2.PROVIDER).generateCRL(new ByteArrayInputStream(response.body()));
  }

  @Test
  void aBatchCardIsProducedWithInjectedKeysActivatedAndVerifiedByTerminals() throws Exception {
    KeyPair factoryKey = Sm2.generateKeyPair();
    String factory = registerInstitution("card-factory", factoryKey);
    String number = newCardNumber();
    String cardId = new BatchIssuanceIT().approvedVia(this, number);

    Parameters batch = parameters(operation("/$card-production-batch", new Parameters()));
    String batchId = value(batch, "batch");
    String file = new String(((Attachment) batch.getParameter("file").getValue()).getData(), StandardCharsets.UTF_8);
    assertThat(Arrays.stream(file.split("\n")).anyMatch(l -> l.contains(cardId))).isTrue();

    CardProductionClient producer = producer(factory, factoryKey);
    String chip = chip();
    TestCard card = inject(producer, PersonalizationData.of(number, chip, "adult", batchId, "张三丰"));
    X509Certificate certificate = card.certificate().orElseThrow();
    assertThat(certificate.getSubjectX500Principal().getName()).contains(cardId).doesNotContain(number);
    X509Certificate issuing =
        (X509Certificate)
            CertificateFactory.getInstance("X.509", Sm2.PROVIDER)
                .generateCertificate(new ByteArrayInputStream(bytes("/ca/issuing.crt").body()));
    certificate.verify(issuing.getPublicKey(), Sm2.PROVIDER);

    String result =
        "batch_id,card_id,card_number,chip_serial,result,reason\n"
            + batchId + "," + cardId + "," + number + "," + chip + ",ok,\n";
    Parameters produced = parameters(operation("/$card-production-result", BatchIssuanceIT.resultFile(result)));
    assertThat(value(produced, "produced")).isEqualTo("1");
    assertThat(value(parameters(operation("/$card-production-result", BatchIssuanceIT.resultFile(result))), "alreadyApplied"))
        .isEqualTo("true");
    Parameters awaiting = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(value(awaiting, "status")).isEqualTo("awaiting-activation");
    assertThat(value(awaiting, "chipSerial")).isEqualTo(chip);

    byte[] challenge = challenge();
    Parameters beforeActivation = verify(number, chip, challenge, card.answerChallenge(challenge));
    assertThat(value(beforeActivation, "genuine")).isEqualTo("true");
    assertThat(value(beforeActivation, "live")).isEqualTo("false");

    parameters(operation("/Patient/$card-event", event(number, "activate", null)));
    byte[] second = challenge();
    Parameters verified = verify(number, chip, second, card.answerChallenge(second));
    assertThat(value(verified, "genuine")).isEqualTo("true");
    assertThat(value(verified, "live")).isEqualTo("true");
    assertThat(value(verified, "outcome")).isEqualTo("genuine");
    assertThat(reference(verified, "patient")).isEqualTo(reference(awaiting, "patient"));

    Parameters replayed = verify(number, chip, second, card.answerChallenge(second));
    assertThat(value(replayed, "genuine")).isEqualTo("false");
    assertThat(value(replayed, "outcome")).isEqualTo("replayed-challenge");
    assertThat(replayed.getParameter("patient")).isNull();

    byte[] third = challenge();
    byte[] forged = card.answerChallenge(third);
    forged[0] ^= 1;
    assertThat(value(verify(number, chip, third, forged), "outcome")).isEqualTo("bad-mac");
    assertThat(value(verify(number, "CHIP-UNKNOWN", third, card.answerChallenge(third)), "outcome"))
        .isEqualTo("unknown-card");

    Map<String, Long> outcomes =
        CardStatisticsIT.groups(parameters(get("/$card-statistics?of=verifications&by=outcome")));
    assertThat(outcomes.get("genuine")).isGreaterThanOrEqualTo(2);
    assertThat(outcomes.get("replayed-challenge")).isGreaterThanOrEqualTo(1);
    assertThat(outcomes.get("bad-mac")).isGreaterThanOrEqualTo(1);

    BigInteger serial = certificate.getSerialNumber();
    assertThat(crl().getRevokedCertificate(serial)).isNull();
    parameters(operation("/Patient/$card-event", event(number, "report-lost", "lost at the market")));
    assertThat(crl().getRevokedCertificate(serial)).isNotNull();
    parameters(operation("/Patient/$card-event", event(number, "found", null)));
    assertThat(crl().getRevokedCertificate(serial)).isNull();
    parameters(operation("/Patient/$card-event", event(number, "cancel", "death")));
    assertThat(crl().getRevokedCertificate(serial)).isNotNull();
    byte[] fourth = challenge();
    Parameters cancelled = verify(number, chip, fourth, card.answerChallenge(fourth));
    assertThat(value(cancelled, "genuine")).isEqualTo("true");
    assertThat(value(cancelled, "live")).isEqualTo("false");
    assertThat(value(cancelled, "status")).isEqualTo("cancelled");
  }

  @Test
  void aChipThatFailedProductionIsRevokedAndTheNextBatchPersonalizesAnother() throws Exception {
    KeyPair factoryKey = Sm2.generateKeyPair();
    String factory = registerInstitution("card-factory", factoryKey);
    CardProductionClient producer = producer(factory, factoryKey);
    String number = newCardNumber();
    String cardId = new BatchIssuanceIT().approvedVia(this, number);
    String firstBatch = value(parameters(operation("/$card-production-batch", new Parameters())), "batch");
    String brokenChip = chip();
    TestCard broken = inject(producer, PersonalizationData.of(number, brokenChip, "adult", firstBatch, "张三丰"));
    BigInteger brokenSerial = broken.certificate().orElseThrow().getSerialNumber();

    String failure =
        "batch_id,card_id,card_number,chip_serial,result,reason\n"
            + firstBatch + "," + cardId + "," + number + "," + brokenChip + ",failed,chip defect\n";
    assertThat(value(parameters(operation("/$card-production-result", BatchIssuanceIT.resultFile(failure))), "failed"))
        .isEqualTo("1");

    Parameters approvedAgain = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(value(approvedAgain, "status")).isEqualTo("approved");
    assertThat(approvedAgain.getParameter("chipSerial")).isNull();
    assertThat(crl().getRevokedCertificate(brokenSerial)).isNotNull();
    assertThat(crl().getRevokedCertificate(brokenSerial).getRevocationReason())
        .isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);

    String secondBatch = value(parameters(operation("/$card-production-batch", new Parameters())), "batch");
    String goodChip = chip();
    inject(producer, PersonalizationData.of(number, goodChip, "adult", secondBatch, "张三丰"));
    String produced =
        "batch_id,card_id,card_number,chip_serial,result,reason\n"
            + secondBatch + "," + cardId + "," + number + "," + goodChip + ",ok,\n";
    assertThat(value(parameters(operation("/$card-production-result", BatchIssuanceIT.resultFile(produced))), "produced"))
        .isEqualTo("1");
    Parameters awaiting = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(value(awaiting, "status")).isEqualTo("awaiting-activation");
    assertThat(value(awaiting, "chipSerial")).isEqualTo(goodChip);
  }

  @Test
  void tamperedReplayedAndIllegitimatePersonalizationIsRefused() throws Exception {
    KeyPair kioskKey = Sm2.generateKeyPair();
    String kiosk = registerInstitution("kiosk", kioskKey);
    String number = newCardNumber();
    String chip = chip();
    parameters(signedOperation("/Patient/$issue-card", issue("kiosk", person(number), kiosk, chip), kiosk, kioskKey));
    CardProductionClient producer = producer(kiosk, kioskKey);

    PersonalizationRequest request = producer.request(PersonalizationData.of(number, chip, "adult", null, "张三丰"));
    String body = new String(KeyInjectionJson.write(request), StandardCharsets.UTF_8);
    String encrypted = request.encryptedData();
    char flipped = encrypted.charAt(10) == 'A' ? 'B' : 'A';
    String tampered = body.replace(encrypted, encrypted.substring(0, 10) + flipped + encrypted.substring(11));
    HttpResponse<String> refused =
        http("POST", "/key-injection/v1/personalizations", tampered.getBytes(StandardCharsets.UTF_8));
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(json.readTree(refused.body()).get("error").asText()).isEqualTo("bad-signature");

    HttpResponse<String> first = http("POST", "/key-injection/v1/personalizations", KeyInjectionJson.write(request));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    HttpResponse<String> replay = http("POST", "/key-injection/v1/personalizations", KeyInjectionJson.write(request));
    assertThat(replay.statusCode()).isEqualTo(409);
    assertThat(json.readTree(replay.body()).get("error").asText()).isEqualTo("replayed");

    KeyPair otherKey = Sm2.generateKeyPair();
    String otherKiosk = registerInstitution("kiosk", otherKey);
    HttpResponse<String> notTheIssuer =
        http("POST", "/key-injection/v1/personalizations",
            KeyInjectionJson.write(producer(otherKiosk, otherKey).request(PersonalizationData.of(number, chip, "adult", null, "张三丰"))));
    assertThat(notTheIssuer.statusCode()).isEqualTo(403);
    JsonNode notLegitimate = json.readTree(notTheIssuer.body());
    assertThat(notLegitimate.get("error").asText()).isEqualTo("not-legitimate");
    assertThat(notTheIssuer.body()).doesNotContain(number);

    HttpResponse<String> unknownProducer =
        http("POST", "/key-injection/v1/personalizations",
            KeyInjectionJson.write(producer("nobody", otherKey).request(PersonalizationData.of(number, chip, "adult", null, "张三丰"))));
    assertThat(json.readTree(unknownProducer.body()).get("error").asText()).isEqualTo("unknown-producer");

    HttpResponse<String> malformed = http("POST", "/key-injection/v1/personalizations", "{not json".getBytes(StandardCharsets.UTF_8));
    assertThat(malformed.statusCode()).isEqualTo(400);
  }
}
