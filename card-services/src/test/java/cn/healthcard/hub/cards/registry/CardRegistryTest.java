package cn.healthcard.hub.cards.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.cards.CountingDataSource;
import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.sql.PreparedStatement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CardRegistryTest {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private CardRegistry registry;

  @BeforeEach
  void cleanRegistry() {
    TestDatabase.truncateAll();
    registry = new CardRegistry(TestDatabase.dataSource());
  }

  static String number() {
    String body = "210102" + "19800101" + String.format("%03d", SEQUENCE.incrementAndGet() % 1000);
    return body + ResidentIdNumber.checkCharacter(body);
  }

  static NewCard onTheSpot(String number, Channel channel, String chip) {
    return new NewCard(number, "p1", CardType.ADULT, channel, "inst-1", "210102", CardStatus.ACTIVE, chip,
        LocalDate.now(), LocalDate.now().plusYears(10), "inst-1", "test");
  }

  @Test
  void concurrentIssuanceOfOneNumberLeavesOneLiveCard() throws Exception {
    String number = number();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Channel channel = i % 2 == 0 ? Channel.KIOSK : Channel.BANK_BRANCH;
      String chip = "CHIP-" + i;
      results.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  registry.issue(onTheSpot(number, channel, chip));
                  return "issued";
                } catch (CardAlreadyLive e) {
                  return "refused";
                }
              }));
    }
    start.countDown();
    int issued = 0;
    for (Future<String> result : results) {
      issued += result.get().equals("issued") ? 1 : 0;
    }
    pool.shutdown();
    assertThat(issued).isEqualTo(1);
    assertThat(registry.cards(number)).hasSize(1);
  }

  @Test
  void replacementRetiresTheOldChipAndIssuesANewCardForTheSameNumberAtomically() {
    String number = number();
    Card original = registry.issue(onTheSpot(number, Channel.KIOSK, "CHIP-A"));

    Card replacement = registry.apply(number, CardEvent.REPLACE, "clerk", "damaged", "CHIP-B");

    assertThat(replacement.id()).isNotEqualTo(original.id());
    assertThat(replacement.replaces()).isEqualTo(original.id());
    assertThat(replacement.status()).isEqualTo(CardStatus.ACTIVE);
    assertThat(registry.byId(original.id()).orElseThrow().status()).isEqualTo(CardStatus.REPLACED);
    assertThat(registry.live(number).orElseThrow().chipSerial()).isEqualTo("CHIP-B");
    assertThat(registry.byChipSerial("CHIP-A").orElseThrow().status()).isEqualTo(CardStatus.REPLACED);
  }

  @Test
  void replacementWithAChipAlreadyInUseChangesNothing() {
    String first = number();
    String second = number();
    registry.issue(onTheSpot(first, Channel.KIOSK, "CHIP-1"));
    registry.issue(onTheSpot(second, Channel.KIOSK, "CHIP-2"));

    assertThatThrownBy(() -> registry.apply(first, CardEvent.REPLACE, "clerk", "damaged", "CHIP-2"))
        .hasMessageContaining("chip serial already belongs to another card");

    assertThat(registry.live(first).orElseThrow().status()).isEqualTo(CardStatus.ACTIVE);
    assertThat(registry.history(first)).hasSize(1);
  }

  @Test
  void aListenerFailureInTheTransactionRollsTheChangeBack() {
    String number = number();
    registry.issue(onTheSpot(number, Channel.KIOSK, "CHIP-X"));
    registry.addListener(
        new RegistryListener() {
          @Override
          public void inTransaction(java.sql.Connection c, Card before, Card after, CardEvent event) {
            throw new IllegalStateException("outbox unavailable");
          }
        });

    assertThatThrownBy(() -> registry.apply(number, CardEvent.FREEZE, "clerk", "test", null))
        .hasMessage("outbox unavailable");

    assertThat(registry.live(number).orElseThrow().status()).isEqualTo(CardStatus.ACTIVE);
    assertThat(registry.history(number)).extracting(CardHistoryEntry::event).containsExactly("issue");
  }

  @Test
  void theDatabaseItselfRefusesASecondLiveCardForANumber() throws Exception {
    String number = number();
    registry.issue(onTheSpot(number, Channel.KIOSK, "CHIP-1"));
    try (var connection = TestDatabase.dataSource().getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "insert into hub.card (id, card_number, card_type, channel, institution, status)"
                    + " values (gen_random_uuid(), ?, 'adult', 'batch', 'x', 'applied')")) {
      insert.setString(1, number);
      assertThatThrownBy(insert::executeUpdate).hasMessageContaining("card_one_live_per_number");
    }
  }

  @Test
  void aChildCardReceivesItsNumberOnceAndDuplicatesAreRefused() {
    NewCard child =
        new NewCard(null, "child-1", CardType.CHILD, Channel.BATCH, "sp-1", "210102", CardStatus.APPLIED, null,
            null, null, "sp-1", "birth record");
    Card applied = registry.issue(child);
    assertThat(applied.cardNumber()).isNull();
    String number = number();
    registry.issue(onTheSpot(number, Channel.KIOSK, "CHIP-TWIN"));

    assertThatThrownBy(() -> registry.completeChildCard("child-1", number, "police"))
        .isInstanceOf(CardAlreadyLive.class);

    String own = number();
    Card completed = registry.completeChildCard("child-1", own, "police");
    assertThat(completed.cardNumber()).isEqualTo(own);
    assertThat(completed.id()).isEqualTo(applied.id());
    assertThatThrownBy(() -> registry.completeChildCard("child-1", number(), "police"))
        .isInstanceOf(CardNotFound.class);
  }

  @Test
  void aFailingAfterCommitListenerNeitherFailsTheCommittedChangeNorSkipsTheListenersAfterIt() {
    String number = number();
    registry.issue(onTheSpot(number, Channel.KIOSK, "CHIP-AC"));
    List<String> reached = new CopyOnWriteArrayList<>();
    registry.addListener(
        new RegistryListener() {
          @Override
          public void afterCommit(Card before, Card after, CardEvent event, String reason) {
            reached.add("projection");
            throw new IllegalStateException("projection failed for " + after.cardNumber());
          }
        });
    registry.addListener(
        new RegistryListener() {
          @Override
          public void afterCommit(Card before, Card after, CardEvent event, String reason) {
            reached.add("revocation " + event.code());
          }
        });

    Card frozen = registry.apply(number, CardEvent.FREEZE, "clerk", "suspected misuse", null);

    assertThat(frozen.status()).isEqualTo(CardStatus.FROZEN);
    assertThat(reached).containsExactly("projection", "revocation freeze");
    assertThat(registry.live(number).orElseThrow().status()).isEqualTo(CardStatus.FROZEN);
  }

  @Test
  void afterCommitWorkRunsOnceTheConnectionIsReturnedAndReadsInATransactionUseItsConnection() {
    CountingDataSource counting = new CountingDataSource(TestDatabase.dataSource());
    CardRegistry counted = new CardRegistry(counting);
    String number = number();
    counted.issue(onTheSpot(number, Channel.KIOSK, "CHIP-CN"));
    counted.apply(number, CardEvent.CANCEL, "clerk", "duplicate", null);
    List<Integer> openDuringAfterCommit = new CopyOnWriteArrayList<>();
    counted.addListener(
        new RegistryListener() {
          @Override
          public void afterCommit(Card before, Card after, CardEvent event, String reason) {
            openDuringAfterCommit.add(counting.open());
            // a projection reads the registry again
            counted.current(number);
          }
        });
    counting.reset();

    // no live card: the refusal reads the latest card inside the transaction
    assertThatThrownBy(() -> counted.apply(number, CardEvent.FREEZE, "clerk", "x", null))
        .isInstanceOf(IllegalCardTransition.class)
        .hasMessageContaining("status 'cancelled'");
    assertThat(counting.maxOpen()).isEqualTo(1);

    String other = number();
    counted.issue(onTheSpot(other, Channel.KIOSK, "CHIP-CN2"));
    assertThat(openDuringAfterCommit).containsExactly(0);
    assertThat(counting.maxOpen()).isEqualTo(1);
    assertThat(counting.open()).isZero();
  }

  @Test
  void aFrozenCardReportedLostAndFoundIsFrozenAgainAndAnActiveOneActive() {
    String frozen = number();
    registry.issue(onTheSpot(frozen, Channel.KIOSK, "CHIP-FZ"));
    registry.apply(frozen, CardEvent.FREEZE, "clerk", "suspected misuse", null);
    registry.apply(frozen, CardEvent.REPORT_LOST, "holder", "lost on the bus", null);

    assertThat(registry.apply(frozen, CardEvent.FOUND, "holder", null, null).status())
        .isEqualTo(CardStatus.FROZEN);
    assertThat(registry.apply(frozen, CardEvent.UNFREEZE, "clerk", null, null).status())
        .isEqualTo(CardStatus.ACTIVE);

    registry.apply(frozen, CardEvent.REPORT_LOST, "holder", "lost again", null);
    assertThat(registry.apply(frozen, CardEvent.FOUND, "holder", null, null).status())
        .isEqualTo(CardStatus.ACTIVE);
  }

  @Test
  void aLostFrozenCardRemembersItThroughANationalHold() {
    String number = number();
    Card card = registry.issue(onTheSpot(number, Channel.KIOSK, "CHIP-NH"));
    registry.apply(number, CardEvent.FREEZE, "clerk", "suspected misuse", null);
    registry.apply(number, CardEvent.REPORT_LOST, "holder", "lost", null);
    registry.apply(card.id(), CardEvent.NATIONAL_CONFLICT, "national-registry", "live elsewhere");

    assertThat(registry.apply(number, CardEvent.RELEASE_HOLD, "operator", "resolved", null).status())
        .isEqualTo(CardStatus.REPORTED_LOST);
    assertThat(registry.apply(number, CardEvent.FOUND, "holder", null, null).status())
        .isEqualTo(CardStatus.FROZEN);
  }

  @Test
  void aPatientHasAtMostOneLiveChildCardWaitingForItsNumber() {
    NewCard child =
        new NewCard(null, "child-2", CardType.CHILD, Channel.BATCH, "sp-1", "210102", CardStatus.APPLIED, null,
            null, null, "sp-1", "birth record");
    Card first = registry.issue(child);

    assertThatThrownBy(() -> registry.issue(child))
        .isInstanceOf(ChildCardAlreadyWaiting.class)
        .hasMessageContaining("already has a child card waiting for its ID number");

    registry.apply(first.id(), CardEvent.CANCEL, "clerk", "duplicate");
    assertThat(registry.issue(child).status()).isEqualTo(CardStatus.APPLIED);
    NewCard sibling =
        new NewCard(null, "child-3", CardType.CHILD, Channel.BATCH, "sp-1", "210102", CardStatus.APPLIED, null,
            null, null, "sp-1", "birth record");
    assertThat(registry.issue(sibling).status()).isEqualTo(CardStatus.APPLIED);
  }

  @Test
  void aFailedProductionUnbindsTheChipItsKeysAndItsCertificate() throws Exception {
    NewCard batch =
        new NewCard(number(), "p-batch", CardType.ADULT, Channel.BATCH, "sp-1", "210102", CardStatus.APPROVED, null,
            null, null, "sp-1", "test");
    Card card = registry.issue(batch);
    Card inProduction = registry.apply(card.id(), CardEvent.START_PRODUCTION, "factory", "batch");
    try (var connection = TestDatabase.dataSource().getConnection();
        PreparedStatement bind =
            connection.prepareStatement(
                "update hub.card set chip_serial = 'CHIP-FAIL', diversification_code = 'D1',"
                    + " certificate_serial = 'abc1' where id = ?")) {
      bind.setObject(1, inProduction.id());
      bind.executeUpdate();
    }
    List<Card> befores = new CopyOnWriteArrayList<>();
    registry.addListener(
        new RegistryListener() {
          @Override
          public void afterCommit(Card before, Card after, CardEvent event, String reason) {
            befores.add(before);
          }
        });

    Card failed = registry.apply(card.id(), CardEvent.PRODUCTION_FAILED, "factory", "chip defect");

    assertThat(failed.status()).isEqualTo(CardStatus.APPROVED);
    assertThat(failed.chipSerial()).isNull();
    assertThat(failed.diversificationCode()).isNull();
    assertThat(failed.certificateSerial()).isNull();
    assertThat(failed.batchId()).isNull();
    // the listeners still learn which certificate the failed chip carried
    assertThat(befores.get(0).certificateSerial()).isEqualTo("abc1");
    assertThat(registry.byChipSerial("CHIP-FAIL")).isEmpty();
  }
}
