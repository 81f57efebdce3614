package cn.healthcard.hub.cards.keyinjection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.ca.HealthCa;
import cn.healthcard.hub.cards.ca.RevocationReason;
import cn.healthcard.hub.cards.hsm.CardCredentials;
import cn.healthcard.hub.cards.hsm.Hsm;
import cn.healthcard.hub.cards.hsm.Sm2Cipher;
import cn.healthcard.hub.crypto.sm.Sm4;
import cn.healthcard.hub.cards.hsm.SoftwareHsm;
import cn.healthcard.hub.cards.hsm.TestCard;
import cn.healthcard.hub.cards.hsm.TestHsms;
import cn.healthcard.hub.cards.hsm.WrappedCardKeys;
import cn.healthcard.hub.crypto.sm.Sm2;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyInjectionFrontEndTest {
  private static final String CARD = "21010219900307123X";
  private static final String NAME = "张三丰";
  private static final String CHIP = "04A1B2C3D4E5F601";
  private static final String FACTORY = "factory-shenyang";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DataSource db = TestDatabase.dataSource();
  private final Map<String, PublicKey> producerKeys = new ConcurrentHashMap<>();
  private final InMemoryProductionRegistry registry = new InMemoryProductionRegistry();
  private SoftwareHsm hsm;
  private HealthCa ca;
  private KeyInjectionFrontEnd frontEnd;
  private CardProductionClient factory;

  @BeforeEach
  void freshHub() {
    TestDatabase.truncateAll();
    hsm = TestHsms.open(db);
    ca = new HealthCa(db, hsm);
    frontEnd = frontEnd(hsm);
    factory = producer(FACTORY);
  }

  private KeyInjectionFrontEnd frontEnd(Hsm withHsm) {
    return new KeyInjectionFrontEnd(
        db,
        withHsm,
        ca,
        id -> Optional.ofNullable(producerKeys.get(id)),
        registry,
        KeyInjectionFrontEnd.Settings.defaults(),
        Clock.systemUTC());
  }

  private CardProductionClient producer(String id) {
    CardProductionClient client = CardProductionClient.of(id, Sm2.generateKeyPair(), frontEnd);
    producerKeys.put(id, client.publicKey());
    return client;
  }

  private static PersonalizationData card() {
    return PersonalizationData.of(CARD, CHIP, "adult", UUID.randomUUID().toString(), NAME);
  }

  private static byte[] challenge() {
    byte[] challenge = new byte[16];
    RANDOM.nextBytes(challenge);
    return challenge;
  }

  private static KeyInjectionRefused refusal(ThrowingCallable call) {
    KeyInjectionRefused refused = catchThrowableOfType(call, KeyInjectionRefused.class);
    assertThat(refused).as("refused").isNotNull();
    return refused;
  }

  /** Rows of hub.key_injection_log: request_id, producer_id, step, outcome, code, reason. */
  private List<List<String>> log() throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    try (Connection connection = db.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "select request_id, producer_id, step, outcome, code, reason"
                    + " from hub.key_injection_log order by id")) {
      while (row.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= 6; i++) {
          values.add(row.getString(i));
        }
        rows.add(values);
      }
    }
    return rows;
  }

  private List<String> lastLog() throws SQLException {
    List<List<String>> rows = log();
    return rows.get(rows.size() - 1);
  }

  /** Every text the front end's tables hold, to check no card number or name is among them. */
  private String everythingStored() throws SQLException {
    StringBuilder all = new StringBuilder();
    try (Connection connection = db.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "select l::text from hub.key_injection_log l"
                    + " union all select r::text from hub.key_injection_request r")) {
      while (row.next()) {
        all.append(row.getString(1)).append('\n');
      }
    }
    return all.toString();
  }

  @Test
  void aFullRoundTripGivesACardWhoseMacTheHsmVerifiesAndWhoseCertificateTheCaIssued()
      throws Exception {
    UUID cardId = registry.expect(CARD, NAME, FACTORY);

    PersonalizationRequest request = factory.request(card());
    PersonalizationResponse response = frontEnd.personalize(request);
    TestCard card = factory.open(response);

    byte[] challenge = challenge();
    assertThat(hsm.verifyCardMac(CARD, CHIP, challenge, card.answerChallenge(challenge))).isTrue();
    assertThat(response.diversificationCode()).isEqualTo(hsm.diversificationCode(CARD, CHIP));
    assertThat(response.keyCheckValues()).containsOnlyKeys("auth", "mac", "enc");

    X509Certificate certificate = card.certificate().orElseThrow();
    certificate.verify(ca.issuingCertificate().getPublicKey(), Sm2.PROVIDER);
    assertThat(HealthCa.subjectId(certificate)).isEqualTo(cardId.toString());
    byte[] document = "consent".getBytes(StandardCharsets.UTF_8);
    assertThat(Sm2.verify(certificate.getPublicKey(), document, card.sign(document))).isTrue();

    InjectionReceipt receipt = frontEnd.confirm(factory.confirmation(request.requestId(), card));

    assertThat(receipt.status()).isEqualTo(InjectionReceipt.RECORDED);
    assertThat(factory.isSignedByTheHub(receipt)).isTrue();
    assertThat(registry.injections())
        .containsExactly(
            new InMemoryProductionRegistry.Injection(
                cardId, CHIP, response.diversificationCode(), certificate.getSerialNumber().toString(16)));
    assertThat(log())
        .extracting(row -> row.subList(0, 4))
        .containsExactly(
            List.of(request.requestId(), FACTORY, "personalization", "accepted"),
            List.of(request.requestId(), FACTORY, "confirmation", "accepted"));
    assertThat(everythingStored()).doesNotContain(CARD).doesNotContain(NAME);
  }

  @Test
  void theProductionClientYieldsAConfirmedCardInOneCall() {
    UUID cardId = registry.expect(CARD, NAME, FACTORY);
    TestCard card = factory.produce(frontEnd, card());
    byte[] challenge = challenge();
    assertThat(hsm.verifyCardMac(CARD, CHIP, challenge, card.answerChallenge(challenge))).isTrue();
    assertThat(registry.injectionOf(cardId)).isPresent();
  }

  @Test
  void theJsonEndpointsAnswerWithStatusAndBody() throws Exception {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest request = factory.request(card());

    KeyInjectionFrontEnd.JsonAnswer answer = frontEnd.personalize(KeyInjectionJson.write(request));
    assertThat(answer.status()).isEqualTo(200);
    TestCard card = factory.open(KeyInjectionJson.read(answer.body(), PersonalizationResponse.class));
    byte[] challenge = challenge();
    assertThat(hsm.verifyCardMac(CARD, CHIP, challenge, card.answerChallenge(challenge))).isTrue();

    KeyInjectionFrontEnd.JsonAnswer receipt =
        frontEnd.confirm(KeyInjectionJson.write(factory.confirmation(request.requestId(), card)));
    assertThat(receipt.status()).isEqualTo(200);
    assertThat(KeyInjectionJson.read(receipt.body(), InjectionReceipt.class).status())
        .isEqualTo(InjectionReceipt.RECORDED);

    KeyInjectionFrontEnd.JsonAnswer replay = frontEnd.personalize(KeyInjectionJson.write(request));
    assertThat(replay.status()).isEqualTo(409);
    JsonNode error = new ObjectMapper().readTree(replay.body());
    assertThat(error.get("error").asText()).isEqualTo("replayed");
    assertThat(error.get("requestId").asText()).isEqualTo(request.requestId());
    assertThat(error.get("reason").asText()).isNotBlank();
  }

  @Test
  void aBodyThatIsNotJsonIsRefusedAsMalformedAndRecorded() throws Exception {
    KeyInjectionFrontEnd.JsonAnswer answer =
        frontEnd.personalize("{not json".getBytes(StandardCharsets.UTF_8));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(new ObjectMapper().readTree(answer.body()).get("error").asText()).isEqualTo("malformed");
    assertThat(lastLog()).containsExactly(null, null, "personalization", "refused", "malformed", lastLog().get(5));
  }

  @Test
  void aCiphertextAlteredInTransitIsRefusedAsABadSignatureAndRecorded() throws Exception {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest request = factory.request(card());
    byte[] data = Base64.getDecoder().decode(request.encryptedData());
    data[5] ^= 1;
    PersonalizationRequest altered =
        new PersonalizationRequest(
            request.requestId(), request.producerId(), request.timestamp(),
            request.encryptedSessionKey(), request.iv(), Base64.getEncoder().encodeToString(data),
            request.signature());

    KeyInjectionRefused refused = refusal(() -> frontEnd.personalize(altered));

    assertThat(refused.code()).isEqualTo(RefusalCode.BAD_SIGNATURE);
    assertThat(refused.httpStatus()).isEqualTo(401);
    assertThat(lastLog().subList(0, 5))
        .containsExactly(request.requestId(), FACTORY, "personalization", "refused", "bad-signature");
    // the id was not spent by the forgery: the genuine request still goes through
    assertThat(frontEnd.personalize(request).requestId()).isEqualTo(request.requestId());
  }

  @Test
  void signedDataThatDoesNotDecryptIsRefusedAsUndecryptableAndRecorded() throws Exception {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest request = factory.request(card());
    byte[] data = Base64.getDecoder().decode(request.encryptedData());
    data[data.length - 1] ^= 0x55;
    PersonalizationRequest garbled =
        factory.sign(
            new PersonalizationRequest(
                request.requestId(), FACTORY, request.timestamp(), request.encryptedSessionKey(),
                request.iv(), Base64.getEncoder().encodeToString(data), null));

    KeyInjectionRefused refused = refusal(() -> frontEnd.personalize(garbled));

    assertThat(refused.code()).isEqualTo(RefusalCode.UNDECRYPTABLE);
    assertThat(lastLog().subList(0, 5))
        .containsExactly(request.requestId(), FACTORY, "personalization", "refused", "undecryptable");
    assertThat(registry.injections()).isEmpty();
  }

  @Test
  void aSessionKeyEncryptedToAnotherKeyIsRefusedAsUndecryptable() {
    registry.expect(CARD, NAME, FACTORY);
    KeyPair notTheHub = Sm2.generateKeyPair();
    CardProductionClient misconfigured =
        new CardProductionClient(
            FACTORY, Sm2.generateKeyPair(), notTheHub.getPublic(), frontEnd.signingPublicKey(), Clock.systemUTC());
    producerKeys.put(FACTORY, misconfigured.publicKey());

    KeyInjectionRefused refused = refusal(() -> frontEnd.personalize(misconfigured.request(card())));

    assertThat(refused.code()).isEqualTo(RefusalCode.UNDECRYPTABLE);
  }

  @Test
  void aReplayedRequestIsRefusedAndBothAreRecorded() throws Exception {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest request = factory.request(card());
    frontEnd.personalize(request);

    KeyInjectionRefused refused = refusal(() -> frontEnd.personalize(request));

    assertThat(refused.code()).isEqualTo(RefusalCode.REPLAYED);
    assertThat(refused.httpStatus()).isEqualTo(409);
    assertThat(log())
        .extracting(row -> row.get(3) + "/" + row.get(4))
        .containsExactly("accepted/null", "refused/replayed");
  }

  @Test
  void anUnknownProducerIsRefusedAndRecorded() throws Exception {
    registry.expect(CARD, NAME, FACTORY);
    CardProductionClient stranger =
        CardProductionClient.of("factory-unregistered", Sm2.generateKeyPair(), frontEnd);

    KeyInjectionRefused refused = refusal(() -> frontEnd.personalize(stranger.request(card())));

    assertThat(refused.code()).isEqualTo(RefusalCode.UNKNOWN_PRODUCER);
    assertThat(lastLog().subList(1, 5))
        .containsExactly("factory-unregistered", "personalization", "refused", "unknown-producer");
  }

  @Test
  void aRequestSignedByAnotherKeyThanTheProducersIsRefusedAsABadSignature() {
    registry.expect(CARD, NAME, FACTORY);
    CardProductionClient impostor = CardProductionClient.of(FACTORY, Sm2.generateKeyPair(), frontEnd);

    KeyInjectionRefused refused = refusal(() -> frontEnd.personalize(impostor.request(card())));

    assertThat(refused.code()).isEqualTo(RefusalCode.BAD_SIGNATURE);
  }

  @Test
  void aStaleTimestampIsRefusedAndRecorded() throws Exception {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest old =
        factory.request(UUID.randomUUID().toString(), Instant.now().minus(Duration.ofMinutes(10)), card());

    KeyInjectionRefused refused = refusal(() -> frontEnd.personalize(old));

    assertThat(refused.code()).isEqualTo(RefusalCode.STALE_TIMESTAMP);
    assertThat(lastLog().get(4)).isEqualTo("stale-timestamp");
  }

  @Test
  void aCardTheRegistryRefusesIsNotLegitimateAndNeitherTheReasonNorTheLogQuotesTheCardNumberOrName()
      throws Exception {
    KeyInjectionRefused unknownCard = refusal(() -> frontEnd.personalize(factory.request(card())));
    registry.expect(CARD, "李四", FACTORY);
    KeyInjectionRefused otherHolder = refusal(() -> frontEnd.personalize(factory.request(card())));

    for (KeyInjectionRefused refused : List.of(unknownCard, otherHolder)) {
      assertThat(refused.code()).isEqualTo(RefusalCode.NOT_LEGITIMATE);
      assertThat(refused.httpStatus()).isEqualTo(403);
      assertThat(refused.reason()).startsWith("the card registry refused").doesNotContain(CARD, NAME);
      assertThat(refused.getMessage()).doesNotContain(CARD, NAME);
    }
    assertThat(log()).extracting(row -> row.get(4)).containsExactly("not-legitimate", "not-legitimate");
    assertThat(everythingStored()).doesNotContain(CARD).doesNotContain(NAME);
    assertThat(registry.injections()).isEmpty();
  }

  @Test
  void personalizationDataSealedByOneProducerCannotBeSubmittedByAnother() {
    registry.expect(CARD, NAME, FACTORY);
    CardProductionClient other = producer("factory-dalian");
    PersonalizationRequest original = factory.request(card());
    PersonalizationRequest resubmitted =
        other.sign(
            new PersonalizationRequest(
                UUID.randomUUID().toString(), "factory-dalian", Instant.now().toString(),
                original.encryptedSessionKey(), original.iv(), original.encryptedData(), null));

    KeyInjectionRefused refused = refusal(() -> frontEnd.personalize(resubmitted));

    assertThat(refused.code()).isEqualTo(RefusalCode.MISMATCH);
  }

  @Test
  void aConfirmationWithAWrongDiversificationCodeIsRefusedAndNothingIsRecordedInTheRegistry()
      throws Exception {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest request = factory.request(card());
    TestCard card = factory.open(frontEnd.personalize(request));
    InjectionConfirmation genuine = factory.confirmation(request.requestId(), card);
    InjectionConfirmation wrongCode =
        factory.sign(
            new InjectionConfirmation(
                request.requestId(), CARD, CHIP, hsm.diversificationCode(CARD, "04FFFFFFFFFFFF01"), null));

    KeyInjectionRefused refused = refusal(() -> frontEnd.confirm(wrongCode));

    assertThat(refused.code()).isEqualTo(RefusalCode.MISMATCH);
    assertThat(lastLog().subList(0, 5))
        .containsExactly(request.requestId(), FACTORY, "confirmation", "refused", "mismatch");
    assertThat(registry.injections()).isEmpty();
    assertThat(frontEnd.confirm(genuine).status()).isEqualTo(InjectionReceipt.RECORDED);
  }

  @Test
  void aConfirmationForAnotherChipThanTheRequestedOneIsRefused() {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest request = factory.request(card());
    PersonalizationResponse response = frontEnd.personalize(request);
    InjectionConfirmation otherChip =
        factory.sign(
            new InjectionConfirmation(
                request.requestId(), CARD, "04FFFFFFFFFFFF01", response.diversificationCode(), null));

    assertThat(refusal(() -> frontEnd.confirm(otherChip)).code()).isEqualTo(RefusalCode.MISMATCH);
    assertThat(registry.injections()).isEmpty();
  }

  @Test
  void aConfirmationForARequestTheHubNeverAnsweredIsRefused() throws Exception {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest request = factory.request(card());
    TestCard card = factory.open(frontEnd.personalize(request));
    InjectionConfirmation unknown = factory.confirmation("no-such-request", card);

    KeyInjectionRefused refused = refusal(() -> frontEnd.confirm(unknown));

    assertThat(refused.code()).isEqualTo(RefusalCode.UNKNOWN_REQUEST);
    assertThat(refused.httpStatus()).isEqualTo(404);
    assertThat(lastLog().subList(0, 5))
        .containsExactly("no-such-request", null, "confirmation", "refused", "unknown-request");
  }

  @Test
  void aConfirmationSignedByAnotherProducerIsRefused() {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest request = factory.request(card());
    TestCard card = factory.open(frontEnd.personalize(request));
    CardProductionClient other = producer("factory-dalian");

    KeyInjectionRefused refused =
        refusal(() -> frontEnd.confirm(other.confirmation(request.requestId(), card)));

    assertThat(refused.code()).isEqualTo(RefusalCode.BAD_SIGNATURE);
    assertThat(registry.injections()).isEmpty();
  }

  @Test
  void confirmingTwiceIsRecordedOnceInTheRegistry() {
    registry.expect(CARD, NAME, FACTORY);
    PersonalizationRequest request = factory.request(card());
    TestCard card = factory.open(frontEnd.personalize(request));
    InjectionConfirmation confirmation = factory.confirmation(request.requestId(), card);

    InjectionReceipt first = frontEnd.confirm(confirmation);
    InjectionReceipt second = frontEnd.confirm(confirmation);

    assertThat(first.status()).isEqualTo(InjectionReceipt.RECORDED);
    assertThat(second.status()).isEqualTo(InjectionReceipt.ALREADY_RECORDED);
    assertThat(factory.isSignedByTheHub(second)).isTrue();
    assertThat(registry.injections()).hasSize(1);
  }

  @Test
  void anInternalFailureFreesTheRequestIdAndRevokesTheUndeliveredCertificate() throws Exception {
    UUID cardId = registry.expect(CARD, NAME, FACTORY);
    AtomicBoolean failNext = new AtomicBoolean(true);
    KeyInjectionFrontEnd flaky = frontEnd(new FailingExportHsm(hsm, failNext));
    PersonalizationRequest request = factory.request(card());

    Throwable failure = catchThrowableOfType(() -> flaky.personalize(request), IllegalStateException.class);

    assertThat(failure).hasMessage("HSM unavailable");
    assertThat(lastLog().subList(0, 5))
        .containsExactly(request.requestId(), FACTORY, "personalization", "failed", null);
    BigInteger orphan;
    try (Connection connection = db.getConnection();
        Statement statement = connection.createStatement();
        ResultSet row =
            statement.executeQuery(
                "select serial from hub.ca_issued_certificate where subject_id = '" + cardId + "'")) {
      row.next();
      orphan = new BigInteger(row.getString(1), 16);
    }
    assertThat(ca.status(orphan).orElseThrow().revocation())
        .isEqualTo(RevocationReason.CESSATION_OF_OPERATION);
    // the producer retries with the same request id
    TestCard card = factory.open(flaky.personalize(request));
    assertThat(card.certificate().orElseThrow().getSerialNumber()).isNotEqualTo(orphan);
  }

  @Test
  void theRefusalJsonCarriesTheCodeTheReasonAndTheRequestId() throws Exception {
    KeyInjectionRefused refused =
        new KeyInjectionRefused(RefusalCode.UNKNOWN_PRODUCER, "the producer is not registered", "r-1");
    JsonNode json = new ObjectMapper().readTree(KeyInjectionFrontEnd.errorJson(refused));
    assertThat(json.get("error").asText()).isEqualTo("unknown-producer");
    assertThat(json.get("reason").asText()).isEqualTo("the producer is not registered");
    assertThat(json.get("requestId").asText()).isEqualTo("r-1");
  }

  @Test
  void theMaskHidesIdentityNumbersTheRegistryQuotes() {
    PersonalizationData data = card();
    assertThat(KeyInjectionFrontEnd.mask("card 110105194912310021 and " + CARD + " of " + NAME, data))
        .isEqualTo("card *** and *** of ***");
  }

  /** Delegates to a real HSM, but its next export fails. */
  private record FailingExportHsm(Hsm delegate, AtomicBoolean failNext) implements Hsm {
    @Override
    public PublicKey ensureSigningKey(String alias) {
      return delegate.ensureSigningKey(alias);
    }

    @Override
    public PublicKey ensureDecryptionKey(String alias) {
      return delegate.ensureDecryptionKey(alias);
    }

    @Override
    public Optional<PublicKey> publicKey(String alias) {
      return delegate.publicKey(alias);
    }

    @Override
    public byte[] sign(String alias, byte[] data) {
      return delegate.sign(alias, data);
    }

    @Override
    public byte[] decrypt(String alias, byte[] sm2Ciphertext) {
      return delegate.decrypt(alias, sm2Ciphertext);
    }

    @Override
    public String diversificationCode(String cardNumber, String chipSerial) {
      return delegate.diversificationCode(cardNumber, chipSerial);
    }

    @Override
    public WrappedCardKeys exportCardKeys(
        String cardNumber, String chipSerial, PublicKey recipient, CardCredentials credentials) {
      if (failNext.getAndSet(false)) {
        throw new IllegalStateException("HSM unavailable");
      }
      return delegate.exportCardKeys(cardNumber, chipSerial, recipient, credentials);
    }

    @Override
    public boolean verifyCardMac(String cardNumber, String chipSerial, byte[] challenge, byte[] mac) {
      return delegate.verifyCardMac(cardNumber, chipSerial, challenge, mac);
    }
  }
}
