package cn.healthcard.hub.server.federation;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.security.client.HubTokenClient;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import cn.healthcard.hub.server.R4Validation;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Federated reads between two hubs on loopback: this one (province 11) and another started from
 * the jar (province 21, its own data directory, database and ports). A card holder of 21 treated
 * in 11 is read across, with the audit trail on both sides; a peer that never answers is reported
 * within its timeout; a peer that answers with another person's record is refused and reported.
 */
class FederationIT extends HubIntegrationTest {

  private static final String ID_CARD = "urn:oid:2.16.156.10011.1.3";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path PEER_DATA = Path.of("target", "peer-21-data");
  private static final String POISONED = IdentityNumbers.next(LocalDate.of(1977, 7, 7));

  private static Process peer21;
  private static ServerSocket silent32;
  private static final List<Socket> held = new CopyOnWriteArrayList<>();
  private static HttpServer lying33;
  private static HubTokenClient peerClients;
  private final HttpClient raw = HttpClient.newHttpClient();

  @BeforeAll
  static void startPeers() throws Exception {
    if (Files.exists(PEER_DATA)) {
      try (var walk = Files.walk(PEER_DATA)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(PEER_DATA);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx640m", "-XX:+UseSerialGC", "-jar", Path.of("target", "hub.jar").toString(),
        "--server.port=" + PEER_21_PORT, "--hub.data-dir=" + PEER_DATA.toAbsolutePath(),
        "--hub.elasticsearch.enabled=false", "--hub.mllp.enabled=false", "--hub.cards.national.province-code=21"));
    peer21 = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(PEER_DATA.resolveSibling("peer-21.log").toFile()).start();

    // 32: accepts connections and never answers
    silent32 = new ServerSocket(PEER_32_PORT);
    Thread accept = new Thread(() -> {
      while (!silent32.isClosed()) {
        try {
          held.add(silent32.accept());
        } catch (IOException e) {
          return;
        }
      }
    }, "silent-peer");
    accept.setDaemon(true);
    accept.start();

    // 33: knows one person, and answers with someone else's record for them
    lying33 = HttpServer.create(new InetSocketAddress("127.0.0.1", PEER_33_PORT), 0);
    lying33.createContext("/oauth2/token", exchange -> answer(exchange, 200, "{\"access_token\":\"t33\",\"token_type\":\"Bearer\",\"expires_in\":300}"));
    lying33.createContext("/fhir/Patient/$ihe-pix", exchange -> {
      if (exchange.getRequestURI().getRawQuery().contains(POISONED)) {
        answer(exchange, 200, "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"targetId\",\"valueReference\":{\"reference\":\"Patient/L1\"}}]}");
      } else {
        answer(exchange, 404, "{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\",\"code\":\"not-found\"}]}");
      }
    });
    lying33.createContext("/fhir/Patient/L1/$everything", exchange -> {
      Patient someoneElse = new Patient();
      someoneElse.setId("L1");
      someoneElse.addIdentifier().setSystem(CARD).setValue(IdentityNumbers.next(LocalDate.of(1988, 8, 8)));
      someoneElse.addName().setFamily("冒").addGiven("名");
      Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
      bundle.addEntry().setFullUrl("http://127.0.0.1:" + PEER_33_PORT + "/fhir/Patient/L1").setResource(someoneElse);
      answer(exchange, 200, FHIR.newJsonParser().encodeResourceToString(bundle));
    });
    lying33.start();

    String root = "http://127.0.0.1:" + PEER_21_PORT;
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
    while (true) {
      assertThat(peer21.isAlive()).as("the peer hub exited; see target/peer-21.log").isTrue();
      try {
        if (http.send(HttpRequest.newBuilder(URI.create(root + "/fhir/metadata")).GET().build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          break;
        }
      } catch (IOException e) {
        // not listening yet
      }
      assertThat(Instant.now()).as("the peer hub did not start; see target/peer-21.log").isBefore(deadline);
      Thread.sleep(250);
    }
    peerClients = new HubTokenClient(root, PEER_DATA.toAbsolutePath());
  }

  @AfterAll
  static void stopPeers() throws Exception {
    if (lying33 != null) {
      lying33.stop(0);
    }
    if (silent32 != null) {
      silent32.close();
      for (Socket socket : held) {
        socket.close();
      }
    }
    if (peer21 != null) {
      List<ProcessHandle> children = peer21.descendants().toList();
      peer21.destroy();
      if (!peer21.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
        peer21.destroyForcibly();
      }
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/fhir+json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  /** Province 21 registers this hub as a peer with the key it publishes. */
  private void registerThisHubAtPeer21() throws Exception {
    HttpResponse<String> jwks = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/federation/jwks.json"))
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(jwks.statusCode()).isEqualTo(200);
    assertThat(jwks.body()).doesNotContain("\"d\"");
    peerClients.delete("hub-11");
    HttpResponse<String> registered = peerClients.register(Map.of("client_id", "hub-11", "role", "peer-hub",
        "jwks", JSON.readValue(jwks.body(), Map.class)));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
  }

  private HttpResponse<String> federated(String token, String card, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/fhir/Patient/$everything?identifier=" + URLEncoder.encode(CARD + "|" + card, StandardCharsets.UTF_8)
            + "&_federated=true")).header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return raw.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Patient person(String card, String family) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(card);
    patient.addIdentifier().setSystem(ID_CARD).setValue(card);
    patient.addName().setFamily(family).addGiven("丽华");
    patient.setBirthDate(java.sql.Date.valueOf(LocalDate.of(1966, 6, 6)));
    return patient;
  }

  private static String accessLog(String root, String token, String patientId) throws Exception {
    HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(root
            + "/fhir/Patient/$access-log?patient=Patient/" + patientId)).header("Authorization", "Bearer " + token)
        .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    return answer.body();
  }

