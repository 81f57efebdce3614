package cn.healthcard.hub.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.security.client.HubTokenClient;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.residence.ResidenceDivisionSearch;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Who may see what: each role's allowed and refused calls, the routes around the rules
 * ({@code $everything}, {@code _include}/{@code _revinclude}, {@code _history}, transactions,
 * GraphQL), token checks, break-glass, the audit trail and its chain.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT extends HubIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient anonymous = HttpClient.newHttpClient();

  @Autowired DataSource dataSource;

  private String shenyangPatient;
  private String beijingPatient;
  private String shenyangImmunization;
  private String beijingImmunization;

  private String token(String client, Map<String, Object> registration) {
    return clients().tokenFor(client, registration);
  }

  private String hospitalX() {
    return token("sec-hosp-x", Map.of("role", "hospital", "institution", "SEC_HOSP_X"));
  }

  private String hospitalY() {
    return token("sec-hosp-y", Map.of("role", "hospital", "institution", "SEC_HOSP_Y"));
  }

  private HttpResponse<String> as(String token, String method, String pathAndQuery, String body, String... headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(rootUrl() + pathAndQuery));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    if (body != null) {
      if (!List.of(headers).contains("Content-Type")) {
        request.header("Content-Type", pathAndQuery.startsWith("/fhir") ? "application/fhir+json" : "application/json");
      }
      request.method(method, HttpRequest.BodyPublishers.ofString(body));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    try {
      return anonymous.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String rootUrl() {
    return "http://localhost:" + port;
  }

  private static JsonNode json(HttpResponse<String> response) {
    try {
      return JSON.readTree(response.body());
    } catch (Exception e) {
      throw new IllegalStateException(response.body(), e);
    }
  }

  private String create(String token, org.hl7.fhir.r4.model.Resource resource) {
    HttpResponse<String> created = as(token, "POST", "/fhir/" + resource.fhirType(),
        FHIR.newJsonParser().encodeResourceToString(resource));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return created.headers().firstValue("Location").orElseThrow().replaceAll(".*/fhir/", "").replaceAll("/_history.*", "");
  }

  private static Patient residentOf(String county) {
    Patient patient = new Patient();
    patient.addName().setFamily("安全").addGiven("测试");
    Address address = patient.addAddress().setUse(Address.AddressUse.HOME);
    address.addExtension(ResidenceDivisionSearch.ADDRESS_DIVISION, new Coding(
        "https://hub.healthcard.cn/fhir/CodeSystem/gbt2260", county, null));
    return patient;
  }

  private static Immunization doseFor(String patient) {
    Immunization dose = new Immunization();
    dose.setStatus(Immunization.ImmunizationStatus.COMPLETED);
    dose.getVaccineCode().addCoding(new Coding("http://hl7.org/fhir/sid/cvx", "08", "Hep B"));
    dose.setPatient(new Reference(patient));
    dose.getOccurrenceDateTimeType().setValueAsString("2026-01-05");
    return dose;
  }

  @BeforeAll
  void records() {
    shenyangPatient = create(hospitalX(), residentOf("210102"));
    beijingPatient = create(hospitalX(), residentOf("110101"));
    shenyangImmunization = create(hospitalX(), doseFor(shenyangPatient));
    beijingImmunization = create(hospitalX(), doseFor(beijingPatient));
  }

  @Test
  @Order(1)
  void everyProtectedEndpointAnswers401WithoutAToken() {
    for (String[] call : List.of(
        new String[] {"GET", "/fhir/Patient"},
        new String[] {"GET", "/fhir/" + shenyangPatient},
        new String[] {"POST", "/fhir"},
        new String[] {"POST", "/hl7v2"},
        new String[] {"GET", "/admin/clients"},
        new String[] {"GET", "/admin/hl7v2/inbox"},
        new String[] {"GET", "/key-injection/v1/keys"},
        new String[] {"GET", "/actuator/metrics"})) {
      HttpResponse<String> answer = as(null, call[0], call[1], null);
      assertThat(answer.statusCode()).as(call[0] + " " + call[1]).isEqualTo(401);
      assertThat(answer.headers().firstValue("WWW-Authenticate")).as(call[1]).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
    assertThat(as(null, "GET", "/fhir/metadata", null).statusCode()).isEqualTo(200);
    assertThat(as(null, "GET", "/actuator/health", null).statusCode()).isNotEqualTo(401);
  }

  @Test
  @Order(2)
  void smartDiscoveryAndCapabilityStatementNameTheTokenEndpoint() {
    for (String path : List.of("/fhir/.well-known/smart-configuration", "/.well-known/smart-configuration")) {
      HttpResponse<String> answer = as(null, "GET", path, null);
      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode smart = json(answer);
      assertThat(smart.get("token_endpoint").asText()).isEqualTo(rootUrl() + "/oauth2/token");
      assertThat(smart.get("grant_types_supported").toString()).contains("\"client_credentials\"");
      assertThat(smart.get("token_endpoint_auth_methods_supported").toString())
          .contains("\"private_key_jwt\"").contains("\"client_secret_basic\"");
      assertThat(smart.get("scopes_supported").size()).isGreaterThan(0);
    }
    CapabilityStatement capabilities = FHIR.newJsonParser().parseResource(CapabilityStatement.class,
        as(null, "GET", "/fhir/metadata", null).body());
    var security = capabilities.getRestFirstRep().getSecurity();
    assertThat(security.getServiceFirstRep().getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
    assertThat(security.getExtensionByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")
        .getExtensionByUrl("token").getValue().primitiveValue()).endsWith("/oauth2/token");
  }

  @Test
  @Order(3)
  void bootstrapOperatorFileIsOwnerOnlyAndRegistersClients() throws Exception {
    var file = DATA_DIR.resolve("security").resolve("bootstrap-admin.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(clients().bootstrapFile().get("token_url").asText()).endsWith("/oauth2/token");
    assertThat(Files.readString(LOG_FILE)).doesNotContain(clients().bootstrapFile().get("client_secret").asText());

    HttpResponse<String> unknownRole = clients().register(Map.of("client_id", "sec-bad", "role", "superuser"));
    assertThat(unknownRole.statusCode()).isEqualTo(400);
    assertThat(json(unknownRole).get("problems").get(0).get("field").asText()).isEqualTo("role");
    HttpResponse<String> badDivision = clients().register(Map.of("client_id", "sec-bad", "role", "public-health", "division", "999999"));
    assertThat(badDivision.statusCode()).isEqualTo(400);
    assertThat(json(badDivision).get("problems").get(0).get("field").asText()).isEqualTo("division");
    hospitalX();
    assertThat(clients().register(Map.of("client_id", "sec-hosp-x", "role", "hospital")).statusCode()).isEqualTo(409);
    // a hospital is not an operator
    assertThat(as(hospitalX(), "GET", "/admin/clients", null).statusCode()).isEqualTo(403);
    assertThat(as(hospitalX(), "GET", "/admin/hl7v2/inbox", null).statusCode()).isEqualTo(403);
    HttpResponse<String> one = as(clients().adminToken(), "GET", "/admin/clients/sec-hosp-x", null);
    assertThat(one.statusCode()).isEqualTo(200);
    assertThat(json(one).get("institution").asText()).isEqualTo("SEC_HOSP_X");
    assertThat(json(one).has("client_secret")).isFalse();
  }

  @Test
  @Order(4)
  void hospitalReadsThePatientsItTreatsAndNoOthers() {
    assertThat(as(hospitalX(), "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(200);
    HttpResponse<String> refused = as(hospitalY(), "GET", "/fhir/" + shenyangPatient, null);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("OperationOutcome");
    assertThat(as(hospitalY(), "GET", "/fhir/" + shenyangImmunization, null).statusCode()).isEqualTo(403);

    Bundle search = FHIR.newJsonParser().parseResource(Bundle.class,
        as(hospitalY(), "GET", "/fhir/Immunization?patient=" + shenyangPatient, null).body());
    assertThat(search.getEntry()).isEmpty();
    Bundle own = FHIR.newJsonParser().parseResource(Bundle.class,
        as(hospitalX(), "GET", "/fhir/Immunization?patient=" + shenyangPatient, null).body());
    assertThat(own.getEntry()).hasSize(1);
    // a narrowed search says nothing of how many matched before narrowing
    assertThat(own.hasTotal()).isFalse();
    assertThat(search.hasTotal()).isFalse();
  }

  @Test
  @Order(4)
  void aHospitalFindsByCardNumberThePatientsItWroteInATransaction() {
    String card = cn.healthcard.hub.server.IdentityNumbers.next(java.time.LocalDate.of(1977, 7, 7));
    String bundle = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":["
        + "{\"fullUrl\":\"urn:uuid:4b7f6a1e-0000-4000-8000-000000000001\",\"resource\":{\"resourceType\":\"Patient\","
        + "\"identifier\":[{\"system\":\"" + CARD + "\",\"value\":\"" + card + "\"}],\"birthDate\":\"1977-07-07\"},"
        + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}},"
        + "{\"resource\":{\"resourceType\":\"Encounter\",\"status\":\"finished\",\"class\":{\"code\":\"AMB\"},"
        + "\"subject\":{\"reference\":\"urn:uuid:4b7f6a1e-0000-4000-8000-000000000001\"}},"
        + "\"request\":{\"method\":\"POST\",\"url\":\"Encounter\"}}]}";
    HttpResponse<String> stored = as(hospitalX(), "POST", "/fhir", bundle);
    assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    Bundle found = FHIR.newJsonParser().parseResource(Bundle.class, as(hospitalX(), "GET",
        "/fhir/Patient?identifier=" + URLEncoder.encode(CARD + "|" + card, StandardCharsets.UTF_8), null).body());
    assertThat(found.getEntry()).hasSize(1);
    Bundle notTheirs = FHIR.newJsonParser().parseResource(Bundle.class, as(hospitalY(), "GET",
        "/fhir/Patient?identifier=" + URLEncoder.encode(CARD + "|" + card, StandardCharsets.UTF_8), null).body());
    assertThat(notTheirs.getEntry()).isEmpty();

    // as hospital systems send them: the Patient created only if its card number is new
    String second = cn.healthcard.hub.server.IdentityNumbers.next(java.time.LocalDate.of(1977, 7, 7));
    String conditional = bundle.replace(card, second).replace("\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}",
        "\"request\":{\"method\":\"POST\",\"url\":\"Patient\",\"ifNoneExist\":\"identifier=" + CARD + "|" + second + "\"}");
    HttpResponse<String> again = as(hospitalX(), "POST", "/fhir", conditional);
    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
    Bundle foundAgain = FHIR.newJsonParser().parseResource(Bundle.class, as(hospitalX(), "GET",
        "/fhir/Patient?identifier=" + URLEncoder.encode(CARD + "|" + second, StandardCharsets.UTF_8), null).body());
    assertThat(foundAgain.getEntry()).hasSize(1);
  }

  @Test
  @Order(5)
  void noLeakThroughIncludesHistoryEverythingTransactionsOrGraphql() {
    String y = hospitalY();
    Bundle included = FHIR.newJsonParser().parseResource(Bundle.class,
        as(y, "GET", "/fhir/Immunization?_include=Immunization:patient&_id=" + shenyangImmunization.substring(13), null).body());
    assertThat(included.getEntry()).isEmpty();
    Bundle revincluded = FHIR.newJsonParser().parseResource(Bundle.class,
        as(y, "GET", "/fhir/Patient?_revinclude=Immunization:patient&_id=" + shenyangPatient.substring(8), null).body());
    assertThat(revincluded.getEntry()).isEmpty();
    assertThat(as(y, "GET", "/fhir/" + shenyangPatient + "/_history", null).statusCode()).isEqualTo(403);
    assertThat(as(y, "GET", "/fhir/" + shenyangPatient + "/$everything", null).statusCode()).isEqualTo(403);
    Bundle history = FHIR.newJsonParser().parseResource(Bundle.class,
        as(y, "GET", "/fhir/Immunization/_history", null).body());
    assertThat(history.getEntry()).noneMatch(e -> e.getResource() != null
        && e.getResource().getIdElement().getIdPart().equals(shenyangImmunization.substring(13)));
    String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"request\":{\"method\":\"GET\",\"url\":\""
        + shenyangPatient + "\"}}]}";
    HttpResponse<String> batch = as(y, "POST", "/fhir", transaction);
    assertThat(batch.body()).doesNotContain("安全");
    // GraphQL is not served at all
    HttpResponse<String> graphql = as(y, "POST", "/fhir/$graphql", "{\"query\":\"{PatientList{name{family}}}\"}");
    assertThat(graphql.statusCode()).isEqualTo(400);
    assertThat(graphql.body()).doesNotContain("安全");
    // the hub's own resources are written by the hub only
    HttpResponse<String> forged = as(y, "POST", "/fhir/AuditEvent",
        "{\"resourceType\":\"AuditEvent\",\"type\":{\"code\":\"rest\"},\"recorded\":\"2026-01-01T00:00:00Z\","
            + "\"agent\":[{\"requestor\":true}],\"source\":{\"observer\":{\"display\":\"x\"}}}");
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(as(y, "GET", "/fhir/AuditEvent", null).statusCode()).isEqualTo(403);
  }

  @Test
  @Order(6)
  void clinicianReadsWithATreatmentRelationshipOrByBreakingTheGlass() {
    String inX = token("sec-dr-x", Map.of("role", "clinician", "institution", "SEC_HOSP_X", "practitioner", "Practitioner/dr-x"));
    String inZ = token("sec-dr-z", Map.of("role", "clinician", "institution", "SEC_HOSP_Z", "practitioner", "Practitioner/dr-z"));
    assertThat(as(inX, "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(200);
    assertThat(as(inZ, "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(403);
    assertThat(as(inZ, "GET", "/fhir/" + shenyangPatient, null, "X-Break-Glass-Reason", "unconscious in A&E")
        .statusCode()).isEqualTo(200);
    // a clinician may not write
    assertThat(as(inX, "POST", "/fhir/Immunization", FHIR.newJsonParser().encodeResourceToString(doseFor(shenyangPatient)))
        .statusCode()).isEqualTo(403);
    // a hospital system cannot break the glass
    assertThat(as(hospitalY(), "GET", "/fhir/" + shenyangPatient, null, "X-Break-Glass-Reason", "curious").statusCode())
        .isEqualTo(403);

    JsonNode log = await(() -> {
      HttpResponse<String> answer = as(clients().adminToken(), "GET",
          "/fhir/Patient/$access-log?patient=" + shenyangPatient, null);
      assertThat(answer.statusCode()).isEqualTo(200);
      JsonNode parameters = json(answer);
      for (JsonNode p : parameters.get("parameter")) {
        if (p.get("name").asText().equals("access") && p.toString().contains("unconscious in A&E")) {
          return p;
        }
      }
      return null;
    });
    assertThat(log.toString()).contains("\"breakGlass\"").contains("sec-dr-z").contains("SEC_HOSP_Z").contains("Practitioner/dr-z");
  }

  @Test
  @Order(7)
  void publicHealthSeesItsDivisionOnly() {
    String shenyang = token("sec-cdc-shenyang", Map.of("role", "public-health", "division", "2101"));
    Bundle found = FHIR.newJsonParser().parseResource(Bundle.class,
        as(shenyang, "GET", "/fhir/Immunization?_id=" + shenyangImmunization.substring(13) + ","
            + beijingImmunization.substring(13), null).body());
    assertThat(found.getEntry()).hasSize(1);
    assertThat(found.getEntryFirstRep().getResource().getIdElement().getIdPart()).isEqualTo(shenyangImmunization.substring(13));
    assertThat(as(shenyang, "GET", "/fhir/" + shenyangImmunization, null).statusCode()).isEqualTo(200);
    assertThat(as(shenyang, "GET", "/fhir/" + beijingImmunization, null).statusCode()).isEqualTo(403);
    // not a public-health resource type
    assertThat(as(shenyang, "GET", "/fhir/DiagnosticReport", null).statusCode()).isEqualTo(403);
    assertThat(as(shenyang, "POST", "/fhir/Immunization", FHIR.newJsonParser().encodeResourceToString(doseFor(shenyangPatient)))
        .statusCode()).isEqualTo(403);
    // statistics of another division
    assertThat(as(shenyang, "GET", "/fhir/$card-statistics?division=11", null).statusCode()).isEqualTo(403);
    assertThat(as(shenyang, "GET", "/fhir/$card-statistics?division=210102", null).statusCode()).isEqualTo(200);
    assertThat(as(shenyang, "GET", "/fhir/Immunization/$coverage?division=11&birthYear=2024", null).statusCode())
        .isEqualTo(403);
    assertThat(as(shenyang, "GET", "/fhir/Immunization/$coverage?division=2101&birthYear=2024", null).statusCode())
        .isEqualTo(200);
  }

  @Test
  @Order(8)
  void residentSeesTheirOwnRecordAndWhoLookedAtIt() {
    String resident = token("sec-resident", Map.of("role", "resident", "patient", shenyangPatient));
    assertThat(as(resident, "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(200);
    assertThat(as(resident, "GET", "/fhir/" + shenyangImmunization, null).statusCode()).isEqualTo(200);
    assertThat(as(resident, "GET", "/fhir/" + beijingPatient, null).statusCode()).isEqualTo(403);
    assertThat(as(resident, "GET", "/fhir/" + beijingImmunization, null).statusCode()).isEqualTo(403);
    assertThat(as(resident, "GET", "/fhir/" + shenyangPatient + "/$everything", null).statusCode()).isEqualTo(200);
    assertThat(as(resident, "GET", "/fhir/" + beijingPatient + "/$everything", null).statusCode()).isEqualTo(403);
    assertThat(as(resident, "GET", "/fhir/AuditEvent", null).statusCode()).isEqualTo(403);
    assertThat(as(resident, "GET", "/fhir/Patient/$access-log?patient=" + beijingPatient, null).statusCode()).isEqualTo(403);
    JsonNode own = await(() -> {
      JsonNode log = json(as(resident, "GET", "/fhir/Patient/$access-log", null));
      return log.toString().contains("sec-hosp-x") && log.toString().contains("sec-dr-z") ? log : null;
    });
    // newest first
    String previous = null;
    for (JsonNode p : own.get("parameter")) {
      if (p.get("name").asText().equals("access")) {
        String time = p.get("part").get(0).get("valueDateTime").asText();
        if (previous != null) {
          assertThat(Instant.parse(time.replace("+08:00", "Z").replace("+00:00", "Z")))
              .isBeforeOrEqualTo(Instant.parse(previous.replace("+08:00", "Z").replace("+00:00", "Z")));
        }
        previous = time;
      }
    }
  }

  @Test
  @Order(9)
  void privateKeyJwtClientsAuthenticateOnceWithEachAssertion() throws Exception {
    RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
    HttpResponse<String> registered = clients().register(Map.of(
        "client_id", "sec-smart", "role", "hospital", "institution", "SEC_HOSP_X",
        "jwks", JSON.readValue(new com.nimbusds.jose.jwk.JWKSet(key.toPublicJWK()).toString(), Map.class)));
    assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
    assertThat(json(registered).has("client_secret")).isFalse();
    String tokenUrl = rootUrl() + "/oauth2/token";

    String assertion = assertion(key, "sec-smart", tokenUrl, Duration.ofMinutes(4), UUID.randomUUID().toString());
    HttpResponse<String> first = tokenRequest(assertion, "system/*.cruds");
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(json(first).get("token_type").asText()).isEqualToIgnoringCase("bearer");
    assertThat(json(first).get("expires_in").asInt()).isLessThanOrEqualTo(300);
    assertThat(json(first).get("scope").asText()).isEqualTo("system/*.cruds");
    assertThat(as(json(first).get("access_token").asText(), "GET", "/fhir/" + shenyangPatient, null).statusCode())
        .isEqualTo(200);

    HttpResponse<String> replay = tokenRequest(assertion, "system/*.cruds");
    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(json(replay).get("error").asText()).isEqualTo("invalid_client");
    assertThat(tokenRequest(assertion(key, "sec-smart", tokenUrl, Duration.ofMinutes(30), UUID.randomUUID().toString()),
        "system/*.cruds").statusCode()).isEqualTo(401);
    assertThat(tokenRequest(assertion(key, "sec-smart", rootUrl() + "/elsewhere", Duration.ofMinutes(4),
        UUID.randomUUID().toString()), "system/*.cruds").statusCode()).isEqualTo(401);
    RSAKey other = new RSAKeyGenerator(2048).keyID("k1").generate();
    assertThat(tokenRequest(assertion(other, "sec-smart", tokenUrl, Duration.ofMinutes(4), UUID.randomUUID().toString()),
        "system/*.cruds").statusCode()).isEqualTo(401);
    // more than it is registered for
    assertThat(tokenRequest(assertion(key, "sec-smart", tokenUrl, Duration.ofMinutes(4), UUID.randomUUID().toString()),
        "system/*.cruds user/*.rs").statusCode()).isEqualTo(400);
  }

  private static String assertion(RSAKey key, String client, String audience, Duration life, String jti) throws Exception {
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.RS384).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
        new JWTClaimsSet.Builder().issuer(client).subject(client).audience(audience)
            .expirationTime(Date.from(Instant.now().plus(life))).jwtID(jti).build());
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private HttpResponse<String> tokenRequest(String assertion, String scope) {
    String form = "grant_type=client_credentials&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8)
        + "&client_assertion_type=" + URLEncoder.encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer", StandardCharsets.UTF_8)
        + "&client_assertion=" + assertion;
    try {
      return anonymous.send(HttpRequest.newBuilder(URI.create(rootUrl() + "/oauth2/token"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(10)
  void forgedAndTamperedTokensAre401() throws Exception {
    String good = hospitalX();
    String[] parts = good.split("\\.");
    String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
    assertThat(as(tampered, "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(401);
    RSAKey foreign = new RSAKeyGenerator(2048).keyID("foreign").generate();
    SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("foreign").build(),
        JWTClaimsSet.parse(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)));
    forged.sign(new RSASSASigner(foreign));
    assertThat(as(forged.serialize(), "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(401);
    assertThat(as("not-a-token", "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(10)
  void eachRoleIsRefusedTheEndpointsOfTheOthers() {
    String hospital = hospitalX();
    String day = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).toString();
    // operator endpoints
    assertThat(as(hospital, "GET", "/actuator/metrics", null).statusCode()).isEqualTo(403);
    assertThat(as(hospital, "GET", "/admin/clients", null).statusCode()).isEqualTo(403);
    assertThat(as(hospital, "GET", "/fhir/AuditEvent/$verify-chain?date=" + day, null).statusCode()).isEqualTo(403);
    assertThat(as(hospital, "GET", "/fhir/AuditEvent?_count=1", null).statusCode()).isEqualTo(403);
    assertThat(as(hospital, "GET", "/fhir/Patient/$access-log?patient=" + shenyangPatient, null).statusCode())
        .isEqualTo(403);
    // the resident's own operations
    assertThat(as(hospital, "GET", "/fhir/Patient/$restrictions?patient=" + shenyangPatient, null).statusCode())
        .isEqualTo(403);
    // card production is for card issuers
    assertThat(as(hospital, "GET", "/key-injection/v1/keys", null).statusCode()).isEqualTo(403);
    // HL7 v2 is for hospitals
    String cdc = token("sec-cdc-shenyang", Map.of("role", "public-health", "division", "2101"));
    assertThat(as(cdc, "POST", "/hl7v2", "MSH|^~\\&|A|B\r", "Content-Type", "x-application/hl7-v2+er7").statusCode())
        .isEqualTo(403);
    // the operator may look, but reads no clinical data without breaking the glass
    assertThat(as(clients().adminToken(), "GET", "/actuator/metrics", null).statusCode()).isEqualTo(200);
    assertThat(as(clients().adminToken(), "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(403);
  }

  /** A token signed with the hub's own key, with the claims of a good one of the client and the given changes. */
  private String minted(String goodToken, java.util.function.UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
    RSAKey hubKey = RSAKey.parse(new JdbcTemplate(dataSource).queryForObject(
        "select jwk from hub.security_signing_key order by created_at, kid limit 1", String.class));
    JWTClaimsSet good = SignedJWT.parse(goodToken).getJWTClaimsSet();
    SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(hubKey.getKeyID()).build(),
        change.apply(new JWTClaimsSet.Builder(good)).build());
    token.sign(new RSASSASigner(hubKey));
    return token.serialize();
  }

  @Test
  @Order(10)
  void expiredTokensAndTokensForAnotherAudienceAre401() throws Exception {
    String good = hospitalX();
    assertThat(SignedJWT.parse(good).getJWTClaimsSet().getAudience()).containsExactly("healthcard-hub");
    Instant now = Instant.now();
    // the same claims re-signed with the hub's key pass: what follows fails for its one change
    assertThat(as(minted(good, c -> c), "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(200);
    String expired = minted(good, c -> c.issueTime(Date.from(now.minusSeconds(900)))
        .notBeforeTime(Date.from(now.minusSeconds(900))).expirationTime(Date.from(now.minusSeconds(600))));
    HttpResponse<String> late = as(expired, "GET", "/fhir/" + shenyangPatient, null);
    assertThat(late.statusCode()).isEqualTo(401);
    assertThat(late.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token").contains("expired");
    String elsewhere = minted(good, c -> c.audience("payments-gateway"));
    HttpResponse<String> foreign = as(elsewhere, "GET", "/fhir/" + shenyangPatient, null);
    assertThat(foreign.statusCode()).isEqualTo(401);
    assertThat(foreign.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("invalid_token");
    assertThat(as(minted(good, c -> c.audience((String) null)), "GET", "/fhir/" + shenyangPatient, null).statusCode())
        .isEqualTo(401);
  }

  @Test
  @Order(11)
  void aDisabledClientsTokensStopWorkingWithinAMinute() {
    String token = token("sec-disabled", Map.of("role", "hospital", "institution", "SEC_HOSP_D"));
    assertThat(as(token, "GET", "/fhir/Organization", null).statusCode()).isEqualTo(200);
    assertThat(as(clients().adminToken(), "POST", "/admin/clients/sec-disabled/disable", null).statusCode()).isEqualTo(200);
    assertThat(clients().requestToken("sec-disabled", clients().secret("sec-disabled"), null).statusCode()).isEqualTo(401);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int status = 200;
    while (System.nanoTime() < deadline && status != 401) {
      status = as(token, "GET", "/fhir/Organization", null).statusCode();
      sleep(1000);
    }
    assertThat(status).isEqualTo(401);
  }

  @Test
  @Order(12)
  void everyRequestOfAClientIsAudited() {
    String token = token("sec-audited", Map.of("role", "hospital", "institution", "SEC_HOSP_X"));
    int requests = 12;
    for (int i = 0; i < requests; i++) {
      assertThat(as(token, "GET", "/fhir/" + shenyangPatient, null).statusCode()).isEqualTo(200);
    }
    await(() -> {
      Bundle count = FHIR.newJsonParser().parseResource(Bundle.class, as(clients().adminToken(), "GET",
          "/fhir/AuditEvent?agent-name=sec-audited&_summary=count", null).body());
      return count.getTotal() == requests ? count : null;
    });
    Bundle events = FHIR.newJsonParser().parseResource(Bundle.class, as(clients().adminToken(), "GET",
        "/fhir/AuditEvent?agent-name=sec-audited&_count=1", null).body());
    org.hl7.fhir.r4.model.AuditEvent event = (org.hl7.fhir.r4.model.AuditEvent) events.getEntryFirstRep().getResource();
    assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo("read");
    assertThat(event.getAction().toCode()).isEqualTo("R");
    assertThat(event.getMeta().getProfile().get(0).getValue()).isEqualTo(
        "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead");
    assertThat(event.getEntity()).anyMatch(e -> shenyangPatient.equals(e.getWhat().getIdentifier().getValue())
        && "1".equals(e.getRole().getCode()));
    assertThat(event.getAgentFirstRep().getWho().getReference()).startsWith("Device/");
    Bundle byClient = FHIR.newJsonParser().parseResource(Bundle.class, as(clients().adminToken(), "GET",
        "/fhir/AuditEvent?agent:Device.identifier=" + URLEncoder.encode(
            "https://hub.healthcard.cn/fhir/client-id|sec-audited", StandardCharsets.UTF_8) + "&_summary=count", null).body());
    assertThat(byClient.getTotal()).isEqualTo(requests);
    // searchable by patient, and never part of the patient's own record ($everything)
    Bundle byPatient = FHIR.newJsonParser().parseResource(Bundle.class, as(clients().adminToken(), "GET",
        "/fhir/AuditEvent?patient=" + shenyangPatient + "&agent-name=sec-audited&_summary=count", null).body());
    assertThat(byPatient.getTotal()).isEqualTo(requests);
    Bundle everything = FHIR.newJsonParser().parseResource(Bundle.class, as(clients().adminToken(), "GET",
        "/fhir/" + shenyangPatient + "/$everything?_count=500", null, "X-Break-Glass-Reason", "audit test").body());
    assertThat(everything.getEntry()).isNotEmpty().noneMatch(e -> e.getResource() instanceof org.hl7.fhir.r4.model.AuditEvent);
  }

  private static String adt(String facility, String controlId) {
    return SenderChecks.adt(facility, controlId);
  }

  private long inboxRows(String facility) {
    return SenderChecks.inboxRows(dataSource, facility);
  }

  @Test
  @Order(13)
  void hl7v2FromAFacilityThatIsNotARegisteredHospitalIsRefusedAndNotStored() throws Exception {
    try (cn.healthcard.hub.routes.mllp.MllpClient mllp =
        new cn.healthcard.hub.routes.mllp.MllpClient("localhost", MLLP_PORT, Duration.ofSeconds(30))) {
      String ack = new String(mllp.send(adt("SEC_UNKNOWN", "SEC-U1").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
      assertThat(ack).contains("\rMSA|AR|SEC-U1");
      assertThat(ack).contains("\rERR|").contains("MSH^1^4").contains("SEC_UNKNOWN is not a registered hospital");
    }
    assertThat(inboxRows("SEC_UNKNOWN")).isZero();

    // a kiosk is an institution, but not a hospital
    registerInstitution("SEC_KIOSK", "kiosk");
    try (cn.healthcard.hub.routes.mllp.MllpClient mllp =
        new cn.healthcard.hub.routes.mllp.MllpClient("localhost", MLLP_PORT, Duration.ofSeconds(30))) {
      String ack = new String(mllp.send(adt("SEC_KIOSK", "SEC-K1").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
      assertThat(ack).contains("\rMSA|AR|SEC-K1");
    }
    assertThat(inboxRows("SEC_KIOSK")).isZero();

    // over HTTP a hospital client sends for its own institution only
    registerHospital("SEC_HOSP_X");
    registerHospital("SEC_HOSP_Y");
    HttpResponse<String> foreign = as(hospitalX(), "POST", "/hl7v2", adt("SEC_HOSP_Y", "SEC-Y1"),
        "Content-Type", "x-application/hl7-v2+er7");
    assertThat(foreign.statusCode()).isEqualTo(200);
    assertThat(foreign.body()).contains("\rMSA|AR|SEC-Y1").contains("for institution SEC_HOSP_X only");
    assertThat(inboxRows("SEC_HOSP_Y")).isZero();
    HttpResponse<String> own = as(hospitalX(), "POST", "/hl7v2", adt("SEC_HOSP_X", "SEC-X1"),
        "Content-Type", "x-application/hl7-v2+er7");
    assertThat(own.body()).contains("\rMSA|AA|SEC-X1");
    assertThat(inboxRows("SEC_HOSP_X")).isEqualTo(1);
    // a public-health client is not a hospital
    String cdc = token("sec-cdc-shenyang", Map.of("role", "public-health", "division", "2101"));
    assertThat(as(cdc, "POST", "/hl7v2", adt("SEC_HOSP_X", "SEC-X2"), "Content-Type", "x-application/hl7-v2+er7")
        .statusCode()).isEqualTo(403);
  }

  private static org.hl7.fhir.r4.model.Observation observation(String patient, boolean psychiatric) {
    org.hl7.fhir.r4.model.Observation observation = new org.hl7.fhir.r4.model.Observation();
    observation.setStatus(org.hl7.fhir.r4.model.Observation.ObservationStatus.FINAL);
    observation.getCode().setText(psychiatric ? "mental state assessment" : "body weight");
    observation.setSubject(new Reference(patient));
    if (psychiatric) {
      observation.getMeta().addSecurity("http://terminology.hl7.org/CodeSystem/v3-ActCode", "PSY", "psychiatry disorder information sensitivity");
    }
    return observation;
  }

  private static String psyRestriction() {
    return "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"label\",\"valueCoding\":"
        + "{\"system\":\"http://terminology.hl7.org/CodeSystem/v3-ActCode\",\"code\":\"PSY\"}}]}";
  }

  @Test
  @Order(14)
  void aRestrictedCategoryIsSeenOnlyByItsAuthorTheResidentAndWhoBreaksTheGlass() {
    org.hl7.fhir.r4.model.Observation forged = observation(shenyangPatient, true);
    forged.getMeta().addExtension(cn.healthcard.hub.security.fhir.AuthoringInstitution.EXTENSION,
        new org.hl7.fhir.r4.model.StringType("SEC_HOSP_W"));
    String psy = create(hospitalX(), forged);
    String weight = create(hospitalX(), observation(shenyangPatient, false));
    String w = token("sec-hosp-w", Map.of("role", "hospital", "institution", "SEC_HOSP_W"));
    org.hl7.fhir.r4.model.Encounter visit = new org.hl7.fhir.r4.model.Encounter();
    visit.setStatus(org.hl7.fhir.r4.model.Encounter.EncounterStatus.FINISHED);
    visit.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
    visit.setSubject(new Reference(shenyangPatient));
    create(w, visit);
    assertThat(as(w, "GET", "/fhir/" + psy, null).statusCode()).isEqualTo(200);

    String resident = token("sec-resident", Map.of("role", "resident", "patient", shenyangPatient));
    HttpResponse<String> restricted = as(resident, "POST", "/fhir/Patient/$restrict-access", psyRestriction());
    assertThat(restricted.statusCode()).as(restricted.body()).isEqualTo(200);
    assertThat(restricted.body()).contains("\"name\":\"label\"").contains("\"code\":\"PSY\"");

    assertThat(as(w, "GET", "/fhir/" + psy, null).statusCode()).isEqualTo(403);
    assertThat(as(w, "GET", "/fhir/" + weight, null).statusCode()).isEqualTo(200);
    Bundle seen = FHIR.newJsonParser().parseResource(Bundle.class,
        as(w, "GET", "/fhir/Observation?subject=" + shenyangPatient, null).body());
    assertThat(seen.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
        .contains(weight.substring(12)).doesNotContain(psy.substring(12));
    Bundle everything = FHIR.newJsonParser().parseResource(Bundle.class,
        as(w, "GET", "/fhir/" + shenyangPatient + "/$everything?_count=500", null).body());
    assertThat(everything.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
        .doesNotContain(psy.substring(12));
    // the author (whatever stamp the client sent), the resident, and an emergency still see it
    HttpResponse<String> byAuthor = as(hospitalX(), "GET", "/fhir/" + psy, null);
    assertThat(byAuthor.statusCode()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Observation.class, byAuthor.body()).getMeta()
        .getExtensionByUrl(cn.healthcard.hub.security.fhir.AuthoringInstitution.EXTENSION).getValue().primitiveValue())
        .isEqualTo("SEC_HOSP_X");
    assertThat(as(resident, "GET", "/fhir/" + psy, null).statusCode()).isEqualTo(200);
    String doctorW = token("sec-dr-w", Map.of("role", "clinician", "institution", "SEC_HOSP_W", "practitioner", "Practitioner/dr-w"));
    assertThat(as(doctorW, "GET", "/fhir/" + psy, null).statusCode()).isEqualTo(403);
    assertThat(as(doctorW, "GET", "/fhir/" + psy, null, "X-Break-Glass-Reason", "suicide risk in A&E").statusCode())
        .isEqualTo(200);
    // nor can another institution read it back through a write's answer
    HttpResponse<String> patched = as(w, "PATCH", "/fhir/" + psy,
        "[{\"op\":\"test\",\"path\":\"/id\",\"value\":\"" + psy.substring(12) + "\"}]",
        "Content-Type", "application/json-patch+json");
    assertThat(patched.statusCode()).isEqualTo(403);
    assertThat(patched.body()).doesNotContain("mental state");
    // another hospital may not set or lift the resident's restrictions
    assertThat(as(w, "POST", "/fhir/Patient/$lift-restriction", psyRestriction()).statusCode()).isEqualTo(403);

    HttpResponse<String> lifted = as(resident, "POST", "/fhir/Patient/$lift-restriction", psyRestriction());
    assertThat(lifted.statusCode()).isEqualTo(200);
    assertThat(lifted.body()).doesNotContain("PSY");
    assertThat(as(w, "GET", "/fhir/" + psy, null).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(15)
  void storedHl7MessagesAndOperationsOnAPatientFollowTheSameRules() {
    // the raw HL7 v2 messages are Binaries about their patient, read by id; a search would read
    // every stored message to check each one, so clients narrowed per patient may not search them
    HttpResponse<String> search = as(hospitalY(), "GET", "/fhir/Binary", null);
    assertThat(search.statusCode()).isEqualTo(403);
    assertThat(search.body()).contains("Binary is read by id");
    // operations that read and write through the hub's own requests check the patient first
    assertThat(as(hospitalY(), "POST", "/fhir/" + shenyangPatient + "/$transfer-out",
        "{\"resourceType\":\"Parameters\"}").statusCode()).isEqualTo(403);
    assertThat(as(hospitalY(), "POST", "/fhir/" + shenyangPatient + "/$cancel-record",
        "{\"resourceType\":\"Parameters\"}").statusCode()).isEqualTo(403);
    String inZ = token("sec-dr-z", Map.of("role", "clinician", "institution", "SEC_HOSP_Z", "practitioner", "Practitioner/dr-z"));
    assertThat(as(inZ, "GET", "/fhir/" + shenyangPatient + "/$immunization-forecast", null).statusCode()).isEqualTo(403);
    assertThat(as(hospitalY(), "GET", "/fhir/CarePlan/$follow-ups-due?programme=hypertension", null).statusCode())
        .isEqualTo(403);
  }

  private void registerInstitution(String id, String kind) {
    HttpResponse<String> saved = clients().registerInstitution(id, kind);
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
  }

  @Test
  @Order(20)
  void theChainOfTheDayDetectsAnEditedAuditEvent() {
    String day = java.time.LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).toString();
    JsonNode intact = await(() -> {
      JsonNode answer = json(as(clients().adminToken(), "GET", "/fhir/AuditEvent/$verify-chain?date=" + day, null));
      return answer.toString().contains("\"pending\",\"valueInteger\":0") ? answer : null;
    });
    assertThat(intact.get("parameter").get(0).get("valueBoolean").asBoolean()).isTrue();
    assertThat(intact.get("parameter").get(1).get("valueInteger").asInt()).isGreaterThan(10);

    JdbcTemplate jdbc = new JdbcTemplate(dataSource);
    String victim = jdbc.queryForObject(
        "select audit_event_id from hub.audit_chain where day = ?::date order by seq limit 1 offset 3", String.class, day);
    int edited = jdbc.update(
        "update hfj_res_ver set res_text_vc = replace(res_text_vc, '\"outcomeDesc\":\"HTTP ', '\"outcomeDesc\":\"HTTP 9')"
            + " where res_id = (select res_id from hfj_resource where res_type = 'AuditEvent' and fhir_id = ?)", victim);
    assertThat(edited).isEqualTo(1);
    JsonNode broken = json(as(clients().adminToken(), "GET", "/fhir/AuditEvent/$verify-chain?date=" + day, null));
    assertThat(broken.get("parameter").get(0).get("valueBoolean").asBoolean()).isFalse();
    assertThat(broken.get("parameter").get(2).get("valueInteger").asInt()).isEqualTo(4);
    assertThat(broken.get("parameter").get(3).get("valueString").asText()).contains("AuditEvent/" + victim);
  }

  private static <T> T await(Supplier<T> probe) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    AssertionError last = null;
    while (System.nanoTime() < deadline) {
      try {
        T value = probe.get();
        if (value != null) {
          return value;
        }
      } catch (AssertionError e) {
        last = e;
      }
      sleep(500);
    }
    throw last != null ? last : new AssertionError("not within 60 s");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
