package cn.healthcard.hub.cards.national;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.national.OutboxEntry.State;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox and its sender against a real PostgreSQL (the hub's migrations) and the national
 * simulator over real HTTP on loopback, signatures both ways.
 */
class NationalRegistrationSenderTest {
  private static final String KEY_ID = "province-21";
  private static final KeyPair PROVINCE = Sm2.generateKeyPair();
  private static final Duration INITIAL = Duration.ofSeconds(1);
  private static final Duration MAX = Duration.ofMinutes(5);

  private record Conflict(UUID cardId, String reason) {}

  private final DataSource dataSource = TestDatabase.dataSource();
  private final MutableClock clock = MutableClock.atSystemTime();
  private final List<Conflict> conflicts = new CopyOnWriteArrayList<>();
  private NationalRegistrySimulator national;
  private NationalRegistrationOutbox outbox;
  private NationalRegistrationSender sender;

  @BeforeEach
  void setUp() {
    TestDatabase.truncateAll();
    national = NationalRegistrySimulator.start(KEY_ID, "21", PROVINCE.getPublic());
    outbox = new NationalRegistrationOutbox(dataSource, "21", clock);
    sender = sender(config());
  }

  @AfterEach
  void tearDown() {
    sender.stop();
    national.close();
  }

  private NationalRegistryConfig config() {
    return NationalRegistryConfig.of(
            national.baseUrl(), KEY_ID, PROVINCE.getPrivate(), national.keyId(),
            national.publicKey())
        .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
  }

  private NationalRegistrationSender sender(NationalRegistryConfig config) {
    // requests are signed on real time (the simulator checks skew); scheduling is on the test clock
    return new NationalRegistrationSender(
        dataSource,
        new NationalRegistryClient(config, Clock.systemUTC()),
        (cardId, reason) -> conflicts.add(new Conflict(cardId, reason)),
        Backoff.exponential(INITIAL, MAX),
        20,
        clock);
  }

  private static NationalRequest.Registration registration(UUID cardId, String number) {
    return new NationalRequest.Registration(
        cardId, number, NationalRequest.CardType.ADULT, "04A1B2C3D4E5F6", "icbc-shenyang-001",
        Instant.parse("2026-03-01T08:00:00Z"));
  }

  private UUID enqueue(NationalRequest request) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      UUID requestId = outbox.enqueue(connection, request);
      connection.commit();
      return requestId;
    }
  }

  private UUID enqueueRegistration(UUID cardId) throws SQLException {
    return enqueue(registration(cardId, CardNumbers.next()));
  }

  private OutboxEntry entry(UUID requestId) throws SQLException {
    return outbox.find(requestId).orElseThrow();
  }

  @Test
  void registrationIsDeliveredAndMarkedDoneWithTheNationalRegistrationId() throws Exception {
    UUID cardId = UUID.randomUUID();
    String number = CardNumbers.next();
    UUID requestId = enqueue(registration(cardId, number));

    NationalRegistrationSender.DrainResult result = sender.drainOnce();

    assertThat(result).isEqualTo(new NationalRegistrationSender.DrainResult(1, 0, 0, 0));
    NationalRegistrySimulator.Registration registered =
        national.registrationsFrom("21").get(0);
    assertThat(registered.requestId()).isEqualTo(requestId);
    assertThat(registered.cardNumber()).isEqualTo(number);
    assertThat(registered.chipSerial()).isEqualTo("04A1B2C3D4E5F6");
    assertThat(registered.issuerId()).isEqualTo("icbc-shenyang-001");
    OutboxEntry entry = entry(requestId);
    assertThat(entry.state()).isEqualTo(State.DONE);
    assertThat(entry.cardId()).isEqualTo(cardId);
    assertThat(entry.kind()).isEqualTo(NationalRequest.Kind.REGISTER);
    assertThat(entry.attempts()).isEqualTo(1);
    assertThat(entry.nationalRegistrationId()).isEqualTo(registered.registrationId());
    assertThat(entry.lastError()).isNull();
  }

  @Test
  void batchCardWithoutChipSerialIsRegisteredAndItsChipReportedLaterWithActive() throws Exception {
    UUID cardId = UUID.randomUUID();
    String number = CardNumbers.next();
    enqueue(new NationalRequest.Registration(
        cardId, number, NationalRequest.CardType.CHILD, null, "service-point-7",
        Instant.parse("2026-03-01T08:00:00Z")));
    UUID activation = enqueue(new NationalRequest.StatusChange(
        cardId, number, NationalRequest.Status.ACTIVE, "CHIP0042",
        Instant.parse("2026-04-01T08:00:00Z")));

    sender.drainOnce();

    assertThat(entry(activation).state()).isEqualTo(State.DONE);
    assertThat(national.liveRegistration(number)).hasValueSatisfying(r -> {
      assertThat(r.cardType()).isEqualTo("child");
      assertThat(r.status()).isEqualTo("active");
      assertThat(r.chipSerial()).isEqualTo("CHIP0042");
    });
  }

  @Test
  void nationalSystemAnswering503KeepsTheRequestWaitingWithGrowingAttemptsAndBackOff()
      throws Exception {
    UUID requestId = enqueueRegistration(UUID.randomUUID());
    national.goDown();

    Instant first = clock.instant();
    sender.drainOnce();
    OutboxEntry afterFirst = entry(requestId);
    clock.advance(Duration.ofSeconds(1));
    sender.drainOnce();
    OutboxEntry afterSecond = entry(requestId);
    sender.drainOnce(); // not due yet: nothing is sent
    clock.advance(Duration.ofSeconds(2));
    sender.drainOnce();
    OutboxEntry afterThird = entry(requestId);

    assertThat(afterFirst.state()).isEqualTo(State.RETRYING);
    assertThat(afterFirst.attempts()).isEqualTo(1);
    assertThat(afterFirst.nextAttemptAt()).isEqualTo(first.plusSeconds(1));
    assertThat(afterFirst.lastError()).isEqualTo("national system answered 503");
    assertThat(afterSecond.attempts()).isEqualTo(2);
    assertThat(afterSecond.nextAttemptAt()).isEqualTo(first.plusSeconds(1 + 2));
    assertThat(afterThird.attempts()).isEqualTo(3);
    assertThat(afterThird.nextAttemptAt()).isEqualTo(first.plusSeconds(1 + 2 + 4));
    assertThat(national.requestCount()).isEqualTo(3);
    assertThat(national.registrations()).isEmpty();
    assertThat(outbox.counts().retrying()).isEqualTo(1);
  }

  @Test
  void backOffIsCappedAtItsMaximum() {
    Backoff backoff = Backoff.exponential(INITIAL, MAX);

    assertThat(backoff.delayAfter(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.delayAfter(9)).isEqualTo(Duration.ofSeconds(256));
    assertThat(backoff.delayAfter(10)).isEqualTo(MAX);
    assertThat(backoff.delayAfter(1000)).isEqualTo(MAX);
    assertThat(Backoff.standard().delayAfter(1))
        .isBetween(Duration.ofMillis(900), Duration.ofMillis(1100));
  }

  @Test
  void afterAnOutageTheCardIsRegisteredExactlyOnceAlthoughItWasSentSeveralTimes()
      throws Exception {
    UUID requestId = enqueueRegistration(UUID.randomUUID());
    national.goDown();
    for (int i = 0; i < 3; i++) {
      sender.drainOnce();
      clock.advance(MAX);
    }

    national.goUp();
    sender.drainOnce();

    assertThat(entry(requestId).state()).isEqualTo(State.DONE);
    assertThat(entry(requestId).attempts()).isEqualTo(4);
    assertThat(national.requestCount()).isEqualTo(4);
    assertThat(national.registrationsFrom("21")).singleElement()
        .satisfies(r -> assertThat(r.registrationId())
            .isEqualTo(entry(requestId).nationalRegistrationId()));
  }

  @Test
  void refusedConnectionKeepsTheRequestWaitingAndItIsDeliveredWhenTheListenerIsBack()
      throws Exception {
    UUID requestId = enqueueRegistration(UUID.randomUUID());
    national.stop();

    sender.drainOnce();
    OutboxEntry whileDown = entry(requestId);
    clock.advance(Duration.ofSeconds(1));
    sender.drainOnce();
    OutboxEntry stillDown = entry(requestId);
    national.restart();
    clock.advance(Duration.ofSeconds(2));
    sender.drainOnce();

    assertThat(whileDown.state()).isEqualTo(State.RETRYING);
    assertThat(whileDown.lastError()).isEqualTo("connection refused");
    assertThat(stillDown.attempts()).isEqualTo(2);
    assertThat(stillDown.nextAttemptAt()).isAfter(whileDown.nextAttemptAt());
    assertThat(entry(requestId).state()).isEqualTo(State.DONE);
    assertThat(national.registrationsFrom("21")).hasSize(1);
    assertThat(national.receivedRequestIds()).containsExactly(requestId);
  }

  @Test
  void lostAnswerIsRetriedWithTheSameRequestIdAndGetsTheSameRegistration() throws Exception {
    UUID requestId = enqueueRegistration(UUID.randomUUID());
    national.dropResponses(1);

    sender.drainOnce();
    OutboxEntry afterLoss = entry(requestId);
    clock.advance(INITIAL);
    sender.drainOnce();

    assertThat(afterLoss.state()).isEqualTo(State.RETRYING);
    assertThat(afterLoss.lastError()).startsWith("connection lost before an answer");
    assertThat(national.receivedRequestIds()).containsExactly(requestId, requestId);
    assertThat(national.registrationsFrom("21")).singleElement()
        .satisfies(r -> assertThat(r.registrationId())
            .isEqualTo(entry(requestId).nationalRegistrationId()));
    assertThat(entry(requestId).state()).isEqualTo(State.DONE);
  }

  @Test
  void answerTooSlowIsRetriedAndTheCardRegisteredOnce() throws Exception {
    sender = sender(config().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(300)));
    UUID requestId = enqueueRegistration(UUID.randomUUID());
    national.delayResponses(Duration.ofMillis(1200));

    sender.drainOnce();
    OutboxEntry afterTimeout = entry(requestId);
    national.delayResponses(Duration.ZERO);
    Thread.sleep(1500); // the slow request completes on the national side meanwhile
    clock.advance(INITIAL);
    sender.drainOnce();

    assertThat(afterTimeout.state()).isEqualTo(State.RETRYING);
    assertThat(afterTimeout.lastError()).isEqualTo("no answer within 300 ms");
    assertThat(entry(requestId).state()).isEqualTo(State.DONE);
    assertThat(national.registrationsFrom("21")).hasSize(1);
  }

  @Test
  void conflictCallsTheHandlerWithTheCardIdAndReasonAndIsNotRetried() throws Exception {
    UUID cardId = UUID.randomUUID();
    String number = CardNumbers.next();
    national.registerElsewhere(number, "11");
    UUID requestId = enqueue(registration(cardId, number));

    NationalRegistrationSender.DrainResult result = sender.drainOnce();
    clock.advance(MAX);
    sender.drainOnce();

    assertThat(result.conflict()).isEqualTo(1);
    assertThat(conflicts).containsExactly(
        new Conflict(cardId, "national registry: card is live in province 11"));
    OutboxEntry entry = entry(requestId);
    assertThat(entry.state()).isEqualTo(State.CONFLICT);
    assertThat(entry.lastError()).isEqualTo("national registry: card is live in province 11");
    assertThat(entry.nationalRegistrationId()).isNull();
    assertThat(national.requestCount()).isEqualTo(1);
    assertThat(national.registrationsFrom("21")).isEmpty();
  }

  @Test
  void conflictWhoseHandlerFailsIsRetriedAndHandledLater() throws Exception {
    String number = CardNumbers.next();
    national.registerElsewhere(number, "11");
    UUID cardId = UUID.randomUUID();
    UUID requestId = enqueue(registration(cardId, number));
    List<UUID> handled = new ArrayList<>();
    boolean[] fail = {true};
    sender = new NationalRegistrationSender(
        dataSource, new NationalRegistryClient(config()),
        (id, reason) -> {
          if (fail[0]) {
            throw new IllegalStateException("registry unavailable");
          }
          handled.add(id);
        },
        Backoff.exponential(INITIAL, MAX), 20, clock);

    sender.drainOnce();
    OutboxEntry afterFailure = entry(requestId);
    fail[0] = false;
    clock.advance(INITIAL);
    sender.drainOnce();

    assertThat(afterFailure.state()).isEqualTo(State.RETRYING);
    assertThat(afterFailure.lastError())
        .isEqualTo("conflict handler failed (IllegalStateException)");
    assertThat(handled).containsExactly(cardId);
    assertThat(entry(requestId).state()).isEqualTo(State.CONFLICT);
  }

  @Test
  void answerWithABadSignatureIsNotAcceptedAndTheRequestIsRetried() throws Exception {
    UUID requestId = enqueueRegistration(UUID.randomUUID());
    national.corruptResponseSignatures(true);

    sender.drainOnce();
    OutboxEntry refused = entry(requestId);
    national.corruptResponseSignatures(false);
    clock.advance(INITIAL);
    sender.drainOnce();

    assertThat(refused.state()).isEqualTo(State.RETRYING);
    assertThat(refused.nationalRegistrationId()).isNull();
    assertThat(refused.lastError())
        .isEqualTo("answer 201 not accepted: signature does not match the request");
    // the national system did register it the first time: the retry gets that registration
    assertThat(national.registrationsFrom("21")).singleElement()
        .satisfies(r -> assertThat(r.registrationId())
            .isEqualTo(entry(requestId).nationalRegistrationId()));
    assertThat(entry(requestId).state()).isEqualTo(State.DONE);
  }

  @Test
  void answerSignedByAnotherKeyIdIsNotAccepted() throws Exception {
    sender = sender(new NationalRegistryConfig(
        national.baseUrl(), KEY_ID, data -> Sm2.sign(PROVINCE.getPrivate(), data), "national-2", national.publicKey(),
        Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofMinutes(5)));
    UUID requestId = enqueueRegistration(UUID.randomUUID());

    sender.drainOnce();

    assertThat(entry(requestId).state()).isEqualTo(State.RETRYING);
    assertThat(entry(requestId).lastError())
        .isEqualTo("answer 201 not accepted: unknown key id national");
  }

  @Test
  void hubSignatureRefusedWith401IsRetriedNotFailed() throws Exception {
    KeyPair notTheProvincesKey = Sm2.generateKeyPair();
    sender = sender(new NationalRegistryConfig(
        national.baseUrl(), KEY_ID, data -> Sm2.sign(notTheProvincesKey.getPrivate(), data), national.keyId(),
        national.publicKey(), Duration.ofSeconds(2), Duration.ofSeconds(2),
        Duration.ofMinutes(5)));
    UUID requestId = enqueueRegistration(UUID.randomUUID());

    sender.drainOnce();

    assertThat(entry(requestId).state()).isEqualTo(State.RETRYING);
    assertThat(entry(requestId).lastError()).isEqualTo(
        "national system refused the hub's signature: signature does not match the request");
    assertThat(national.registrations()).isEmpty();
  }

  @Test
  void clientErrorMarksTheRequestFailedWithTheReasonAndItIsNotRetried() throws Exception {
    UUID requestId = enqueueRegistration(UUID.randomUUID());
    national.failWith(400);

    NationalRegistrationSender.DrainResult result = sender.drainOnce();
    national.goUp();
    clock.advance(MAX);
    sender.drainOnce();

    assertThat(result.failed()).isEqualTo(1);
    OutboxEntry entry = entry(requestId);
    assertThat(entry.state()).isEqualTo(State.FAILED);
    assertThat(entry.attempts()).isEqualTo(1);
    assertThat(entry.lastError())
        .isEqualTo("national system answered 400: simulated failure 400");
    assertThat(national.requestCount()).isEqualTo(1);
    assertThat(outbox.unresolved(10)).extracting(OutboxEntry::requestId).containsExactly(requestId);
  }

  @Test
  void failedRequestRequeuedByAnOperatorIsSentAgainWithTheSameRequestId() throws Exception {
    UUID requestId = enqueueRegistration(UUID.randomUUID());
    national.failWith(400);
    sender.drainOnce();
    national.goUp();

    boolean requeued = outbox.requeue(requestId);
    sender.drainOnce();

    assertThat(requeued).isTrue();
    assertThat(entry(requestId).state()).isEqualTo(State.DONE);
    assertThat(national.registrationsFrom("21")).singleElement()
        .satisfies(r -> assertThat(r.requestId()).isEqualTo(requestId));
    assertThat(outbox.requeue(requestId)).as("a done request is not requeued").isFalse();
  }

  @Test
  void statusChangeOfACardTheNationalSystemDoesNotKnowIsMarkedFailed() throws Exception {
    UUID requestId = enqueue(new NationalRequest.StatusChange(
        UUID.randomUUID(), CardNumbers.next(), NationalRequest.Status.REPORTED_LOST, null,
        Instant.parse("2026-03-02T08:00:00Z")));

    sender.drainOnce();

    assertThat(entry(requestId).state()).isEqualTo(State.FAILED);
    assertThat(entry(requestId).lastError()).isEqualTo(
        "national system answered 404: no live registration of this card for province 21");
  }

  @Test
  void statusChangeWaitsUntilTheRegistrationBeforeItIsAccepted() throws Exception {
    UUID cardId = UUID.randomUUID();
    String number = CardNumbers.next();
    UUID registration;
    UUID cancellation;
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      registration = outbox.enqueue(connection, registration(cardId, number));
      cancellation = outbox.enqueue(connection, new NationalRequest.StatusChange(
          cardId, number, NationalRequest.Status.CANCELLED, null,
          Instant.parse("2026-03-02T08:00:00Z")));
      connection.commit();
    }
    national.goDown();

    sender.drainOnce();
    OutboxEntry cancellationWhileDown = entry(cancellation);
    int requestsWhileDown = national.requestCount();
    national.goUp();
    clock.advance(MAX);
    sender.drainOnce();

    assertThat(requestsWhileDown).as("only the registration was tried").isEqualTo(1);
    assertThat(cancellationWhileDown.state()).isEqualTo(State.PENDING);
    assertThat(cancellationWhileDown.attempts()).isZero();
    assertThat(national.receivedRequestIds()).containsExactly(registration, cancellation);
    assertThat(entry(cancellation).state()).isEqualTo(State.DONE);
    assertThat(entry(cancellation).nationalRegistrationId())
        .isEqualTo(entry(registration).nationalRegistrationId());
    assertThat(national.registrationsFrom("21")).singleElement()
        .satisfies(r -> assertThat(r.status()).isEqualTo("cancelled"));
    assertThat(outbox.forCard(cardId)).extracting(OutboxEntry::requestId)
        .containsExactly(registration, cancellation);
  }

  @Test
  void newCardForACancelledNumberIsRegisteredOnlyAfterTheCancellation() throws Exception {
    String number = CardNumbers.next();
    UUID oldCard = UUID.randomUUID();
    UUID newCard = UUID.randomUUID();
    enqueue(registration(oldCard, number));
    sender.drainOnce();
    UUID cancellation = enqueue(new NationalRequest.StatusChange(
        oldCard, number, NationalRequest.Status.CANCELLED, null, clock.instant()));
    UUID newRegistration = enqueue(registration(newCard, number));
    national.goDown();
    sender.drainOnce(); // the cancellation fails; the new registration must not overtake it
    national.goUp();
    clock.advance(MAX);

    sender.drainOnce();

    assertThat(entry(cancellation).state()).isEqualTo(State.DONE);
    assertThat(entry(newRegistration).state()).isEqualTo(State.DONE);
    assertThat(conflicts).isEmpty();
    assertThat(national.registrationsFrom("21")).extracting(r -> r.status())
        .containsExactly("cancelled", "registered");
  }

  @Test
  void enqueueInARolledBackTransactionLeavesNothing() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      outbox.enqueue(connection, registration(UUID.randomUUID(), CardNumbers.next()));
      connection.rollback();
    }

    sender.drainOnce();

    assertThat(outbox.counts()).isEqualTo(new OutboxStatus(0, 0, 0, 0, 0, Duration.ZERO));
    assertThat(national.requestCount()).isZero();
  }

  @Test
  void enqueueIsVisibleToTheSenderOnlyOnceTheCallerCommits() throws Exception {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      UUID requestId =
          outbox.enqueue(connection, registration(UUID.randomUUID(), CardNumbers.next()));

      sender.drainOnce();
      assertThat(national.requestCount()).isZero();
      connection.commit();
      sender.drainOnce();

      assertThat(entry(requestId).state()).isEqualTo(State.DONE);
    }
  }

  @Test
  void invalidRequestIsRefusedAtEnqueueWithoutQuotingTheCardNumber() throws Exception {
    String valid = CardNumbers.next();
    String badCheck = valid.substring(0, 17) + (valid.charAt(17) == '0' ? '1' : '0');

    try (Connection connection = dataSource.getConnection()) {
      assertThatThrownBy(
              () -> outbox.enqueue(connection, registration(UUID.randomUUID(), badCheck)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cardNumber must be a valid 18-character resident identity number")
          .hasMessageNotContaining(badCheck);
      assertThatThrownBy(
              () -> outbox.enqueue(connection, new NationalRequest.StatusChange(
                  UUID.randomUUID(), valid, NationalRequest.Status.REPLACED, null,
                  Instant.now())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("chipSerial is required for replaced");
    }
    assertThat(outbox.counts().waiting()).isZero();
  }

  @Test
  void requestsAreNotPrintedWithTheirCardNumber() {
    String number = CardNumbers.next();

    assertThat(registration(UUID.randomUUID(), number).toString()).doesNotContain(number);
    assertThat(new NationalMessages.RegistrationRequest(
            UUID.randomUUID().toString(), "21", number, "adult", null, "x", "2026-01-01T00:00:00Z")
        .toString()).doesNotContain(number);
  }

  @Test
  void countsReportEachStateAndHowLongTheOldestWaitingRequestHasWaited() throws Exception {
    enqueueRegistration(UUID.randomUUID());
    sender.drainOnce(); // done
    String elsewhere = CardNumbers.next();
    national.registerElsewhere(elsewhere, "11");
    enqueue(registration(UUID.randomUUID(), elsewhere));
    sender.drainOnce(); // conflict
    national.failWith(400);
    enqueueRegistration(UUID.randomUUID());
    sender.drainOnce(); // failed
    national.goDown();
    clock.advance(Duration.ofMinutes(1));
    enqueueRegistration(UUID.randomUUID());
    sender.drainOnce(); // retrying
    clock.advance(Duration.ofSeconds(30));
    enqueueRegistration(UUID.randomUUID()); // pending
    clock.advance(Duration.ofSeconds(10));

    OutboxStatus counts = outbox.counts();

    assertThat(counts).isEqualTo(new OutboxStatus(1, 1, 1, 1, 1, Duration.ofSeconds(40)));
    assertThat(counts.waiting()).isEqualTo(2);
    assertThat(sender.counts()).isEqualTo(counts);
  }

  @Test
  void doneRequestsArePurgedAfterTheRetentionOthersAreKept() throws Exception {
    enqueueRegistration(UUID.randomUUID());
    sender.drainOnce();
    national.failWith(400);
    enqueueRegistration(UUID.randomUUID());
    sender.drainOnce();
    clock.advance(Duration.ofDays(31));

    int purged = outbox.purgeDone(Duration.ofDays(30));

    assertThat(purged).isEqualTo(1);
    assertThat(outbox.counts()).isEqualTo(new OutboxStatus(0, 0, 0, 0, 1, Duration.ZERO));
  }

  @Test
  void twoSendersDrainingAtOnceNeverSendTheSameRequestTwice() throws Exception {
    int cards = 120;
    List<UUID> requestIds = new ArrayList<>();
    for (int i = 0; i < cards; i++) {
      requestIds.add(enqueueRegistration(UUID.randomUUID()));
    }
    // small batches so that the two senders interleave many times
    NationalRegistrationSender first = new NationalRegistrationSender(
        dataSource, new NationalRegistryClient(config()), (id, r) -> {},
        Backoff.exponential(INITIAL, MAX), 3, clock);
    NationalRegistrationSender second = new NationalRegistrationSender(
        dataSource, new NationalRegistryClient(config()), (id, r) -> {},
        Backoff.exponential(INITIAL, MAX), 3, clock);
    national.delayResponses(Duration.ofMillis(5)); // the drains overlap for sure
    ExecutorService threads = Executors.newFixedThreadPool(2);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<NationalRegistrationSender.DrainResult> a =
          threads.submit(() -> { start.await(); return first.drainOnce(); });
      Future<NationalRegistrationSender.DrainResult> b =
          threads.submit(() -> { start.await(); return second.drainOnce(); });
      start.countDown();
      int doneByA = a.get(60, TimeUnit.SECONDS).done();
      int doneByB = b.get(60, TimeUnit.SECONDS).done();

      assertThat(doneByA + doneByB).isEqualTo(cards);
      assertThat(doneByA).as("both senders took part").isPositive();
      assertThat(doneByB).as("both senders took part").isPositive();
    } finally {
      threads.shutdownNow();
    }
    List<UUID> received = national.receivedRequestIds();
    assertThat(received).hasSize(cards);
    assertThat(new HashSet<>(received)).containsExactlyInAnyOrderElementsOf(requestIds);
    assertThat(national.registrationsFrom("21")).hasSize(cards);
    assertThat(outbox.counts().done()).isEqualTo(cards);
  }

  @Test
  void startedSenderDeliversInTheBackgroundUntilStopped() throws Exception {
    UUID requestId = enqueueRegistration(UUID.randomUUID());

    sender.start(Duration.ofMillis(50));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (entry(requestId).state() != State.DONE && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    sender.stop();
    UUID afterStop = enqueueRegistration(UUID.randomUUID());
    Thread.sleep(300);

    assertThat(entry(requestId).state()).isEqualTo(State.DONE);
    assertThat(entry(afterStop).state()).isEqualTo(State.PENDING);
  }

  @Test
  void payloadIsStoredOnceInTheOutboxRowAndLastErrorsNeverHoldACardNumber() throws Exception {
    String number = CardNumbers.next();
    UUID requestId = enqueue(registration(UUID.randomUUID(), number));
    national.goDown();
    sender.drainOnce();

    try (Connection connection = dataSource.getConnection();
        PreparedStatement query = connection.prepareStatement(
            "select payload ->> 'cardNumber', payload ->> 'requestId', payload ->> 'provinceCode',"
                + " last_error from hub.national_outbox where id = ?")) {
      query.setObject(1, requestId);
      try (ResultSet rs = query.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(number);
        assertThat(rs.getString(2)).isEqualTo(requestId.toString());
        assertThat(rs.getString(3)).isEqualTo("21");
        assertThat(rs.getString(4)).doesNotContain(number);
      }
    }
    assertThat(Redaction.text("card " + number + " is live; old 210102800101001 too"))
        .isEqualTo("card [card number] is live; old [card number] too");
    assertThat(Redaction.text("x".repeat(2000))).hasSize(Redaction.MAX_LENGTH);
  }

  @Test
  void outboxTableIsInTheHubSchema() throws Exception {
    try (Connection connection = dataSource.getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery(
            "select count(*) from information_schema.tables"
                + " where table_schema = 'hub' and table_name = 'national_outbox'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }
}