  @Test
  void aCardHolderOfTheOtherProvinceIsReadAcrossWithTheAuditTrailOnBothSides() throws Exception {
    registerThisHubAtPeer21();
    String card = IdentityNumbers.next(LocalDate.of(1966, 6, 6), true);
    // at home in 21: the person and a result
    String home = peerClients.tokenFor("p21-hospital", Map.of("role", "hospital", "institution", "P21_HOSP"));
    String peerBase = "http://127.0.0.1:" + PEER_21_PORT + "/fhir";
    var homeClient = FHIR.newRestfulGenericClient(peerBase);
    homeClient.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(home));
    String homeId = homeClient.create().resource(person(card, "沈")).execute().getId().getIdPart();
    Observation result = new Observation();
    result.setStatus(Observation.ObservationStatus.FINAL);
    result.getCode().setText("haemoglobin");
    result.setSubject(new Reference("Patient/" + homeId));
    String resultId = homeClient.create().resource(result).execute().getId().getIdPart();

    // treated in 11: registered by the hospital that treats them
    registerHospital("FED_HOSP_11");
    String hospital = clients().tokenFor("fed-hospital-11", Map.of("role", "hospital", "institution", "FED_HOSP_11"));
    var here = FHIR.newRestfulGenericClient(base());
    here.registerInterceptor(new ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor(hospital));
    String localId = here.create().resource(person(card, "沈")).execute().getId().getIdPart();

