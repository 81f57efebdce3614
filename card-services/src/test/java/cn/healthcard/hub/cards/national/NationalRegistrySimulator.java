package cn.healthcard.hub.cards.national;

import cn.healthcard.hub.cards.signing.RequestVerifier;
import cn.healthcard.hub.cards.signing.SignedRequest;
import cn.healthcard.hub.crypto.sm.Sm2;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The national card-management system as {@code PROTOCOL.md} describes it, for tests and
 * benchmarks: a real HTTP server on loopback that verifies the provinces' signatures (refusing
 * replayed nonces), keeps registrations in memory, answers idempotently by requestId, reports a
 * card number live in another province as a conflict and signs every answer with its own SM2
 * key. Controls simulate the failures the hub must survive: an outage answering 5xx, a closed
 * listener, answers lost after the work was done, slow answers, answers with a bad signature.
 *
 * <pre>
 * var national = NationalRegistrySimulator.start("province-21", "21", provinceKeys.getPublic());
 * NationalRegistryConfig.of(national.baseUrl(), "province-21", provinceKeys.getPrivate(),
 *     national.keyId(), national.publicKey());
 * </pre>
 */
public final class NationalRegistrySimulator implements AutoCloseable {

  /** The key id the simulator signs its answers with. */
  public static final String KEY_ID = "national";

  /** One registration, as the national system holds it. {@code toString()} masks the number. */
  public record Registration(
      String registrationId,
      UUID requestId,
      String provinceCode,
      String cardNumber,
      String cardType,
      String chipSerial,
      String issuerId,
      String issuedAt,
      String status) {

    public boolean live() {
      return !"cancelled".equals(status);
    }

    Registration with(String newStatus, String newChipSerial) {
      return new Registration(
          registrationId, requestId, provinceCode, cardNumber, cardType,
          newChipSerial == null ? chipSerial : newChipSerial, issuerId, issuedAt, newStatus);
    }

    @Override
    public String toString() {
      return "Registration[" + registrationId + ", province " + provinceCode + ", " + status + "]";
    }
  }

  private record Province(String code, PublicKey key) {}

  /** An accepted request: its body (to detect a reused requestId) and the answer it got. */
  private record Accepted(byte[] body, int status, NationalMessages.Answer answer) {}

  private record Reply(int status, NationalMessages.Answer answer) {}

  private final KeyPair keys = Sm2.generateKeyPair();
  private final KeyPair wrongKeys = Sm2.generateKeyPair();
  private final Map<String, Province> provinces = new HashMap<>();
  private final RequestVerifier verifier;
  private final ExecutorService executor;
  private final AtomicInteger requestCount = new AtomicInteger();
  private final AtomicInteger registrationSequence = new AtomicInteger();

  // guarded by this
  private final List<Registration> registrations = new ArrayList<>();
  private final Map<String, Accepted> accepted = new HashMap<>();
  private final List<UUID> receivedRequestIds = new ArrayList<>();
  private int failWith;
  private int dropResponses;
  private Duration delay = Duration.ZERO;
  private boolean corruptSignatures;
  private JWKSet trustedClientKeys;
  private final Map<String, Instant> issuedTokens = new HashMap<>();
  private final java.util.Set<String> usedAssertionIds = new java.util.HashSet<>();
  private int tokensIssued;

  private HttpServer server;
  private volatile int port;

