package cn.healthcard.hub.cards.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
