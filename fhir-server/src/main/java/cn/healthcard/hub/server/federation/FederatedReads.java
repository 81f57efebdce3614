package cn.healthcard.hub.server.federation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import cn.healthcard.hub.federation.peer.FederatedBundle;
import cn.healthcard.hub.federation.peer.FederatedRead;
import cn.healthcard.hub.federation.peer.FederatedRead.PeerAnswer;
import cn.healthcard.hub.federation.peer.PeerFailure;
import cn.healthcard.hub.federation.peer.PeerHub;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.fhir.HubConsentService;
import cn.healthcard.hub.security.fhir.RequestCallers;
import cn.healthcard.hub.server.identity.IdentityNumberSearchNormalizer;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.beans.factory.ObjectProvider;

/**
 * {@code GET /fhir/Patient/$everything?identifier=<system>|<value>&_federated=true}: the local
 * record and the person's record at every peer hub that knows them, in one Bundle; and a search
 * naming the person ({@code Patient?identifier=}, {@code <Type>?patient.identifier=} or
 * {@code subject.identifier=}, with {@code _count}) with {@code _federated=true}: the local
 * search's answer and the person's resources of that type at every peer that knows them. The peers are
 * asked when the request arrives, in parallel with the local work; their parts are joined to the
 * local answer's first page after the hub's own consent rules have shaped it, each resource marked
 * with its source and a Provenance per peer, the peers that failed reported in an
 * OperationOutcome. A federated read follows the rules of a local one: the caller's institution
 * treats the person here (they are registered with it), or the caller states a break-glass reason.
 */
@Interceptor
public class FederatedReads {
  static final String PARAM = "_federated";
  private static final String ANSWERS = FederatedReads.class.getName() + ".answers";
  /** What a federated search may carry besides the person: how the answer is shaped, not what it holds. */
  static final java.util.Set<String> SEARCH_CONTROLS = java.util.Set.of("_count", "_format", "_pretty", "_summary");

  private final FederatedRead read;
  private final DaoRegistry daos;
  private final ObjectProvider<HubConsentService> consents;

  public FederatedReads(FederatedRead read, DaoRegistry daos, ObjectProvider<HubConsentService> consents) {
    this.read = read;
    this.daos = daos;
    this.consents = consents;
  }

