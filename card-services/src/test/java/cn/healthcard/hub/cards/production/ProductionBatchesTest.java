package cn.healthcard.hub.cards.production;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.ca.HealthCa;
import cn.healthcard.hub.cards.ca.RevocationReason;
import cn.healthcard.hub.cards.hsm.TestHsms;
import cn.healthcard.hub.cards.keyinjection.InjectionDecision;
import cn.healthcard.hub.cards.keyinjection.PersonalizationData;
import cn.healthcard.hub.cards.national.CardNumbers;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.CardType;
import cn.healthcard.hub.cards.registry.Channel;
import cn.healthcard.hub.cards.registry.NewCard;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProductionBatchesTest {
  private static final String FACTORY = "factory-1";

  private final DataSource db = TestDatabase.dataSource();
  private CardRegistry registry;
  private ProductionBatches batches;
  private RegistryInjectionAuthority authority;
  private HealthCa ca;

  @BeforeEach
  void freshRegistry() {
    TestDatabase.truncateAll();
    registry = new CardRegistry(db);
    batches = new ProductionBatches(registry, null);
    authority = new RegistryInjectionAuthority(registry, null, id -> Optional.of("card-factory"));
    ca = new HealthCa(db, TestHsms.open(db));
    registry.addListener(new CertificateRevocation(ca));
  }

  /** An approved batch card (no Patient: any name matches) put into a new production batch. */
  private Card inProduction(String number) {
    registry.issue(
        new NewCard(number, null, CardType.ADULT, Channel.BATCH, "sp-1", "210102", CardStatus.APPROVED,
            null, null, null, "sp-1", "test"));
    return inNextBatch(number);
  }

  private Card inNextBatch(String number) {
    ProductionBatches.Batch batch = batches.createBatch(10, "factory").orElseThrow();
    return registry.live(number).filter(c -> batch.id().equals(c.batchId())).orElseThrow();
  }

  /** Keys injected into {@code chip}: a real certificate, recorded on the card. */
  private BigInteger inject(Card card, String chip) {
    BigInteger serial =
        ca.issueCardCertificate(card.id().toString(), Sm2.generateKeyPair().getPublic(), Duration.ofDays(365))
            .getSerialNumber();
    authority.recordInjection(card.id(), chip, "DIV-" + chip, serial.toString(16));
    return serial;
  }

  private static byte[] result(Card card, String chip, String result) {
    return (ProductionBatches.RESULT_HEADER + "\n"
            + card.batchId() + "," + card.id() + "," + card.cardNumber() + "," + chip + "," + result + ",chip defect\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFailedChipIsUnboundAndItsCertificateRevokedSoTheNextBatchCanPersonalizeAnother() {
    String number = CardNumbers.next();
    Card card = inProduction(number);
    BigInteger firstCertificate = inject(card, "CHIP-BROKEN");

    ProductionBatches.ResultSummary summary = batches.applyResult(result(card, "CHIP-BROKEN", "failed"), "factory");

    assertThat(summary.failed()).isEqualTo(1);
    Card failed = registry.byId(card.id()).orElseThrow();
    assertThat(failed.status()).isEqualTo(CardStatus.APPROVED);
    assertThat(failed.chipSerial()).isNull();
    assertThat(failed.diversificationCode()).isNull();
    assertThat(failed.certificateSerial()).isNull();
    assertThat(ca.status(firstCertificate).orElseThrow().revocation()).isEqualTo(RevocationReason.KEY_COMPROMISE);

    Card again = inNextBatch(number);
    assertThat(again.id()).isEqualTo(card.id());
    InjectionDecision decision =
        authority.authorize(
            PersonalizationData.of(number, "CHIP-GOOD", "adult", again.batchId().toString(), "张三丰")
                .withProducer(FACTORY));
    assertThat(decision).isInstanceOf(InjectionDecision.Allowed.class);
    inject(again, "CHIP-GOOD");
    assertThat(batches.applyResult(result(again, "CHIP-GOOD", "ok"), "factory").produced()).isEqualTo(1);
    assertThat(registry.byId(card.id()).orElseThrow().status()).isEqualTo(CardStatus.AWAITING_ACTIVATION);
  }

  @Test
  void theSameResultFileSubmittedConcurrentlyIsAppliedOnceAndEverySubmissionGetsTheSummary()
      throws Exception {
    Card card = inProduction(CardNumbers.next());
    byte[] file = result(card, "", "failed");
    int submissions = 8;
    ExecutorService pool = Executors.newFixedThreadPool(submissions);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<ProductionBatches.ResultSummary>> results = new ArrayList<>();
    for (int i = 0; i < submissions; i++) {
      results.add(
          pool.submit(
              () -> {
                start.await();
                return batches.applyResult(file, "factory");
              }));
    }
    start.countDown();
    int firsts = 0;
    for (Future<ProductionBatches.ResultSummary> result : results) {
      ProductionBatches.ResultSummary summary = result.get();
      assertThat(summary.failed()).isEqualTo(1);
      assertThat(summary.ignored()).isZero();
      firsts += summary.alreadyApplied() ? 0 : 1;
    }
    pool.shutdown();

    assertThat(firsts).isEqualTo(1);
    assertThat(registry.history(card.cardNumber()))
        .filteredOn(e -> e.event().equals("production-failed"))
        .hasSize(1);
  }
}
