package cn.healthcard.hub.federation.peer;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Talks to peer hubs as a SMART backend client: a token by client credentials with a signed
 * assertion (kept until shortly before it expires), then FHIR over HTTP: PIXm to learn whether the
 * peer knows a person, {@code $everything} on the person's Patient there, page by page. Every call
 * ends by the caller's deadline; every failure is a {@link PeerFailure} saying what happened,
 * never quoting the peer's answer (it may carry another person's data).
 */
public final class PeerClient {
  static final int MAX_PAGES = 20;

  /** What a peer hub grants another: reading (SMART system scopes). */
  static final String SCOPE = "system/*.rs";

  private final HttpClient http;
  private final BackendTokens tokens;
  private final FhirContext fhir;
  private final Clock clock;

  public PeerClient(HttpClient http, BackendTokens tokens, FhirContext fhir, Clock clock) {
    this.http = http;
    this.tokens = tokens;
    this.fhir = fhir;
    this.clock = clock;
  }

  /** The ids of the peer's Patients with this identifier (PIXm); empty when it knows no one. */
  public List<String> pix(PeerHub peer, String system, String value, Instant deadline) throws PeerFailure {
    HttpResponse<String> answer = get(peer, peer.base() + "/Patient/$ihe-pix?sourceIdentifier="
        + URLEncoder.encode(system + "|" + value, StandardCharsets.UTF_8), deadline);
    // PIXm: 404 for an identifier no one has; 400 for a system the peer does not know (then no one either)
    if (answer.statusCode() == 404 || answer.statusCode() == 400) {
      return List.of();
    }
    expectOk(peer, answer, "$ihe-pix");
    Parameters parameters = parse(peer, answer, Parameters.class);
    List<String> ids = new ArrayList<>();
    for (Parameters.ParametersParameterComponent parameter : parameters.getParameter()) {
      if ("targetId".equals(parameter.getName()) && parameter.getValue() instanceof Reference reference
          && reference.getReferenceElement().hasIdPart()) {
        ids.add(reference.getReferenceElement().getIdPart());
      }
    }
    return ids;
  }

  /**
   * Everything the peer holds about its Patient {@code id}, every page; only resources of these
   * types when {@code types} is not empty (the Patient is always asked for, to check whose record it is).
   */
  public List<Resource> everything(PeerHub peer, String id, List<String> types, Instant deadline) throws PeerFailure {
    List<Resource> resources = new ArrayList<>();
    String url = peer.base() + "/Patient/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/$everything?_count=500";
    if (!types.isEmpty()) {
      java.util.Set<String> asked = new java.util.LinkedHashSet<>(types);
      asked.add("Patient");
      url += "&_type=" + URLEncoder.encode(String.join(",", asked), StandardCharsets.UTF_8);
    }
    for (int page = 0; url != null; page++) {
      if (page == MAX_PAGES) {
        throw new PeerFailure(IssueType.TOOCOSTLY, "peer " + peer.code() + " holds more than " + MAX_PAGES
            + " pages for this person; its answer was left out");
      }
      HttpResponse<String> answer = get(peer, url, deadline);
      expectOk(peer, answer, "$everything");
      Bundle bundle = parse(peer, answer, Bundle.class);
      for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
        if (entry.hasResource()) {
          resources.add(entry.getResource());
        }
      }
      Bundle.BundleLinkComponent next = bundle.getLink(Bundle.LINK_NEXT);
      url = next == null ? null : next.getUrl();
      if (url != null && !url.startsWith(peer.base())) {
        throw new PeerFailure(IssueType.SECURITY, "peer " + peer.code() + " sent a next page outside its base; its answer was left out");
      }
    }
    return resources;
  }

  private HttpResponse<String> get(PeerHub peer, String url, Instant deadline) throws PeerFailure {
    HttpResponse<String> answer = send(peer, HttpRequest.newBuilder(URI.create(url))
        .header("Accept", "application/fhir+json").header("Authorization", "Bearer " + token(peer, deadline)).GET(), deadline);
    if (answer.statusCode() == 401) {
      // the token ended early (the peer restarted, or revoked it): once more with a new one
      tokens.forget(peer.tokenUrl(), peer.clientId(), SCOPE);
      answer = send(peer, HttpRequest.newBuilder(URI.create(url))
          .header("Accept", "application/fhir+json").header("Authorization", "Bearer " + token(peer, deadline)).GET(), deadline);
    }
    return answer;
  }

  private String token(PeerHub peer, Instant deadline) throws PeerFailure {
    try {
      return tokens.token(peer.tokenUrl(), peer.clientId(), SCOPE, deadline);
    } catch (BackendTokens.Refused e) {
      if (e.timedOut()) {
        throw timeout(peer);
      }
      throw new PeerFailure(IssueType.SECURITY, "peer " + peer.code() + " gave this hub no token: " + e.getMessage());
    }
  }

  private HttpResponse<String> send(PeerHub peer, HttpRequest.Builder request, Instant deadline) throws PeerFailure {
    Duration left = Duration.between(clock.instant(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw timeout(peer);
    }
    try {
      return http.send(request.timeout(left).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpTimeoutException e) {
      throw timeout(peer);
    } catch (IOException e) {
      throw new PeerFailure(IssueType.TRANSIENT, "peer " + peer.code() + " could not be reached ("
          + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw timeout(peer);
    }
  }

  private static PeerFailure timeout(PeerHub peer) {
    return new PeerFailure(IssueType.TIMEOUT, "peer " + peer.code() + " did not answer within " + peer.timeout().toMillis() + " ms");
  }

  private static void expectOk(PeerHub peer, HttpResponse<String> answer, String what) throws PeerFailure {
    int status = answer.statusCode();
    if (status == 200) {
      return;
    }
    IssueType type = status == 401 || status == 403 ? IssueType.FORBIDDEN : IssueType.EXCEPTION;
    throw new PeerFailure(type, "peer " + peer.code() + " answered " + what + " with HTTP " + status);
  }

  private <T extends Resource> T parse(PeerHub peer, HttpResponse<String> answer, Class<T> type) throws PeerFailure {
    try {
      return fhir.newJsonParser().parseResource(type, answer.body());
    } catch (DataFormatException | ClassCastException e) {
      throw new PeerFailure(IssueType.STRUCTURE, "peer " + peer.code() + " answered with something not a " + type.getSimpleName());
    }
  }
}