  private NationalRegistrySimulator() {
    Clock clock = Clock.systemUTC();
    this.verifier =
        new RequestVerifier(
            keyId -> Optional.ofNullable(province(keyId)).map(Province::key),
            new InMemoryNonceLog(Duration.ofMinutes(5), clock),
            Duration.ofMinutes(5),
            clock);
    this.executor =
        Executors.newFixedThreadPool(
            4,
            runnable -> {
              Thread thread = new Thread(runnable, "national-registry-simulator");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts on a free loopback port trusting no province yet (see {@link #trust}). */
  public static NationalRegistrySimulator start() {
    NationalRegistrySimulator simulator = new NationalRegistrySimulator();
    simulator.bind(0);
    return simulator;
  }

  /** Starts on a free loopback port, trusting one province's key. */
  public static NationalRegistrySimulator start(
      String provinceKeyId, String provinceCode, PublicKey provinceKey) {
    NationalRegistrySimulator simulator = new NationalRegistrySimulator();
    simulator.trust(provinceKeyId, provinceCode, provinceKey);
    simulator.bind(0);
    return simulator;
  }

  /** Trusts another province's key; requests signed by it may act for {@code provinceCode} only. */
  public synchronized NationalRegistrySimulator trust(
      String keyId, String provinceCode, PublicKey key) {
    provinces.put(keyId, new Province(provinceCode, key));
    return this;
  }

  /**
   * Requires the provinces' trust framework besides the signatures: a bearer token on every
   * request, issued at {@code <base>/oauth2/token} (client credentials) to a client whose
   * assertion (ES384, {@code iss} = {@code sub}, {@code aud} = the token URL, at most five minutes,
   * single-use {@code jti}) is signed by one of these keys.
   */
  public synchronized NationalRegistrySimulator requireTokens(String jwks) {
    try {
      trustedClientKeys = JWKSet.parse(jwks);
    } catch (java.text.ParseException e) {
      throw new IllegalArgumentException("not a JWKS", e);
    }
    return this;
  }

  public synchronized int tokensIssued() {
    return tokensIssued;
  }

  /** Forgets every token issued (as after a restart of the national side's token service). */
  public synchronized void revokeTokens() {
    issuedTokens.clear();
  }

  private synchronized Province province(String keyId) {
    return provinces.get(keyId);
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>}: the base URL the hub is configured with. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public String keyId() {
    return KEY_ID;
  }

  /** The key that verifies the simulator's answers. */
  public PublicKey publicKey() {
    return keys.getPublic();
  }

  // ---- controls -------------------------------------------------------------------------------

  /** Answers every request with {@code status} (signed, nothing done) until {@link #goUp()}. */
  public synchronized void failWith(int status) {
    this.failWith = status;
  }

  /** An outage behind a load balancer: every request is answered 503. */
  public void goDown() {
    failWith(503);
  }

  /** Ends {@link #goDown()} / {@link #failWith}; a stopped listener is started again too. */
  public synchronized void goUp() {
    failWith(0);
    if (server == null) {
      restart();
    }
  }

  /** Closes the listener: connections are refused until {@link #restart()}. State is kept. */
  public synchronized void stop() {
    if (server != null) {
      server.stop(0);
      server = null;
    }
  }

  /** Listens again on the same port. */
  public synchronized void restart() {
    if (server == null) {
      bind(port);
    }
  }

  /**
   * The next {@code count} requests are carried out (registered, recorded) but their answers are
   * lost: the connection is closed without a response.
   */
  public synchronized void dropResponses(int count) {
    this.dropResponses = count;
  }

  /** Waits this long before handling each request (longer than the hub's timeout: no answer). */
  public synchronized void delayResponses(Duration delay) {
    this.delay = delay;
  }

  /** Signs answers with a key the hub does not know (until called again with false). */
  public synchronized void corruptResponseSignatures(boolean corrupt) {
    this.corruptSignatures = corrupt;
  }

  /** Makes {@code cardNumber} live in another province, as if registered there. */
  public synchronized Registration registerElsewhere(String cardNumber, String provinceCode) {
    Registration registration =
        new Registration(
            nextRegistrationId(), UUID.randomUUID(), provinceCode, cardNumber, "adult", null,
            "elsewhere", Instant.now().toString(), "registered");
    registrations.add(registration);
    return registration;
  }

  /**
   * Cancels the live registrations of {@code cardNumber} made by {@link #registerElsewhere} (as
   * if the other province withdrew its card); how many.
   */
  public synchronized int withdrawElsewhere(String cardNumber) {
    int withdrawn = 0;
    for (int i = 0; i < registrations.size(); i++) {
      Registration registration = registrations.get(i);
      if (registration.cardNumber().equals(cardNumber)
          && registration.live()
          && "elsewhere".equals(registration.issuerId())) {
        registrations.set(i, registration.with("cancelled", null));
        withdrawn++;
      }
    }
    return withdrawn;
  }

  // ---- observations ---------------------------------------------------------------------------

  /** Every registration held, including those made by {@link #registerElsewhere}. */
  public synchronized List<Registration> registrations() {
    return List.copyOf(registrations);
  }

  /** Registrations made by one province. */
  public synchronized List<Registration> registrationsFrom(String provinceCode) {
    return registrations.stream().filter(r -> r.provinceCode().equals(provinceCode)).toList();
  }

  public synchronized Optional<Registration> liveRegistration(String cardNumber) {
    return registrations.stream()
        .filter(r -> r.cardNumber().equals(cardNumber) && r.live())
        .findFirst();
  }

  /** Every HTTP request that reached the simulator, whatever it was answered. */
  public int requestCount() {
    return requestCount.get();
  }

  /**
   * The requestId of every correctly signed request, in arrival order, repeats kept: the same id
   * twice means the hub sent that request twice.
   */
  public synchronized List<UUID> receivedRequestIds() {
    return List.copyOf(receivedRequestIds);
  }

  @Override
  public void close() {
    stop();
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- the national side of the protocol ------------------------------------------------------

  private synchronized void bind(int requestedPort) {
    try {
      HttpServer created =
          HttpServer.create(
              new InetSocketAddress(InetAddress.getLoopbackAddress(), requestedPort), 50);
      created.createContext("/", this::handle);
      created.setExecutor(executor);
      created.start();
      server = created;
      port = created.getAddress().getPort();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on port " + requestedPort, e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      requestCount.incrementAndGet();
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      String path = exchange.getRequestURI().getRawPath();
      if (path.endsWith("/oauth2/token")) {
        tokenEndpoint(exchange, path, body);
        return;
      }
      Duration wait;
      int failure;
      synchronized (this) {
        wait = delay;
        failure = failWith;
      }
      if (!wait.isZero()) {
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      if (failure != 0) {
        reply(exchange, path, new Reply(failure, NationalMessages.Answer.refused(
            readableRequestId(body), "simulated", "simulated failure " + failure)));
        return;
      }
      Reply reply = answer(exchange, path, body);
      synchronized (this) {
        if (dropResponses > 0 && reply.status() < 300) {
          dropResponses--;
          // the work is done; closing the exchange before any response drops the connection
          return;
        }
      }
      reply(exchange, path, reply);
    }
  }

  private Reply answer(HttpExchange exchange, String path, byte[] body) {
    if (!"POST".equals(exchange.getRequestMethod())) {
      return new Reply(405, NationalMessages.Answer.refused(null, "method", "POST only"));
    }
    if (!path.equals(NationalMessages.REGISTRATIONS_PATH)
        && !path.equals(NationalMessages.STATUS_PATH)) {
      return new Reply(404, NationalMessages.Answer.refused(null, "no-such-endpoint", path));
    }
    String tokenProblem = tokenProblem(exchange.getRequestHeaders().getFirst("Authorization"));
    if (tokenProblem != null) {
      return new Reply(401, NationalMessages.Answer.refused(readableRequestId(body), "token", tokenProblem));
    }
    RequestVerifier.Verified verified;
    try {
      verified =
          verifier.verify(
              name -> exchange.getRequestHeaders().getFirst(name), "POST", path, body);
    } catch (RequestVerifier.SignatureRefused e) {
      return new Reply(401, NationalMessages.Answer.refused(
          readableRequestId(body), "signature", e.getMessage()));
    }
    String keyProvince = province(verified.keyId()).code();
    return path.equals(NationalMessages.REGISTRATIONS_PATH)
        ? register(keyProvince, verified.keyId(), body)
        : changeStatus(keyProvince, verified.keyId(), body);
  }

  private synchronized Reply register(String keyProvince, String keyId, byte[] body) {
    NationalMessages.RegistrationRequest request;
    try {
      request = NationalMessages.read(body, NationalMessages.RegistrationRequest.class);
    } catch (IllegalArgumentException e) {
      return malformed(null, e.getMessage());
    }
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      return malformed(request.requestId(), String.join("; ", problems));
    }
    receivedRequestIds.add(UUID.fromString(request.requestId()));
    if (!keyProvince.equals(request.provinceCode())) {
      return new Reply(403, NationalMessages.Answer.refused(request.requestId(), "forbidden",
          "key " + keyId + " may not act for province " + request.provinceCode()));
    }
    Optional<Reply> repeated = repeated(request.requestId(), body);
    if (repeated.isPresent()) {
      return repeated.get();
    }
    Optional<Registration> live = liveRegistration(request.cardNumber());
    if (live.isPresent()) {
      String where = live.get().provinceCode();
      String reason =
          where.equals(request.provinceCode())
              ? "card is already registered by this province"
              : "card is live in province " + where;
      return new Reply(409, NationalMessages.Answer.conflict(request.requestId(), reason, where));
    }
    Registration registration =
        new Registration(
            nextRegistrationId(),
            UUID.fromString(request.requestId()),
            request.provinceCode(),
            request.cardNumber(),
            request.cardType(),
            request.chipSerial(),
            request.issuerId(),
            request.issuedAt(),
            "registered");
    registrations.add(registration);
    NationalMessages.Answer answer =
        NationalMessages.Answer.accepted(
            request.requestId(), registration.registrationId(), registration.status());
    accepted.put(request.requestId(), new Accepted(body, 201, answer));
    return new Reply(201, answer);
  }

  private synchronized Reply changeStatus(String keyProvince, String keyId, byte[] body) {
    NationalMessages.StatusChangeRequest request;
    try {
      request = NationalMessages.read(body, NationalMessages.StatusChangeRequest.class);
    } catch (IllegalArgumentException e) {
      return malformed(null, e.getMessage());
    }
    List<String> problems = request.problems();
    if (!problems.isEmpty()) {
      return malformed(request.requestId(), String.join("; ", problems));
    }
    receivedRequestIds.add(UUID.fromString(request.requestId()));
    if (!keyProvince.equals(request.provinceCode())) {
      return new Reply(403, NationalMessages.Answer.refused(request.requestId(), "forbidden",
          "key " + keyId + " may not act for province " + request.provinceCode()));
    }
    Optional<Reply> repeated = repeated(request.requestId(), body);
    if (repeated.isPresent()) {
      return repeated.get();
    }
    int index = -1;
    for (int i = 0; i < registrations.size(); i++) {
      Registration r = registrations.get(i);
      if (r.live()
          && r.cardNumber().equals(request.cardNumber())
          && r.provinceCode().equals(request.provinceCode())) {
        index = i;
      }
    }
    if (index < 0) {
      return new Reply(404, NationalMessages.Answer.refused(request.requestId(), "unknown-card",
          "no live registration of this card for province " + request.provinceCode()));
    }
    boolean keepsChip = "active".equals(request.status()) || "replaced".equals(request.status());
    Registration changed =
        registrations.get(index).with(request.status(), keepsChip ? request.chipSerial() : null);
    registrations.set(index, changed);
    NationalMessages.Answer answer =
        NationalMessages.Answer.accepted(
            request.requestId(), changed.registrationId(), changed.status());
    accepted.put(request.requestId(), new Accepted(body, 200, answer));
    return new Reply(200, answer);
  }

  /** The earlier answer to an accepted requestId (200), or 422 when the body differs. */
  private Optional<Reply> repeated(String requestId, byte[] body) {
    Accepted earlier = accepted.get(requestId);
    if (earlier == null) {
      return Optional.empty();
    }
    if (!Arrays.equals(earlier.body(), body)) {
      return Optional.of(new Reply(422, NationalMessages.Answer.refused(requestId,
          "request-id-reused", "requestId was used before with a different body")));
    }
    return Optional.of(new Reply(200, earlier.answer()));
  }

  private static Reply malformed(String requestId, String reason) {
    return new Reply(400, NationalMessages.Answer.refused(requestId, "malformed", reason));
  }

  private String nextRegistrationId() {
    return String.format("NR-%08d-%s", registrationSequence.incrementAndGet(),
        UUID.randomUUID().toString().substring(0, 8));
  }

  private static String readableRequestId(byte[] body) {
    try {
      Map<?, ?> fields = NationalMessages.read(body, LinkedHashMap.class);
      Object id = fields.get("requestId");
      return id instanceof String s ? s : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private synchronized String tokenProblem(String authorization) {
    if (trustedClientKeys == null) {
      return null;
    }
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return "an access token is required";
    }
    Instant expires = issuedTokens.get(authorization.substring("Bearer ".length()));
    return expires == null || expires.isBefore(Instant.now()) ? "the access token is not valid" : null;
  }

  private void tokenEndpoint(HttpExchange exchange, String path, byte[] body) throws IOException {
    Map<String, String> form = new HashMap<>();
    for (String pair : new String(body, java.nio.charset.StandardCharsets.UTF_8).split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        form.put(java.net.URLDecoder.decode(pair.substring(0, equals), java.nio.charset.StandardCharsets.UTF_8),
            java.net.URLDecoder.decode(pair.substring(equals + 1), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    String token = issue(form, baseUrl().getScheme() + "://" + baseUrl().getRawAuthority() + path);
    byte[] answer = (token == null ? "{\"error\":\"invalid_client\"}"
        : "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\",\"expires_in\":300}")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(token == null ? 401 : 200, answer.length);
    exchange.getResponseBody().write(answer);
  }

  private synchronized String issue(Map<String, String> form, String tokenUrl) {
    if (trustedClientKeys == null || !"client_credentials".equals(form.get("grant_type"))
        || !"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
      return null;
    }
    try {
      SignedJWT assertion = SignedJWT.parse(form.getOrDefault("client_assertion", ""));
      JWK key = trustedClientKeys.getKeyByKeyId(assertion.getHeader().getKeyID());
      if (!(key instanceof ECKey ec) || !JWSAlgorithm.ES384.equals(assertion.getHeader().getAlgorithm())
          || !assertion.verify(new ECDSAVerifier(ec))) {
        return null;
      }
      JWTClaimsSet claims = assertion.getJWTClaimsSet();
      Instant now = Instant.now();
      boolean valid = claims.getIssuer() != null && claims.getIssuer().equals(claims.getSubject())
          && claims.getAudience().contains(tokenUrl)
          && claims.getExpirationTime() != null && claims.getExpirationTime().toInstant().isAfter(now)
          && claims.getExpirationTime().toInstant().isBefore(now.plus(Duration.ofMinutes(6)))
          && claims.getJWTID() != null && usedAssertionIds.add(claims.getJWTID());
      if (!valid) {
        return null;
      }
    } catch (java.text.ParseException | com.nimbusds.jose.JOSEException e) {
      return null;
    }
    String token = UUID.randomUUID().toString();
    issuedTokens.put(token, Instant.now().plusSeconds(300));
    tokensIssued++;
    return token;
  }

  private void reply(HttpExchange exchange, String path, Reply reply) throws IOException {
    byte[] body = NationalMessages.write(reply.answer());
    boolean corrupt;
    synchronized (this) {
      corrupt = corruptSignatures;
    }
    Map<String, String> signature =
        SignedRequest.sign(
            KEY_ID,
            corrupt ? wrongKeys.getPrivate() : keys.getPrivate(),
            NationalMessages.responseMethod(reply.status()),
            path,
            body,
            Instant.now());
    exchange.getResponseHeaders().set("Content-Type", NationalMessages.CONTENT_TYPE);
    signature.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
    exchange.sendResponseHeaders(reply.status(), body.length);
    exchange.getResponseBody().write(body);
  }
}
