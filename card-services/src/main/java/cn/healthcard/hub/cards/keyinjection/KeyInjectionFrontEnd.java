package cn.healthcard.hub.cards.keyinjection;

import cn.healthcard.hub.cards.ca.HealthCa;
import cn.healthcard.hub.cards.ca.RevocationReason;
import cn.healthcard.hub.cards.hsm.CardCredentials;
import cn.healthcard.hub.cards.hsm.CardKeyType;
import cn.healthcard.hub.cards.hsm.Hsm;
import cn.healthcard.hub.cards.hsm.HsmException;
import cn.healthcard.hub.crypto.sm.Sm4;
import cn.healthcard.hub.cards.hsm.WrappedCardKeys;
import cn.healthcard.hub.crypto.sm.Sm2;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key-injection front end (密钥灌装前置): the hub side of the six-step protocol between a
 * card-production system and the card platform, described field by field in PROTOCOL.md next to
 * this class. Transport-free: the application maps {@link #personalize}/{@link #confirm} (or
 * their JSON forms, which return the HTTP status to use) to its HTTP endpoints.
 *
 * <p>Refusals are {@link KeyInjectionRefused} with a {@link RefusalCode}. Every message,
 * accepted, refused or failed, is recorded in {@code hub.key_injection_log} by request id and
 * producer id; no card number or name is ever stored by the front end or written to its logs.
 *
 * <p>The hub holds two SM2 keys for the protocol in the {@link Hsm}: {@value
 * #ENCRYPTION_KEY_ALIAS} (producers encrypt session keys to it) and {@value #SIGNING_KEY_ALIAS}
 * (signs responses and receipts). Producers are given both public keys when they are registered.
 *
 * <p>Thread-safe.
 */
public final class KeyInjectionFrontEnd {
  public static final String ENCRYPTION_KEY_ALIAS = "key-injection/encryption";
  public static final String SIGNING_KEY_ALIAS = "key-injection/signing";

  private static final Logger LOG = LoggerFactory.getLogger(KeyInjectionFrontEnd.class);
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  private static final Pattern ID_NUMBER = Pattern.compile("\\d{17}[\\dXx]|\\d{15}");
  private static final ObjectMapper DATA_MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * @param maxClockSkew how far a request's timestamp may be from the hub's clock
   * @param cardCertificateValidity validity of card certificates (capped at the issuing CA's)
   */
  public record Settings(Duration maxClockSkew, Duration cardCertificateValidity) {
    public static Settings defaults() {
      return new Settings(Duration.ofMinutes(5), Duration.ofDays(10 * 365 + 2));
    }
  }

  /** A JSON answer and the HTTP status to send it with. */
  public record JsonAnswer(int status, byte[] body) {}

  private final Hsm hsm;
  private final HealthCa ca;
  private final ProducerKeys producers;
  private final ProductionRegistry registry;
  private final Settings settings;
  private final Clock clock;
  private final InjectionJournal journal;
  private final PublicKey encryptionKey;
  private final PublicKey signingKey;

  public KeyInjectionFrontEnd(
      DataSource dataSource,
      Hsm hsm,
      HealthCa ca,
      ProducerKeys producers,
      ProductionRegistry registry,
      Settings settings,
      Clock clock) {
    this.hsm = hsm;
    this.ca = ca;
    this.producers = producers;
    this.registry = registry;
    this.settings = settings;
    this.clock = clock;
    this.journal = new InjectionJournal(dataSource);
    this.encryptionKey = hsm.ensureDecryptionKey(ENCRYPTION_KEY_ALIAS);
    this.signingKey = hsm.ensureSigningKey(SIGNING_KEY_ALIAS);
  }

  /** The key producers encrypt session keys to. */
  public PublicKey encryptionPublicKey() {
    return encryptionKey;
  }

  /** The key the hub's responses and receipts are signed with. */
  public PublicKey signingPublicKey() {
    return signingKey;
  }

  // ---------------------------------------------------------------- steps 1 to 4

  /**
   * Steps 2 to 4: checks the request, asks the registry, derives and seals the card's keys.
   *
   * @throws KeyInjectionRefused for a request that fails a check (and is recorded as refused)
   */
  public PersonalizationResponse personalize(PersonalizationRequest request) {
    String requestId = request == null ? null : loggable(request.requestId());
    String producerId = request == null ? null : loggable(request.producerId());
    try {
      PersonalizationResponse response = answer(request);
      journal.log(
          requestId, producerId, InjectionJournal.PERSONALIZATION, "accepted", null,
          "keys sealed for the producer", clock.instant());
      LOG.info("key injection: personalization request {} answered", requestId);
      return response;
    } catch (KeyInjectionRefused refused) {
      recordRefusal(InjectionJournal.PERSONALIZATION, requestId, producerId, refused);
      throw refused;
    } catch (RuntimeException failure) {
      recordFailure(InjectionJournal.PERSONALIZATION, requestId, producerId, failure);
      throw failure;
    }
  }

  /** {@link #personalize(PersonalizationRequest)} on JSON bytes: 200 and the response, or 4xx. */
  public JsonAnswer personalize(byte[] json) {
    PersonalizationRequest request;
    try {
      request = KeyInjectionJson.read(json, PersonalizationRequest.class);
    } catch (KeyInjectionRefused refused) {
      recordRefusal(InjectionJournal.PERSONALIZATION, null, null, refused);
      return errorAnswer(refused);
    }
    try {
      return new JsonAnswer(200, KeyInjectionJson.write(personalize(request)));
    } catch (KeyInjectionRefused refused) {
      return errorAnswer(refused);
    }
  }

  private PersonalizationResponse answer(PersonalizationRequest request) {
    requireWellFormed(request);
    String requestId = request.requestId();
    PublicKey producerKey =
        producers
            .find(request.producerId())
            .orElseThrow(
                () ->
                    refuse(
                        RefusalCode.UNKNOWN_PRODUCER,
                        "the producer is not registered or is disabled",
                        requestId));
    if (!Sm2.verify(
        producerKey, KeyInjectionCanonical.request(request), base64(request.signature()))) {
      throw refuse(
          RefusalCode.BAD_SIGNATURE,
          "the signature does not verify with the producer's registered key",
          requestId);
    }
    Instant now = clock.instant();
    Duration skew = Duration.between(Instant.parse(request.timestamp()), now).abs();
    if (skew.compareTo(settings.maxClockSkew()) > 0) {
      throw refuse(
          RefusalCode.STALE_TIMESTAMP,
          "the timestamp is " + skew.toSeconds() + " s away from the hub's clock",
          requestId);
    }
    if (!journal.claim(requestId, request.producerId(), now)) {
      throw refuse(RefusalCode.REPLAYED, "this request id was used before", requestId);
    }
    boolean settled = false;
    X509Certificate certificate = null;
    try {
      PersonalizationData data = open(request);
      InjectionDecision decision = registry.authorize(data);
      if (decision instanceof InjectionDecision.Refused refused) {
        throw refuse(
            RefusalCode.NOT_LEGITIMATE,
            "the card registry refused: " + mask(refused.reason(), data),
            requestId);
      }
      UUID cardId = ((InjectionDecision.Allowed) decision).cardId();
      KeyPair cardKeyPair = Sm2.generateKeyPair();
      certificate =
          ca.issueCardCertificate(
              cardId.toString(), cardKeyPair.getPublic(), settings.cardCertificateValidity());
      byte[] privateKey = cardKeyPair.getPrivate().getEncoded();
      WrappedCardKeys sealed;
      try {
        sealed =
            hsm.exportCardKeys(
                data.cardNumber(),
                data.chipSerial(),
                producerKey,
                new CardCredentials(privateKey, certificate.getEncoded()));
      } finally {
        Arrays.fill(privateKey, (byte) 0);
      }
      Map<String, String> checkValues = new TreeMap<>();
      for (Map.Entry<CardKeyType, String> entry : sealed.keyCheckValues().entrySet()) {
        checkValues.put(entry.getKey().token(), entry.getValue());
      }
      Base64.Encoder base64 = Base64.getEncoder();
      PersonalizationResponse unsigned =
          new PersonalizationResponse(
              requestId,
              base64.encodeToString(sealed.encryptedSessionKey()),
              base64.encodeToString(sealed.iv()),
              base64.encodeToString(sealed.encryptedKeys()),
              sealed.diversificationCode(),
              checkValues,
              null);
      PersonalizationResponse response =
          unsigned.withSignature(
              base64.encodeToString(
                  hsm.sign(SIGNING_KEY_ALIAS, KeyInjectionCanonical.response(unsigned))));
      journal.answered(
          requestId,
          cardId,
          sealed.diversificationCode(),
          certificate.getSerialNumber().toString(16),
          clock.instant());
      settled = true;
      return response;
    } catch (KeyInjectionRefused refused) {
      journal.refused(requestId);
      settled = true;
      throw refused;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot encode the card certificate", e);
    } finally {
      if (!settled) {
        undo(requestId, certificate);
      }
    }
  }

  /** After an internal failure: free the request id and withdraw a certificate never delivered. */
  private void undo(String requestId, X509Certificate certificate) {
    try {
      journal.release(requestId);
    } catch (RuntimeException e) {
      LOG.warn("key injection: request {} could not be released", requestId);
    }
    if (certificate != null) {
      BigInteger serial = certificate.getSerialNumber();
      try {
        ca.revoke(serial, RevocationReason.CESSATION_OF_OPERATION);
      } catch (RuntimeException e) {
        LOG.warn(
            "key injection: undelivered certificate {} of request {} could not be revoked",
            serial.toString(16),
            requestId);
      }
    }
  }

  private PersonalizationData open(PersonalizationRequest request) {
    String requestId = request.requestId();
    byte[] sessionKey;
    try {
      sessionKey = hsm.decrypt(ENCRYPTION_KEY_ALIAS, base64(request.encryptedSessionKey()));
    } catch (HsmException e) {
      throw refuse(
          RefusalCode.UNDECRYPTABLE,
          "the session key does not decrypt with the hub's key-injection key",
          requestId);
    }
    byte[] plaintext = null;
    PersonalizationData data;
    try {
      if (sessionKey.length != Sm4.KEY) {
        throw refuse(
            RefusalCode.UNDECRYPTABLE, "the session key is not a 16-byte SM4 key", requestId);
      }
      plaintext = Sm4.cbcDecrypt(sessionKey, base64(request.iv()), base64(request.encryptedData()));
      data = DATA_MAPPER.readValue(plaintext, PersonalizationData.class);
    } catch (IllegalArgumentException e) {
      throw refuse(
          RefusalCode.UNDECRYPTABLE, "the personalization data does not decrypt", requestId);
    } catch (IOException e) {
      throw refuse(
          RefusalCode.UNDECRYPTABLE,
          "the decrypted personalization data is not a JSON object",
          requestId);
    } finally {
      Arrays.fill(sessionKey, (byte) 0);
      if (plaintext != null) {
        Arrays.fill(plaintext, (byte) 0);
      }
    }
    if (data == null) {
      throw refuse(RefusalCode.UNDECRYPTABLE, "the personalization data is empty", requestId);
    }
    requirePresent(data.producerId(), "producerId", requestId);
    requirePresent(data.cardNumber(), "cardNumber", requestId);
    requirePresent(data.chipSerial(), "chipSerial", requestId);
    requirePresent(data.cardType(), "cardType", requestId);
    if (!data.producerId().equals(request.producerId())) {
      throw refuse(
          RefusalCode.MISMATCH,
          "the personalization data was sealed by another producer",
          requestId);
    }
    return data;
  }

  // ---------------------------------------------------------------- step 6

  /**
   * Step 6: records a confirmed injection with the registry. A repeated confirmation is answered
   * again without calling the registry a second time.
   *
   * @throws KeyInjectionRefused for an unknown request, a bad signature or values that differ
   *     from the answered request
   */
  public InjectionReceipt confirm(InjectionConfirmation confirmation) {
    String requestId = confirmation == null ? null : loggable(confirmation.requestId());
    String[] producerId = {null};
    try {
      InjectionReceipt receipt = acknowledge(confirmation, producerId);
      journal.log(
          requestId, producerId[0], InjectionJournal.CONFIRMATION, "accepted", null,
          receipt.status(), clock.instant());
      LOG.info("key injection: confirmation of request {} {}", requestId, receipt.status());
      return receipt;
    } catch (KeyInjectionRefused refused) {
      recordRefusal(InjectionJournal.CONFIRMATION, requestId, producerId[0], refused);
      throw refused;
    } catch (RuntimeException failure) {
      recordFailure(InjectionJournal.CONFIRMATION, requestId, producerId[0], failure);
      throw failure;
    }
  }

  /** {@link #confirm(InjectionConfirmation)} on JSON bytes: 200 and the receipt, or 4xx. */
  public JsonAnswer confirm(byte[] json) {
    InjectionConfirmation confirmation;
    try {
      confirmation = KeyInjectionJson.read(json, InjectionConfirmation.class);
    } catch (KeyInjectionRefused refused) {
      recordRefusal(InjectionJournal.CONFIRMATION, null, null, refused);
      return errorAnswer(refused);
    }
    try {
      return new JsonAnswer(200, KeyInjectionJson.write(confirm(confirmation)));
    } catch (KeyInjectionRefused refused) {
      return errorAnswer(refused);
    }
  }

  private InjectionReceipt acknowledge(InjectionConfirmation confirmation, String[] producerId) {
    if (confirmation == null) {
      throw refuse(RefusalCode.MALFORMED, "no confirmation", null);
    }
    String requestId = confirmation.requestId();
    requireId(requestId, "requestId", null);
    requirePresent(confirmation.cardNumber(), "cardNumber", requestId);
    requirePresent(confirmation.chipSerial(), "chipSerial", requestId);
    requirePresent(confirmation.diversificationCode(), "diversificationCode", requestId);
    requirePresent(confirmation.signature(), "signature", requestId);
    byte[] signature = base64(confirmation.signature(), "signature", requestId);
    InjectionJournal.StoredRequest stored =
        journal
            .find(requestId)
            .filter(
                r ->
                    r.state() == InjectionJournal.State.ANSWERED
                        || r.state() == InjectionJournal.State.CONFIRMED)
            .orElseThrow(
                () ->
                    refuse(
                        RefusalCode.UNKNOWN_REQUEST,
                        "the hub answered no personalization request with this id",
                        requestId));
    producerId[0] = stored.producerId();
    PublicKey producerKey =
        producers
            .find(stored.producerId())
            .orElseThrow(
                () ->
                    refuse(
                        RefusalCode.UNKNOWN_PRODUCER,
                        "the producer of this request is not registered or is disabled",
                        requestId));
    if (!Sm2.verify(producerKey, KeyInjectionCanonical.confirmation(confirmation), signature)) {
      throw refuse(
          RefusalCode.BAD_SIGNATURE,
          "the signature does not verify with the key of the request's producer",
          requestId);
    }
    if (!confirmation.diversificationCode().equals(stored.diversificationCode())) {
      throw refuse(
          RefusalCode.MISMATCH,
          "the diversification code differs from the one the hub sent for this request",
          requestId);
    }
    String recomputed = hsm.diversificationCode(confirmation.cardNumber(), confirmation.chipSerial());
    if (!recomputed.equals(stored.diversificationCode())) {
      throw refuse(
          RefusalCode.MISMATCH,
          "the card number or chip serial differs from the personalization request",
          requestId);
    }
    String status;
    if (stored.state() == InjectionJournal.State.CONFIRMED) {
      status = InjectionReceipt.ALREADY_RECORDED;
    } else {
      try {
        registry.recordInjection(
            stored.cardId(),
            confirmation.chipSerial().trim(),
            stored.diversificationCode(),
            stored.certificateSerial());
      } catch (KeyInjectionRefused refused) {
        // another chip won the card: the certificate delivered for this one must not verify
        revokeQuietly(stored.certificateSerial());
        throw refuse(refused.code(), refused.reason(), requestId);
      }
      journal.confirmed(requestId, clock.instant());
      status = InjectionReceipt.RECORDED;
    }
    InjectionReceipt unsigned =
        new InjectionReceipt(requestId, stored.diversificationCode(), status, null);
    return unsigned.withSignature(
        Base64.getEncoder()
            .encodeToString(hsm.sign(SIGNING_KEY_ALIAS, KeyInjectionCanonical.receipt(unsigned))));
  }

  private void revokeQuietly(String certificateSerial) {
    if (certificateSerial == null) {
      return;
    }
    try {
      ca.revoke(new BigInteger(certificateSerial, 16), RevocationReason.KEY_COMPROMISE);
    } catch (RuntimeException e) {
      LOG.warn("key injection: certificate {} of a refused injection not revoked ({})",
          certificateSerial, e.getClass().getSimpleName());
    }
  }

  // ---------------------------------------------------------------- errors and records

  /** The JSON body for a refusal. */
  public static byte[] errorJson(KeyInjectionRefused refused) {
    return KeyInjectionJson.write(refused.toError());
  }

  private static JsonAnswer errorAnswer(KeyInjectionRefused refused) {
    return new JsonAnswer(refused.httpStatus(), errorJson(refused));
  }

  private void recordRefusal(
      String step, String requestId, String producerId, KeyInjectionRefused refused) {
    journal.log(
        requestId, producerId, step, "refused", refused.code().token(), refused.reason(),
        clock.instant());
    LOG.warn("key injection: {} {} refused ({})", step, requestId, refused.code().token());
  }

  private void recordFailure(String step, String requestId, String producerId, RuntimeException e) {
    // the exception's text may quote data from a port: only its type is logged
    LOG.error("key injection: {} {} failed ({})", step, requestId, e.getClass().getName());
    try {
      journal.log(requestId, producerId, step, "failed", null, "internal error", clock.instant());
    } catch (RuntimeException ignored) {
      // the database itself may be what failed
    }
  }

  private void requireWellFormed(PersonalizationRequest request) {
    if (request == null) {
      throw refuse(RefusalCode.MALFORMED, "no request", null);
    }
    requireId(request.requestId(), "requestId", null);
    String requestId = request.requestId();
    requireId(request.producerId(), "producerId", requestId);
    requirePresent(request.timestamp(), "timestamp", requestId);
    try {
      Instant.parse(request.timestamp());
    } catch (DateTimeParseException e) {
      throw refuse(RefusalCode.MALFORMED, "timestamp is not an ISO-8601 instant", requestId);
    }
    requirePresent(request.encryptedSessionKey(), "encryptedSessionKey", requestId);
    requirePresent(request.encryptedData(), "encryptedData", requestId);
    requirePresent(request.signature(), "signature", requestId);
    base64(request.encryptedSessionKey(), "encryptedSessionKey", requestId);
    base64(request.encryptedData(), "encryptedData", requestId);
    base64(request.signature(), "signature", requestId);
    requirePresent(request.iv(), "iv", requestId);
    if (base64(request.iv(), "iv", requestId).length != Sm4.BLOCK) {
      throw refuse(RefusalCode.MALFORMED, "iv is not 16 bytes", requestId);
    }
  }

  private static void requireId(String value, String field, String requestId) {
    if (value == null || !ID.matcher(value).matches()) {
      throw refuse(
          RefusalCode.MALFORMED,
          field + " must be 1 to 64 characters of letters, digits and . _ : -",
          requestId);
    }
  }

  private static void requirePresent(String value, String field, String requestId) {
    if (value == null || value.isBlank()) {
      throw refuse(RefusalCode.MALFORMED, field + " is missing", requestId);
    }
  }

  private static byte[] base64(String value, String field, String requestId) {
    try {
      return Base64.getDecoder().decode(value);
    } catch (IllegalArgumentException e) {
      throw refuse(RefusalCode.MALFORMED, field + " is not Base64", requestId);
    }
  }

  /** For fields already checked by {@link #requireWellFormed}. */
  private static byte[] base64(String value) {
    return Base64.getDecoder().decode(value);
  }

  private static String loggable(String id) {
    return id != null && ID.matcher(id).matches() ? id : null;
  }

  /** The registry's reason, with anything identifying the holder masked. */
  static String mask(String reason, PersonalizationData data) {
    if (reason == null || reason.isBlank()) {
      return "no reason given";
    }
    String masked = reason;
    for (String secret : new String[] {data.cardNumber(), data.name()}) {
      if (secret != null && !secret.isBlank()) {
        masked = masked.replace(secret.trim(), "***");
      }
    }
    masked = ID_NUMBER.matcher(masked).replaceAll("***");
    return masked.length() <= 300 ? masked : masked.substring(0, 300);
  }

  private static KeyInjectionRefused refuse(RefusalCode code, String reason, String requestId) {
    return new KeyInjectionRefused(code, reason, requestId);
  }
}
