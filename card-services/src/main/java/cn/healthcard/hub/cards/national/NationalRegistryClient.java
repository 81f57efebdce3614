package cn.healthcard.hub.cards.national;

import cn.healthcard.hub.cards.signing.RequestVerifier;
import cn.healthcard.hub.cards.signing.SignedRequest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Sends one signed request to the national card-management system and classifies the answer
 * (see {@code PROTOCOL.md}): only a correctly signed answer naming this request can mark it
 * accepted, conflicting or refused; everything else is {@link NationalAnswer.TryLater}. Never
 * throws for anything the network or the national system does. Thread-safe.
 */
public final class NationalRegistryClient {
  private final NationalRegistryConfig config;
  private final Clock clock;
  private final HttpClient http;
  private final RequestVerifier answers;
  private final String basePath;
  private final NationalAccess access;

  public NationalRegistryClient(NationalRegistryConfig config) {
    this(config, Clock.systemUTC(), NationalAccess.SIGNATURES_ONLY);
  }

  /** @param clock signs the requests and checks the answers' timestamps */
  public NationalRegistryClient(NationalRegistryConfig config, Clock clock) {
    this(config, clock, NationalAccess.SIGNATURES_ONLY);
  }

  /**
   * @param access the bearer token every request carries besides its signature, where the
   *     national side requires the provinces' trust framework
   */
  public NationalRegistryClient(NationalRegistryConfig config, Clock clock, NationalAccess access) {
    this.config = config;
    this.clock = clock;
    this.access = access;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(config.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.answers =
        new RequestVerifier(
            keyId ->
                keyId.equals(config.nationalKeyId())
                    ? Optional.of(config.nationalKey())
                    : Optional.empty(),
            new InMemoryNonceLog(config.maxResponseSkew(), clock),
            config.maxResponseSkew(),
            clock);
    String raw = config.baseUrl().getRawPath();
    this.basePath = raw == null ? "" : raw.replaceAll("/+$", "");
  }

  public NationalRegistryConfig config() {
    return config;
  }

  /**
   * @param body the exact bytes to send (the same bytes on every retry of {@code requestId})
   */
  public NationalAnswer send(NationalRequest.Kind kind, UUID requestId, byte[] body) {
    String path = basePath + kind.path();
    URI base = config.baseUrl();
    URI uri =
        URI.create(
            base.getScheme() + "://" + base.getRawAuthority() + path);
    Map<String, String> signature =
        SignedRequest.sign(config.keyId(), config.provinceSigner(), "POST", path, body, clock.instant());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(config.requestTimeout())
            .header("Content-Type", NationalMessages.CONTENT_TYPE)
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signature.forEach(request::header);
    boolean withToken;
    try {
      Optional<String> token = access.bearer();
      token.ifPresent(value -> request.header("Authorization", "Bearer " + value));
      withToken = token.isPresent();
    } catch (IOException e) {
      return new NationalAnswer.TryLater("no access token: " + Redaction.text(e.getMessage()));
    }
    HttpResponse<byte[]> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (HttpConnectTimeoutException e) {
      return new NationalAnswer.TryLater(
          "no connection within " + config.connectTimeout().toMillis() + " ms");
    } catch (HttpTimeoutException e) {
      return new NationalAnswer.TryLater(
          "no answer within " + config.requestTimeout().toMillis() + " ms");
    } catch (ConnectException e) {
      return new NationalAnswer.TryLater("connection refused");
    } catch (IOException e) {
      // exception texts are not recorded: the type says enough and quotes nothing
      return new NationalAnswer.TryLater(
          "connection lost before an answer (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new NationalAnswer.TryLater("interrupted while waiting for the answer");
    }
    return classify(kind, requestId, path, response, withToken);
  }

  private NationalAnswer classify(
      NationalRequest.Kind kind, UUID requestId, String path, HttpResponse<byte[]> response, boolean withToken) {
    int status = response.statusCode();
    if (status >= 500 || status == 408 || status == 429) {
      return new NationalAnswer.TryLater("national system answered " + status);
    }
    byte[] body = response.body() == null ? new byte[0] : response.body();
    try {
      answers.verify(
          name -> response.headers().firstValue(name).orElse(null),
          NationalMessages.responseMethod(status),
          path,
          body);
    } catch (RequestVerifier.SignatureRefused e) {
      return new NationalAnswer.TryLater(
          "answer " + status + " not accepted: " + Redaction.text(e.getMessage()));
    }
    NationalMessages.Answer answer;
    try {
      answer = NationalMessages.read(body, NationalMessages.Answer.class);
    } catch (IllegalArgumentException e) {
      return new NationalAnswer.TryLater("answer " + status + " is not the protocol's JSON");
    }
    if (!requestId.toString().equals(answer.requestId())) {
      return new NationalAnswer.TryLater("answer " + status + " does not name this request");
    }
    String reason = Redaction.text(answer.reason() == null ? answer.error() : answer.reason());
    if (status == 200 || status == 201) {
      String registrationId = answer.registrationId();
      if (registrationId == null || registrationId.isBlank() || registrationId.length() > 64) {
        return new NationalAnswer.TryLater("answer " + status + " has no usable registrationId");
      }
      return new NationalAnswer.Accepted(registrationId, status);
    }
    if (status == 409 && kind == NationalRequest.Kind.REGISTER) {
      String province = answer.province();
      return new NationalAnswer.Conflict(
          reason == null ? "card is live in province " + province : reason, province);
    }
    if (status == 401) {
      // our token or signature was refused: configuration, clock or an expired token, not this
      // request; a new token and a retry heal it
      access.refused();
      return new NationalAnswer.TryLater("national system refused the hub's " + (withToken ? "token or signature: "
          : "signature: ") + reason);
    }
    if (status >= 400 && status < 500) {
      return new NationalAnswer.Refused(status, reason);
    }
    return new NationalAnswer.TryLater("unexpected answer " + status);
  }
}
