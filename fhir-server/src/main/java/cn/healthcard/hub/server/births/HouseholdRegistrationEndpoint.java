package cn.healthcard.hub.server.births;

import cn.healthcard.hub.cards.institution.Institution;
import cn.healthcard.hub.cards.institution.Institutions;
import cn.healthcard.hub.cards.signing.RequestVerifier;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The police household-registration system tells the hub a child's ID number: {@code POST
 * /household/v1/registrations}, JSON {@code {"birthCertificate", "idNumber"}}, signed like the
 * card channels (SM3withSM2 over method, path, timestamp, nonce and body digest; headers
 * {@code X-Hub-Key-Id} = the registered institution of kind {@code household-registration}).
 * Answers are JSON: {@code 200 {"patient", "card"...}} or {@code {"code", "reason"}} with 400,
 * 401, 403, 404, 409 or 422.
 */
@RestController
@RequestMapping("/household/v1")
public class HouseholdRegistrationEndpoint {
  static final String PATH = "/household/v1/registrations";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HouseholdRegistration registration;
  private final RequestVerifier signatures;
  private final Institutions institutions;

  public HouseholdRegistrationEndpoint(
      HouseholdRegistration registration, RequestVerifier signatures, Institutions institutions) {
    this.registration = registration;
    this.signatures = signatures;
    this.institutions = institutions;
  }

  @PostMapping("/registrations")
  public ResponseEntity<Map<String, Object>> register(@RequestBody(required = false) byte[] body, HttpServletRequest request) {
    byte[] bytes = body == null ? new byte[0] : body;
    String keyId;
    try {
      keyId = signatures.verify(request::getHeader, "POST", PATH, bytes).keyId();
    } catch (RequestVerifier.SignatureRefused e) {
      return refused(401, "signature-refused", e.getMessage());
    }
    boolean household = institutions.find(keyId).filter(Institution::enabled)
        .map(i -> "household-registration".equals(i.kind())).orElse(false);
    if (!household) {
      return refused(403, "not-household-registration", "the signer is not a household-registration system");
    }
    JsonNode json;
    try {
      json = JSON.readTree(bytes);
    } catch (IOException e) {
      return refused(400, "malformed", "the body is not JSON");
    }
    if (json == null || !json.isObject()) {
      return refused(400, "malformed", "the body must be a JSON object");
    }
    try {
      HouseholdRegistration.Registered done = registration.register(
          new HouseholdRegistration.Registration(text(json, "birthCertificate"), text(json, "idNumber")), keyId);
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("patient", "Patient/" + done.patientId());
      answer.put("alreadyRegistered", done.alreadyRegistered());
      done.card().ifPresent(card -> {
        answer.put("card", card.id().toString());
        answer.put("cardStatus", card.status().code());
      });
      return ResponseEntity.ok(answer);
    } catch (HouseholdRegistration.Refused e) {
      return refused(e.status(), e.code(), e.getMessage());
    }
  }

  private static String text(JsonNode json, String field) {
    JsonNode node = json.get(field);
    return node == null || node.isNull() ? null : node.asText();
  }

  private static ResponseEntity<Map<String, Object>> refused(int status, String code, String reason) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("code", code);
    answer.put("reason", reason);
    return ResponseEntity.status(status).body(answer);
  }
}