  /** Before the identifier is resolved to local Patients (which would answer 404 for a stranger here). */
  @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED, order = -100)
  public boolean start(RequestDetails request, HttpServletResponse servletResponse) throws IOException {
    Map<String, String[]> parameters = request.getParameters();
    String[] federated = parameters.get(PARAM);
    if (federated == null) {
      return true;
    }
    Map<String, String[]> rest = new HashMap<>(parameters);
    rest.remove(PARAM);
    request.setParameters(rest);
    if (federated.length != 1 || !("true".equals(federated[0]) || "false".equals(federated[0]))) {
      throw invalid(PARAM, "_federated must be true or false");
    }
    if (!"true".equals(federated[0])) {
      return true;
    }
    boolean everything = "$everything".equals(request.getOperation()) && "Patient".equals(request.getResourceName())
        && (request.getId() == null || !request.getId().hasIdPart());
    boolean search = request.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE;
    if (!everything && !search) {
      throw invalid(PARAM, "_federated is supported on Patient/$everything?identifier=<system>|<value> and on searches"
          + " naming the person");
    }
    String person;
    List<String> types;
    if (everything) {
      person = "identifier";
      String[] type = rest.get("_type");
      types = type == null ? List.of() : List.of(String.join(",", type).split(","));
    } else {
      String type = request.getResourceName();
      person = "Patient".equals(type) ? "identifier"
          : rest.containsKey("patient.identifier") ? "patient.identifier"
          : rest.containsKey("subject.identifier") ? "subject.identifier" : null;
      if (person == null) {
        throw invalid(PARAM, "a federated search names the person: identifier (Patient), patient.identifier or"
            + " subject.identifier");
      }
      for (String name : rest.keySet()) {
        if (!name.equals(person) && !SEARCH_CONTROLS.contains(name)) {
          // a peer is asked for the person's resources of the type; other criteria cannot go with it
          throw invalid(name, "a federated search takes the person and _count only, not " + name);
        }
      }
      types = List.of(type);
    }
    String[] identifiers = rest.get(person);
    if (identifiers == null || identifiers.length != 1 || identifiers[0].contains(",") || identifiers[0].indexOf('|') <= 0
        || identifiers[0].endsWith("|")) {
      throw invalid(person, "a federated read names the person by one identifier, <system>|<value>");
    }
    String system = identifiers[0].substring(0, identifiers[0].indexOf('|'));
    String value = IdentityNumberSearchNormalizer.normalizeToken(system, identifiers[0].substring(identifiers[0].indexOf('|') + 1));
    List<String> local = localPatients(system, value);
    authorise(request, local);
    CompletableFuture<List<PeerAnswer>> asked = read.ask(system, value, types);
    if (everything && local.isEmpty()) {
      // no one here by this identifier (a break-glass read): the answer is the peers' parts alone;
      // HAPI's $everything is not run (it would answer 404, or without ids, everyone)
      Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET).setTotal(0);
      bundle.addLink().setRelation(Bundle.LINK_SELF).setUrl(request.getCompleteUrl());
      FederatedBundle.merge(bundle, request.getFhirServerBase(), await(asked), new Date());
      servletResponse.setStatus(200);
      servletResponse.setContentType("application/fhir+json;charset=utf-8");
      servletResponse.getWriter().write(request.getFhirContext().newJsonParser().encodeResourceToString(bundle));
      servletResponse.getWriter().flush();
      return false;
    }
    request.getUserData().put(ANSWERS, asked);
    return true;
  }

  /** After consent and audit have seen the local answer: the peers' parts are not the hub's records. */
  @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = 2000)
  public boolean join(RequestDetails request, ResponseDetails response) {
    @SuppressWarnings("unchecked")
    CompletableFuture<List<PeerAnswer>> asked = (CompletableFuture<List<PeerAnswer>>) request.getUserData().get(ANSWERS);
    if (asked == null || !(response.getResponseResource() instanceof Bundle bundle)) {
      return true;
    }
    FederatedBundle.merge(bundle, request.getFhirServerBase(), await(asked), new Date());
    return true;
  }

  private List<PeerAnswer> await(CompletableFuture<List<PeerAnswer>> asked) {
    try {
      // each peer keeps its own deadline; this wait only guards against a stuck thread
      return asked.get(longestTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException | InterruptedException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      List<PeerAnswer> answers = new ArrayList<>();
      for (PeerHub peer : read.peers()) {
        answers.add(new PeerAnswer(peer, List.of(), new PeerFailure(OperationOutcome.IssueType.TIMEOUT,
            "peer " + peer.code() + " did not answer within " + peer.timeout().toMillis() + " ms")));
      }
      return answers;
    }
  }

  /** The ids of the local Patients with the identifier. */
  private List<String> localPatients(String system, String value) {
    SearchParameterMap map = SearchParameterMap.newSynchronous("identifier", new TokenParam(system, value));
    List<String> ids = new ArrayList<>();
    for (IBaseResource patient : daos.getResourceDao(Patient.class).search(map, new SystemRequestDetails()).getResources(0, 10)) {
      ids.add(patient.getIdElement().getIdPart());
    }
    return ids;
  }

  private Duration longestTimeout() {
    return read.peers().stream().map(PeerHub::timeout).max(Duration::compareTo).orElse(Duration.ZERO);
  }

  private void authorise(RequestDetails request, List<String> local) {
    Optional<Caller> caller = RequestCallers.of(request);
    HubConsentService consent = consents.getIfAvailable();
    if (caller.isEmpty() || consent == null || caller.get().breakingGlass()) {
      return;
    }
    for (String patientId : local) {
      if (consent.mayAccessPatient(caller.get(), patientId)) {
        return;
      }
    }
    OperationOutcome outcome = new OperationOutcome();
    String text = "a federated read needs the person registered with your institution here, or X-Break-Glass-Reason";
    outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.FORBIDDEN)
        .setDiagnostics(text);
    throw new ForbiddenOperationException(text, outcome);
  }

  private static InvalidRequestException invalid(String parameter, String text) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.INVALID)
        .setDiagnostics(text).setExpression(List.of(new StringType(parameter)));
    return new InvalidRequestException(text, outcome);
  }
}
