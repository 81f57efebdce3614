package cn.healthcard.hub.cards.hsm;

import cn.healthcard.hub.crypto.sm.Sm4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.SecretKey;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SoftwareHsmTest {
  private static final String CARD = "21010219900307123X";
  private static final String CHIP = "04A1B2C3D4E5F601";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final DataSource db = TestDatabase.dataSource();
  private final KeyPair producer = Sm2.generateKeyPair();

  @BeforeEach
  void emptyTables() {
    TestDatabase.truncateAll();
  }

  private static byte[] challenge() {
    byte[] challenge = new byte[16];
    RANDOM.nextBytes(challenge);
    return challenge;
  }

  private TestCard cardFrom(Hsm hsm, String cardNumber, String chipSerial) {
    return TestCard.inject(
        cardNumber, chipSerial, hsm.exportCardKeys(cardNumber, chipSerial, producer.getPublic()), producer.getPrivate());
  }

  @Test
  void aRestartWithTheSamePassphraseKeepsTheMasterAndSigningKeys() {
    SoftwareHsm first = TestHsms.open(db);
    PublicKey signing = first.ensureSigningKey("hub/signing");
    TestCard card = cardFrom(first, CARD, CHIP);

    SoftwareHsm restarted = TestHsms.open(db);

    assertThat(restarted.ensureSigningKey("hub/signing").getEncoded()).isEqualTo(signing.getEncoded());
    byte[] data = "document".getBytes(StandardCharsets.UTF_8);
    assertThat(Sm2.verify(signing, data, restarted.sign("hub/signing", data))).isTrue();
    byte[] challenge = challenge();
    assertThat(restarted.verifyCardMac(CARD, CHIP, challenge, card.answerChallenge(challenge))).isTrue();
    assertThat(cardFrom(restarted, CARD, CHIP).keyCheckValues()).isEqualTo(card.keyCheckValues());
  }

  @Test
  void aWrongPassphraseFailsAtStartup() {
    TestHsms.open(db);
    JdbcHsmKeyStore store = new JdbcHsmKeyStore(db);

    assertThatThrownBy(
            () -> new SoftwareHsm(store, "not the passphrase at all".toCharArray(), TestHsms.FAST))
        .isInstanceOf(HsmException.class)
        .hasMessageContaining("passphrase does not open");
  }

  @Test
  void anAlteredWrappedKeyFailsAtStartup() throws SQLException {
    TestHsms.open(db);
    // flip every bit of one ciphertext byte of a master key
    try (Connection connection = db.getConnection();
        Statement statement = connection.createStatement()) {
      statement.executeUpdate(
          "update hub.hsm_key set wrapped = set_byte(wrapped, 19, get_byte(wrapped, 19) # 255)"
              + " where alias = 'master/auth'");
    }

    assertThatThrownBy(() -> TestHsms.open(db))
        .isInstanceOf(HsmException.class)
        .hasMessageContaining("master/auth");
  }

  @Test
  void aPassphraseShorterThanTwelveCharactersIsRefused() {
    assertThatThrownBy(
            () -> new SoftwareHsm(new JdbcHsmKeyStore(db), "short".toCharArray(), TestHsms.FAST))
        .isInstanceOf(HsmException.class);
  }

  @Test
  void theKeyStoreHoldsOnlyWrappedKeys() throws SQLException {
    SoftwareHsm hsm = TestHsms.open(db);
    hsm.ensureSigningKey("hub/signing");
    List<String> kinds = new ArrayList<>();
    try (Connection connection = db.getConnection();
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery("select alias, kind, wrapped from hub.hsm_key order by alias")) {
      while (rows.next()) {
        kinds.add(rows.getString(1) + "=" + rows.getString(2));
        byte[] wrapped = rows.getBytes(3);
        if (!rows.getString(2).equals(HsmKeyStore.KEK_PARAMETERS)) {
          // version byte, 12-byte nonce, ciphertext and a 16-byte tag
          assertThat(wrapped[0]).isEqualTo((byte) 1);
          assertThat(wrapped.length).isGreaterThanOrEqualTo(1 + 12 + 16 + 16);
        }
      }
    }
    assertThat(kinds)
        .containsExactly(
            "$kek=kek-params",
            "hub/signing=sm2-sign",
            "master/auth=sm4-master",
            "master/enc=sm4-master",
            "master/mac=sm4-master");
  }

  @Test
  void theMacOfTheRightCardVerifies() {
    SoftwareHsm hsm = TestHsms.open(db);
    TestCard card = cardFrom(hsm, CARD, CHIP);
    for (int i = 0; i < 5; i++) {
      byte[] challenge = challenge();
      assertThat(hsm.verifyCardMac(CARD, CHIP, challenge, card.answerChallenge(challenge))).isTrue();
    }
    // the card number's check character and the chip serial are read case-insensitively
    byte[] challenge = challenge();
    assertThat(hsm.verifyCardMac(
            CARD.toLowerCase(), " " + CHIP.toLowerCase(), challenge, card.answerChallenge(challenge)))
        .isTrue();
  }

  @Test
  void aMacDoesNotVerifyForAnotherChipAnotherCardAnotherChallengeOrAnAlteredMac() {
    SoftwareHsm hsm = TestHsms.open(db);
    TestCard card = cardFrom(hsm, CARD, CHIP);
    byte[] challenge = challenge();
    byte[] mac = card.answerChallenge(challenge);

    assertThat(hsm.verifyCardMac(CARD, "04A1B2C3D4E5F602", challenge, mac)).isFalse();
    assertThat(hsm.verifyCardMac("210102199003071241", CHIP, challenge, mac)).isFalse();
    assertThat(hsm.verifyCardMac(CARD, CHIP, challenge(), mac)).isFalse();
    byte[] altered = mac.clone();
    altered[15] ^= 1;
    assertThat(hsm.verifyCardMac(CARD, CHIP, challenge, altered)).isFalse();
    assertThat(hsm.verifyCardMac(CARD, CHIP, challenge, java.util.Arrays.copyOf(mac, 8))).isFalse();
    assertThat(hsm.verifyCardMac(CARD, CHIP, new byte[4], card.answerChallenge(new byte[4]))).isFalse();
    assertThat(hsm.verifyCardMac(CARD, CHIP, null, mac)).isFalse();
    assertThat(hsm.verifyCardMac(null, CHIP, challenge, mac)).isFalse();
    // a card whose keys were derived by another HSM (other master keys) is not genuine here
    TestCard forged = cardFrom(TestHsms.inMemory(), CARD, CHIP);
    assertThat(hsm.verifyCardMac(CARD, CHIP, challenge, forged.answerChallenge(challenge))).isFalse();
    // still true for the genuine answer, from the cache
    assertThat(hsm.verifyCardMac(CARD, CHIP, challenge, mac)).isTrue();
  }

  @Test
  void macVerificationGivesTheSameVerdictsWithoutTheKeyCache() {
    TestHsms.open(db);
    SoftwareHsm uncached =
        new SoftwareHsm(
            new JdbcHsmKeyStore(db), TestHsms.PASSPHRASE.toCharArray(), new SoftwareHsm.Settings(1_000, 0));
    TestCard card = cardFrom(uncached, CARD, CHIP);
    byte[] challenge = challenge();
    assertThat(uncached.verifyCardMac(CARD, CHIP, challenge, card.answerChallenge(challenge))).isTrue();
    assertThat(uncached.verifyCardMac(CARD, CHIP, challenge(), card.answerChallenge(challenge))).isFalse();
  }

  @Test
  void exportedKeysMatchTheirCheckValuesAndAreTheSameCardKeysEachTime() {
    SoftwareHsm hsm = TestHsms.open(db);
    WrappedCardKeys first = hsm.exportCardKeys(CARD, CHIP, producer.getPublic());
    WrappedCardKeys second = hsm.exportCardKeys(CARD, CHIP, producer.getPublic());

    CardKeyPackage opened = first.open(producer.getPrivate());
    assertThat(opened.checkValues()).isEqualTo(first.keyCheckValues());
    assertThat(opened.diversificationCode()).isEqualTo(first.diversificationCode());
    assertThat(first.keyCheckValues()).containsOnlyKeys(CardKeyType.values());
    // same card, same keys; but a fresh session key seals each export
    assertThat(second.keyCheckValues()).isEqualTo(first.keyCheckValues());
    assertThat(second.encryptedKeys()).isNotEqualTo(first.encryptedKeys());
    assertThat(second.encryptedSessionKey()).isNotEqualTo(first.encryptedSessionKey());
    // the three keys of a card differ from each other, and from another card's
    Map<CardKeyType, String> values = first.keyCheckValues();
    assertThat(values.values()).doesNotHaveDuplicates();
    assertThat(hsm.exportCardKeys(CARD, "04A1B2C3D4E5F602", producer.getPublic()).keyCheckValues())
        .isNotEqualTo(values);
    // only the intended recipient can open them
    KeyPair stranger = Sm2.generateKeyPair();
    assertThatThrownBy(() -> first.open(stranger.getPrivate())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void credentialsTravelInTheSameEnvelopeAsTheCardKeys() {
    SoftwareHsm hsm = TestHsms.open(db);
    KeyPair cardPair = Sm2.generateKeyPair();
    WrappedCardKeys wrapped =
        hsm.exportCardKeys(
            CARD, CHIP, producer.getPublic(), new CardCredentials(cardPair.getPrivate().getEncoded(), new byte[] {9}));
    CardKeyPackage opened = wrapped.open(producer.getPrivate());
    assertThat(opened.privateKeyPkcs8()).isEqualTo(cardPair.getPrivate().getEncoded());
    assertThat(opened.certificateDer()).containsExactly(9);
  }

  @Test
  void theDiversificationCodeIsStablePerCardAndChip() {
    SoftwareHsm hsm = TestHsms.open(db);
    String code = hsm.diversificationCode(CARD, CHIP);
    assertThat(code).matches("01[0-9a-f]{32}");
    // the hex after the key-set version is the diversification data: SM3(card || chip), 16 bytes
    byte[] digest = Sm2.sm3((CARD + CHIP).getBytes(StandardCharsets.UTF_8));
    assertThat(code.substring(2)).isEqualTo(java.util.HexFormat.of().formatHex(digest, 0, 16));
    assertThat(TestHsms.inMemory().diversificationCode(CARD, CHIP)).isEqualTo(code);
    assertThat(hsm.diversificationCode(CARD, "04A1B2C3D4E5F602")).isNotEqualTo(code);
    assertThat(hsm.exportCardKeys(CARD, CHIP, producer.getPublic()).diversificationCode()).isEqualTo(code);
    assertThatThrownBy(() -> hsm.diversificationCode(CARD, " "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void signaturesVerifyAndDecryptionOpensWhatWasEncryptedToTheKey() {
    SoftwareHsm hsm = TestHsms.open(db);
    PublicKey signing = hsm.ensureSigningKey("partner/signing");
    PublicKey encryption = hsm.ensureDecryptionKey("partner/encryption");
    byte[] data = "to be signed".getBytes(StandardCharsets.UTF_8);

    assertThat(Sm2.verify(signing, data, hsm.sign("partner/signing", data))).isTrue();
    byte[] secret = Sm4.randomKey();
    assertThat(hsm.decrypt("partner/encryption", Sm2Cipher.encrypt(encryption, secret))).isEqualTo(secret);
    assertThat(hsm.publicKey("partner/encryption")).contains(encryption);
    assertThat(hsm.publicKey("nobody")).isEmpty();
    KeyPair stranger = Sm2.generateKeyPair();
    assertThatThrownBy(() -> hsm.decrypt("partner/encryption", Sm2Cipher.encrypt(stranger.getPublic(), secret)))
        .isInstanceOf(HsmException.class);
  }

  @Test
  void aSigningKeyDoesNotDecryptAndADecryptionKeyDoesNotSign() {
    SoftwareHsm hsm = TestHsms.open(db);
    PublicKey signing = hsm.ensureSigningKey("a/signing");
    hsm.ensureDecryptionKey("a/encryption");

    assertThatThrownBy(() -> hsm.decrypt("a/signing", Sm2Cipher.encrypt(signing, new byte[16])))
        .isInstanceOf(HsmException.class);
    assertThatThrownBy(() -> hsm.sign("a/encryption", new byte[1])).isInstanceOf(HsmException.class);
    assertThatThrownBy(() -> hsm.ensureDecryptionKey("a/signing")).isInstanceOf(HsmException.class);
    assertThatThrownBy(() -> hsm.ensureSigningKey("master/auth")).isInstanceOf(HsmException.class);
    assertThatThrownBy(() -> hsm.sign("missing", new byte[1])).isInstanceOf(HsmException.class);
  }

  @Test
  void noMethodOfTheHsmReturnsAPrivateOrSecretKey() {
    for (Method method : Hsm.class.getMethods()) {
      Class<?> type = method.getReturnType();
      assertThat(PrivateKey.class.isAssignableFrom(type) || SecretKey.class.isAssignableFrom(type)
              || KeyPair.class.isAssignableFrom(type) || (Key.class.isAssignableFrom(type) && !PublicKey.class.isAssignableFrom(type)))
          .as(method.getName())
          .isFalse();
    }
  }

  @Test
  void instancesCreatingKeysAtTheSameTimeEndWithOneKey() throws Exception {
    int instances = 4;
    ExecutorService pool = Executors.newFixedThreadPool(instances);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Object[]>> results = new ArrayList<>();
      for (int i = 0; i < instances; i++) {
        Callable<Object[]> task =
            () -> {
              start.await();
              SoftwareHsm hsm = TestHsms.open(db);
              PublicKey key = hsm.ensureSigningKey("raced");
              return new Object[] {key.getEncoded(), hsm.exportCardKeys(CARD, CHIP, producer.getPublic()).keyCheckValues()};
            };
        results.add(pool.submit(task));
      }
      start.countDown();
      Object[] first = results.get(0).get(60, TimeUnit.SECONDS);
      for (Future<Object[]> result : results) {
        Object[] other = result.get(60, TimeUnit.SECONDS);
        assertThat((byte[]) other[0]).isEqualTo((byte[]) first[0]);
        assertThat(other[1]).isEqualTo(first[1]);
      }
    } finally {
      pool.shutdownNow();
    }
    try (Connection connection = db.getConnection();
        Statement statement = connection.createStatement();
        var rows = statement.executeQuery("select count(*) from hub.hsm_key")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(5);
    }
  }

  @Test
  void macVerificationKeepsUpWithEightTerminals() throws Exception {
    SoftwareHsm hsm = TestHsms.open(db);
    int cards = 50;
    List<TestCard> wallet = new ArrayList<>();
    for (int i = 0; i < cards; i++) {
      wallet.add(cardFrom(hsm, String.format("2101021990030%05d", i), "CHIP" + i));
    }
    int terminals = 8;
    int perTerminal = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(terminals);
    AtomicInteger genuine = new AtomicInteger();
    long started = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < terminals; t++) {
        int terminal = t;
        done.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perTerminal; i++) {
                    TestCard card = wallet.get((terminal * 7 + i) % cards);
                    byte[] challenge = challenge();
                    if (hsm.verifyCardMac(card.cardNumber(), card.chipSerial(), challenge, card.answerChallenge(challenge))) {
                      genuine.incrementAndGet();
                    }
                  }
                }));
      }
      for (Future<?> future : done) {
        future.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(genuine.get()).isEqualTo(terminals * perTerminal);
    // 16 000 verifications (and as many card-side MACs); the hub needs 200/s including its database
    assertThat(terminals * perTerminal / seconds).isGreaterThan(2_000);
  }
}
