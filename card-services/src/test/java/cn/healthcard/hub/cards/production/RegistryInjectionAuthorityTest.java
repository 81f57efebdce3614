package cn.healthcard.hub.cards.production;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.ca.HealthCa;
import cn.healthcard.hub.cards.ca.RevocationReason;
import cn.healthcard.hub.cards.hsm.SoftwareHsm;
import cn.healthcard.hub.cards.hsm.TestCard;
import cn.healthcard.hub.cards.hsm.TestHsms;
import cn.healthcard.hub.cards.keyinjection.CardProductionClient;
import cn.healthcard.hub.cards.keyinjection.InjectionReceipt;
import cn.healthcard.hub.cards.keyinjection.KeyInjectionFrontEnd;
import cn.healthcard.hub.cards.keyinjection.KeyInjectionRefused;
import cn.healthcard.hub.cards.keyinjection.PersonalizationData;
import cn.healthcard.hub.cards.keyinjection.PersonalizationRequest;
import cn.healthcard.hub.cards.keyinjection.RefusalCode;
import cn.healthcard.hub.cards.national.CardNumbers;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.CardType;
import cn.healthcard.hub.cards.registry.Channel;
import cn.healthcard.hub.cards.registry.NewCard;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.math.BigInteger;
import java.security.PublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two chips personalized for one card at the same time: only one may be bound to it. */
class RegistryInjectionAuthorityTest {
  private static final String FACTORY = "factory-1";

  private final DataSource db = TestDatabase.dataSource();
  private CardRegistry registry;
  private RegistryInjectionAuthority authority;

  @BeforeEach
  void freshRegistry() {
    TestDatabase.truncateAll();
    registry = new CardRegistry(db);
    authority = new RegistryInjectionAuthority(registry, null, id -> Optional.of("card-factory"));
  }

  private Card inProduction(String number) {
    registry.issue(
        new NewCard(number, null, CardType.ADULT, Channel.BATCH, "sp-1", "210102", CardStatus.APPROVED,
            null, null, null, "sp-1", "test"));
    new ProductionBatches(registry, null).createBatch(10, "factory").orElseThrow();
    return registry.live(number).orElseThrow();
  }

  @Test
  void concurrentRecordsOfDifferentChipsBindOnlyOne() throws Exception {
    Card card = inProduction(CardNumbers.next());
    int chips = 6;
    ExecutorService pool = Executors.newFixedThreadPool(chips);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < chips; i++) {
      String chip = "04A1B2C3D4E5F60" + i;
      results.add(
          pool.submit(
              () -> {
                start.await();
                try {
                  authority.recordInjection(card.id(), chip, "DIV" + chip, null);
                  return "bound";
                } catch (KeyInjectionRefused refused) {
                  assertThat(refused.code()).isEqualTo(RefusalCode.NOT_LEGITIMATE);
                  assertThat(refused.reason()).isEqualTo("keys were already injected into another chip for this card");
                  return "refused";
                }
              }));
    }
    start.countDown();
    int bound = 0;
    for (Future<String> result : results) {
      bound += result.get().equals("bound") ? 1 : 0;
    }
    pool.shutdown();

    assertThat(bound).isEqualTo(1);
    Card after = registry.byId(card.id()).orElseThrow();
    assertThat(after.diversificationCode()).isEqualTo("DIV" + after.chipSerial());
    // the winner's confirmation may come again (idempotent)
    authority.recordInjection(card.id(), after.chipSerial(), after.diversificationCode(), null);
  }

  @Test
  void theSecondChipsConfirmationIsRefusedAndItsCertificateRevoked() {
    String number = CardNumbers.next();
    Card card = inProduction(number);
    SoftwareHsm hsm = TestHsms.open(db);
    HealthCa ca = new HealthCa(db, hsm);
    Map<String, PublicKey> producerKeys = new ConcurrentHashMap<>();
    KeyInjectionFrontEnd frontEnd =
        new KeyInjectionFrontEnd(
            db, hsm, ca, id -> Optional.ofNullable(producerKeys.get(id)), authority,
            KeyInjectionFrontEnd.Settings.defaults(), Clock.systemUTC());
    CardProductionClient factory = CardProductionClient.of(FACTORY, Sm2.generateKeyPair(), frontEnd);
    producerKeys.put(FACTORY, factory.publicKey());
    String batch = card.batchId().toString();

    // both personalizations are authorised: neither chip is bound yet
    PersonalizationRequest first =
        factory.request(PersonalizationData.of(number, "04A1B2C3D4E5F6A1", "adult", batch, "张三丰"));
    PersonalizationRequest second =
        factory.request(PersonalizationData.of(number, "04A1B2C3D4E5F6B2", "adult", batch, "张三丰"));
    TestCard firstCard = factory.open(frontEnd.personalize(first));
    TestCard secondCard = factory.open(frontEnd.personalize(second));

    InjectionReceipt recorded = frontEnd.confirm(factory.confirmation(first.requestId(), firstCard));
    KeyInjectionRefused refused =
        catchThrowableOfType(
            () -> frontEnd.confirm(factory.confirmation(second.requestId(), secondCard)),
            KeyInjectionRefused.class);

    assertThat(recorded.status()).isEqualTo(InjectionReceipt.RECORDED);
    assertThat(refused).isNotNull();
    assertThat(refused.code()).isEqualTo(RefusalCode.NOT_LEGITIMATE);
    assertThat(refused.httpStatus()).isEqualTo(403);
    assertThat(refused.requestId()).isEqualTo(second.requestId());
    Card bound = registry.byId(card.id()).orElseThrow();
    assertThat(bound.chipSerial()).isEqualTo("04A1B2C3D4E5F6A1");
    BigInteger secondSerial = secondCard.certificate().orElseThrow().getSerialNumber();
    assertThat(ca.status(secondSerial).orElseThrow().revocation()).isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(bound.certificateSerial()).isEqualTo(firstCard.certificate().orElseThrow().getSerialNumber().toString(16));
    assertThat(ca.status(new BigInteger(bound.certificateSerial(), 16)).orElseThrow().revoked()).isFalse();
  }
}
