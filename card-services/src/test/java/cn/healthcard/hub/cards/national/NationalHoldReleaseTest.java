package cn.healthcard.hub.cards.national;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.CardType;
import cn.healthcard.hub.cards.registry.Channel;
import cn.healthcard.hub.cards.registry.NewCard;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An operator's release of a national hold asks the national registry again. */
class NationalHoldReleaseTest {
  private static final String KEY_ID = "province-21";
  private static final KeyPair PROVINCE = Sm2.generateKeyPair();

  private final DataSource db = TestDatabase.dataSource();
  private final MutableClock clock = MutableClock.atSystemTime();
  private NationalRegistrySimulator national;
  private NationalRegistrationOutbox outbox;
  private NationalRegistrationSender sender;
  private CardRegistry registry;

  @BeforeEach
  void setUp() {
    TestDatabase.truncateAll();
    national = NationalRegistrySimulator.start(KEY_ID, "21", PROVINCE.getPublic());
    outbox = new NationalRegistrationOutbox(db, "21", clock);
    registry = new CardRegistry(db);
    NationalSync sync = new NationalSync(outbox, registry, clock);
    registry.addListener(sync);
    NationalRegistryConfig config =
        NationalRegistryConfig.of(national.baseUrl(), KEY_ID, PROVINCE.getPrivate(), national.keyId(), national.publicKey())
            .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2));
    sender =
        new NationalRegistrationSender(
            db, new NationalRegistryClient(config, Clock.systemUTC()), sync, Backoff.standard(), 20, clock);
  }

  @AfterEach
  void tearDown() {
    sender.stop();
    national.close();
  }

  /** A card issued at a kiosk whose number is live in province 11: the answer puts it on hold. */
  private Card heldForAConflict(String number) throws Exception {
    national.registerElsewhere(number, "11");
    Card card =
        registry.issue(
            new NewCard(number, "p1", CardType.ADULT, Channel.KIOSK, "kiosk-1", "210102", CardStatus.ACTIVE,
                "04A1B2C3D4E5F6C1", LocalDate.now(), LocalDate.now().plusYears(10), "kiosk-1", "test"));
    assertThat(sender.drainOnce().conflict()).isEqualTo(1);
    assertThat(registry.byId(card.id()).orElseThrow().status()).isEqualTo(CardStatus.ON_HOLD);
    assertThat(outbox.forCard(card.id())).extracting(OutboxEntry::state).containsExactly(OutboxEntry.State.CONFLICT);
    return card;
  }

  @Test
  void releasingAHoldRequeuesTheConflictingRegistrationWhichNowSucceeds() throws Exception {
    String number = CardNumbers.next();
    Card card = heldForAConflict(number);
    national.withdrawElsewhere(number);

    Card released = registry.apply(number, CardEvent.RELEASE_HOLD, "operator ops-1", "resolved with province 11", null);

    assertThat(released.status()).isEqualTo(CardStatus.ACTIVE);
    List<OutboxEntry> entries = outbox.forCard(card.id());
    assertThat(entries).extracting(OutboxEntry::state).containsExactly(OutboxEntry.State.PENDING);
    assertThat(entries.get(0).attempts()).isZero();
    assertThat(sender.drainOnce().done()).isEqualTo(1);
    assertThat(national.liveRegistration(number).orElseThrow().provinceCode()).isEqualTo("21");
    // the same request, asked again: its id is the idempotency key
    assertThat(national.receivedRequestIds()).containsExactly(entries.get(0).requestId(), entries.get(0).requestId());
  }

  @Test
  void aHoldReleasedWhileTheNumberIsStillLiveElsewhereComesBack() throws Exception {
    String number = CardNumbers.next();
    Card card = heldForAConflict(number);

    registry.apply(number, CardEvent.RELEASE_HOLD, "operator ops-1", "released by mistake", null);
    assertThat(sender.drainOnce().conflict()).isEqualTo(1);

    assertThat(registry.byId(card.id()).orElseThrow().status()).isEqualTo(CardStatus.ON_HOLD);
  }

  @Test
  void withoutAConflictingRequestAFreshRegistrationIsEnqueued() throws Exception {
    String number = CardNumbers.next();
    Card card = heldForAConflict(number);
    try (var connection = db.getConnection();
        var delete = connection.prepareStatement("delete from hub.national_outbox where card_id = ?")) {
      delete.setObject(1, card.id());
      delete.executeUpdate();
    }
    national.withdrawElsewhere(number);

    registry.apply(number, CardEvent.RELEASE_HOLD, "operator ops-1", "resolved", null);

    assertThat(outbox.forCard(card.id()))
        .extracting(OutboxEntry::kind, OutboxEntry::state)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(NationalRequest.Kind.REGISTER, OutboxEntry.State.PENDING));
    assertThat(sender.drainOnce().done()).isEqualTo(1);
    assertThat(national.liveRegistration(number).orElseThrow().provinceCode()).isEqualTo("21");
  }

  /**
   * The sender puts the card on hold before it records the conflict on its outbox row. An
   * operator releasing in between must still have the registration asked again: the release
   * waits for the sender's answer to be recorded, then requeues it.
   */
  @Test
  void aReleaseBetweenTheHoldAndTheRecordedConflictStillAsksAgain() throws Exception {
    String number = CardNumbers.next();
    national.registerElsewhere(number, "11");
    NationalSync sync = new NationalSync(outbox, registry, clock);
    AtomicReference<Thread> release = new AtomicReference<>();
    AtomicReference<Throwable> releaseFailure = new AtomicReference<>();
    NationalConflictHandler holdThenRelease =
        (cardId, reason) -> {
          sync.onConflict(cardId, reason);
          national.withdrawElsewhere(number);
          Thread operator =
              new Thread(
                  () -> {
                    try {
                      registry.apply(number, CardEvent.RELEASE_HOLD, "operator ops-1", "resolved", null);
                    } catch (Throwable e) {
                      releaseFailure.set(e);
                    }
                  });
          release.set(operator);
          operator.start();
          try {
            // the release must wait for this sender's transaction; give it time to finish if it does not
            operator.join(1_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    sender.stop();
    sender =
        new NationalRegistrationSender(
            db,
            new NationalRegistryClient(
                NationalRegistryConfig.of(national.baseUrl(), KEY_ID, PROVINCE.getPrivate(), national.keyId(), national.publicKey()),
                Clock.systemUTC()),
            holdThenRelease,
            Backoff.standard(),
            20,
            clock);
    Card card =
        registry.issue(
            new NewCard(number, "p1", CardType.ADULT, Channel.KIOSK, "kiosk-1", "210102", CardStatus.ACTIVE,
                "04A1B2C3D4E5F6C2", LocalDate.now(), LocalDate.now().plusYears(10), "kiosk-1", "test"));

    assertThat(sender.drainOnce().conflict()).isEqualTo(1);
    release.get().join(10_000);
    assertThat(releaseFailure.get()).isNull();
    // the requeued request may already have gone out in the same drain, or goes now
    sender.drainOnce();

    assertThat(registry.byId(card.id()).orElseThrow().status()).isEqualTo(CardStatus.ACTIVE);
    assertThat(outbox.forCard(card.id())).extracting(OutboxEntry::state).containsExactly(OutboxEntry.State.DONE);
    assertThat(national.liveRegistration(number).orElseThrow().provinceCode()).isEqualTo("21");
  }
}
