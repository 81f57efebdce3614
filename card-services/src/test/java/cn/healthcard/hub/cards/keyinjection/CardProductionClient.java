package cn.healthcard.hub.cards.keyinjection;

import cn.healthcard.hub.cards.hsm.CardKeyPackage;
import cn.healthcard.hub.cards.hsm.CardKeyType;
import cn.healthcard.hub.cards.hsm.Sm2Cipher;
import cn.healthcard.hub.crypto.sm.Sm4;
import cn.healthcard.hub.cards.hsm.TestCard;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The card-production system's side of the key-injection protocol (steps 1, 5 and 6), for tests
 * here and in other modules (test-jar): builds signed, encrypted personalization requests, checks
 * the hub's signed answers, opens them into a {@link TestCard} and confirms the injection.
 */
public final class CardProductionClient {
  private final String producerId;
  private final KeyPair producerKeys;
  private final PublicKey hubEncryptionKey;
  private final PublicKey hubSigningKey;
  private final Clock clock;
  private final Map<String, PersonalizationData> pending = new ConcurrentHashMap<>();

  public CardProductionClient(
      String producerId,
      KeyPair producerKeys,
      PublicKey hubEncryptionKey,
      PublicKey hubSigningKey,
      Clock clock) {
    this.producerId = producerId;
    this.producerKeys = producerKeys;
    this.hubEncryptionKey = hubEncryptionKey;
    this.hubSigningKey = hubSigningKey;
    this.clock = clock;
  }

  /** A client that talks to {@code frontEnd}'s keys. */
  public static CardProductionClient of(String producerId, KeyPair keys, KeyInjectionFrontEnd frontEnd) {
    return new CardProductionClient(
        producerId, keys, frontEnd.encryptionPublicKey(), frontEnd.signingPublicKey(), Clock.systemUTC());
  }

  public String producerId() {
    return producerId;
  }

  public PublicKey publicKey() {
    return producerKeys.getPublic();
  }

  /** Step 1 with a fresh request id and the current time. */
  public PersonalizationRequest request(PersonalizationData data) {
    return request(UUID.randomUUID().toString(), clock.instant(), data);
  }

  /**
   * Step 1: encrypts the data (the producer id is filled in when the data has none) and signs.
   */
  public PersonalizationRequest request(String requestId, Instant timestamp, PersonalizationData data) {
    PersonalizationData bound = data.producerId() == null ? data.withProducer(producerId) : data;
    byte[] sessionKey = Sm4.randomKey();
    byte[] iv = Sm4.randomIv();
    byte[] encrypted = Sm4.cbcEncrypt(sessionKey, iv, KeyInjectionJson.write(bound));
    Base64.Encoder base64 = Base64.getEncoder();
    PersonalizationRequest unsigned =
        new PersonalizationRequest(
            requestId,
            producerId,
            timestamp.toString(),
            base64.encodeToString(Sm2Cipher.encrypt(hubEncryptionKey, sessionKey)),
            base64.encodeToString(iv),
            base64.encodeToString(encrypted),
            null);
    pending.put(requestId, bound);
    return sign(unsigned);
  }

  /** Signs (or re-signs) a request with this producer's key. */
  public PersonalizationRequest sign(PersonalizationRequest request) {
    return request.withSignature(
        Base64.getEncoder()
            .encodeToString(Sm2.sign(producerKeys.getPrivate(), KeyInjectionCanonical.request(request))));
  }

  /**
   * Step 5: checks the hub's signature and the key check values, and opens the sealed keys into
   * the card that was requested.
   *
   * @throws IllegalStateException if the answer is not the hub's or does not fit the request
   */
  public TestCard open(PersonalizationResponse response) {
    if (!Sm2.verify(
        hubSigningKey,
        KeyInjectionCanonical.response(response),
        Base64.getDecoder().decode(response.signature()))) {
      throw new IllegalStateException("the response is not signed by the hub");
    }
    PersonalizationData data = pending.get(response.requestId());
    if (data == null) {
      throw new IllegalStateException("no request " + response.requestId() + " is pending");
    }
    Base64.Decoder base64 = Base64.getDecoder();
    CardKeyPackage keys =
        CardKeyPackage.open(
            producerKeys.getPrivate(),
            base64.decode(response.encryptedSessionKey()),
            base64.decode(response.iv()),
            base64.decode(response.encryptedKeys()));
    Map<String, String> checkValues = new TreeMap<>();
    for (Map.Entry<CardKeyType, String> entry : keys.checkValues().entrySet()) {
      checkValues.put(entry.getKey().token(), entry.getValue());
    }
    if (!checkValues.equals(new TreeMap<>(response.keyCheckValues()))
        || !keys.diversificationCode().equals(response.diversificationCode())) {
      throw new IllegalStateException("the keys do not match their check values");
    }
    return new TestCard(data.cardNumber(), data.chipSerial(), keys);
  }

  /** Step 6: the signed confirmation that {@code card} now holds the keys of {@code requestId}. */
  public InjectionConfirmation confirmation(String requestId, TestCard card) {
    return sign(
        new InjectionConfirmation(
            requestId, card.cardNumber(), card.chipSerial(), card.diversificationCode(), null));
  }

  public InjectionConfirmation sign(InjectionConfirmation confirmation) {
    return confirmation.withSignature(
        Base64.getEncoder()
            .encodeToString(
                Sm2.sign(producerKeys.getPrivate(), KeyInjectionCanonical.confirmation(confirmation))));
  }

  /** Checks a receipt's signature by the hub. */
  public boolean isSignedByTheHub(InjectionReceipt receipt) {
    return Sm2.verify(
        hubSigningKey,
        KeyInjectionCanonical.receipt(receipt),
        Base64.getDecoder().decode(receipt.signature()));
  }

  /** Steps 1 to 6 against {@code frontEnd}: a personalized, confirmed card. */
  public TestCard produce(KeyInjectionFrontEnd frontEnd, PersonalizationData data) {
    PersonalizationRequest request = request(data);
    TestCard card = open(frontEnd.personalize(request));
    InjectionReceipt receipt = frontEnd.confirm(confirmation(request.requestId(), card));
    if (!isSignedByTheHub(receipt)) {
      throw new IllegalStateException("the receipt is not signed by the hub");
    }
    pending.remove(request.requestId());
    return card;
  }
}