    long started = System.nanoTime();
    HttpResponse<String> response = federated(hospital, card);
    double seconds = (System.nanoTime() - started) / 1e9;
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, response.body());

    Bundle.BundleEntryComponent local = entry(bundle, "Patient", localId, base());
    assertThat(local.getResource().getMeta().getSource()).startsWith(base() + "#");
    Bundle.BundleEntryComponent homePatient = entry(bundle, "Patient", homeId, peerBase);
    assertThat(homePatient.getResource().getMeta().getSource()).startsWith(peerBase + "#");
    Bundle.BundleEntryComponent homeResult = entry(bundle, "Observation", resultId, peerBase);
    assertThat(((Observation) homeResult.getResource()).getCode().getText()).isEqualTo("haemoglobin");

    List<Provenance> provenances = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Provenance.class::isInstance).map(Provenance.class::cast).toList();
    assertThat(provenances).hasSize(1);
    assertThat(provenances.get(0).getTarget().stream().map(Reference::getReference).toList())
        .contains(peerBase + "/Patient/" + homeId, peerBase + "/Observation/" + resultId);
    assertThat(provenances.get(0).getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("21");

    // 32 never answered: reported, and waited for no longer than its 2 s
    List<OperationOutcome> outcomes = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(OperationOutcome.class::isInstance).map(OperationOutcome.class::cast).toList();
    assertThat(outcomes).hasSize(1);
    assertThat(outcomes.get(0).getIssue()).hasSize(1);
    assertThat(outcomes.get(0).getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TIMEOUT);
    assertThat(outcomes.get(0).getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("peer:32");
    assertThat(seconds).isLessThan(2.0 + 3.0);
    R4Validation.assertValid(bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(r -> !(r instanceof OperationOutcome)).toArray(Resource[]::new));

    // nothing of province 21 is stored here
    Bundle observationsHere = here.search().forResource(Observation.class)
        .where(Observation.SUBJECT.hasId("Patient/" + localId)).returnBundle(Bundle.class).execute();
    assertThat(observationsHere.getEntry()).isEmpty();

    // a search naming the person: the local answer (none) and the peer's results of that type
    HttpResponse<String> searched = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/fhir/Observation?patient.identifier=" + URLEncoder.encode(CARD + "|" + card, StandardCharsets.UTF_8)
            + "&_federated=true")).header("Authorization", "Bearer " + hospital).header("Accept", "application/fhir+json")
        .GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(searched.statusCode()).as(searched.body()).isEqualTo(200);
    Bundle observations = FHIR.newJsonParser().parseResource(Bundle.class, searched.body());
    assertThat(observations.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(r -> !(r instanceof OperationOutcome) && !(r instanceof Provenance)).map(r -> r.fhirType() + "/"
            + r.getIdElement().getIdPart()).toList()).containsExactly("Observation/" + resultId);
    entry(observations, "Observation", resultId, peerBase);
    HttpResponse<String> narrowed = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/fhir/Observation?patient.identifier=" + URLEncoder.encode(CARD + "|" + card, StandardCharsets.UTF_8)
            + "&code=718-7&_federated=true")).header("Authorization", "Bearer " + hospital).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(narrowed.statusCode()).isEqualTo(400);
    assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, narrowed.body()).getIssueFirstRep()
        .getExpression().get(0).getValue()).isEqualTo("code");

    // both sides keep the trail: 21 shows this hub reading its resident's record, 11 the hospital
    Instant deadline = Instant.now().plusSeconds(20);
    String homeLog = accessLog("http://127.0.0.1:" + PEER_21_PORT, peerClients.adminToken(), homeId);
    while (!homeLog.contains("\"valueString\":\"hub-11\"") && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      homeLog = accessLog("http://127.0.0.1:" + PEER_21_PORT, peerClients.adminToken(), homeId);
    }
    assertThat(homeLog).contains("\"valueString\":\"hub-11\"");
    String hereLog = accessLog("http://localhost:" + port, clients().adminToken(), localId);
    while (!hereLog.contains("\"valueString\":\"fed-hospital-11\"") && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      hereLog = accessLog("http://localhost:" + port, clients().adminToken(), localId);
    }
    assertThat(hereLog).contains("\"valueString\":\"fed-hospital-11\"");
  }

  @Test
  void aPeerThatAnswersWithAnotherPersonsRecordIsRefusedAndReported() throws Exception {
    String clinician = clients().tokenFor("fed-clinician-11", Map.of("role", "clinician", "institution", "FED_HOSP_11"));
    // no one here has this card: the local part is empty, not a 404
    HttpResponse<String> response = federated(clinician, POISONED, "X-Break-Glass-Reason", "unconscious, no records here");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    assertThat(bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance).toList()).isEmpty();
    OperationOutcome outcome = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(OperationOutcome.class::isInstance).map(OperationOutcome.class::cast).findFirst().orElseThrow();
    OperationOutcome.OperationOutcomeIssueComponent refused = outcome.getIssue().stream()
        .filter(i -> i.getExpression().get(0).getValue().equals("peer:33")).findFirst().orElseThrow();
    assertThat(refused.getCode()).isEqualTo(OperationOutcome.IssueType.PROCESSING);
    assertThat(refused.getDiagnostics()).isEqualTo("peer 33 answered with another person's record for this identifier;"
        + " its answer was refused");
    assertThat(response.body()).doesNotContain("冒");
  }

  @Test
  void withoutARegistrationHereOrABreakGlassReasonAFederatedReadIsRefused() throws Exception {
    String clinician = clients().tokenFor("fed-clinician-11b", Map.of("role", "clinician", "institution", "FED_HOSP_11B"));
    HttpResponse<String> refused = federated(clinician, IdentityNumbers.next(LocalDate.of(1955, 5, 5)));
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, refused.body()).getIssueFirstRep().getCode())
        .isEqualTo(OperationOutcome.IssueType.FORBIDDEN);

    HttpResponse<String> bad = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
        + "/fhir/Patient/$everything?identifier=" + URLEncoder.encode(CARD + "|" + POISONED, StandardCharsets.UTF_8)
        + "&_federated=maybe")).header("Authorization", "Bearer " + testToken()).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, bad.body()).getIssueFirstRep()
        .getExpression().get(0).getValue()).isEqualTo("_federated");
  }

  private static Bundle.BundleEntryComponent entry(Bundle bundle, String type, String id, String base) {
    return bundle.getEntry().stream()
        .filter(e -> e.getResource() != null && e.getResource().fhirType().equals(type)
            && e.getResource().getIdElement().getIdPart().equals(id) && e.getFullUrl().startsWith(base))
        .findFirst().orElseThrow(() -> new AssertionError(type + "/" + id + " from " + base + " is not in the answer"));
  }
}
