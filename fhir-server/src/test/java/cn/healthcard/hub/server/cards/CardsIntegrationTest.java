package cn.healthcard.hub.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.cards.signing.SignedRequest;
import cn.healthcard.hub.crypto.sm.Sm2;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/** Helpers for the card platform's tests: institutions, Parameters, signed requests. */
public abstract class CardsIntegrationTest extends HubIntegrationTest {
  protected static final String INSTITUTION_SYSTEM = FhirCardHolders.INSTITUTION_SYSTEM;

  protected String registerInstitution(String kind, KeyPair key) {
    String id = kind + "-" + UUID.randomUUID().toString().substring(0, 8);
    String body =
        "{\"kind\":\"" + kind + "\",\"name\":\"Test " + kind + "\",\"division\":\"210102\""
            + (key == null ? "" : ",\"publicKey\":\"" + Sm2.encodePublicKey(key.getPublic()) + "\"")
            + "}";
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/cards/institutions/" + id))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return id;
  }

  protected static Patient person(String cardNumber) {
    Patient patient = new Patient();
    patient.addIdentifier().setSystem(CARD).setValue(cardNumber);
    patient.addName(new HumanName().setText("张三丰").setFamily("张").addGiven("三丰"));
    return patient;
  }

  protected static Parameters issue(String channel, Patient patient, String institution, String chip) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("channel").setValue(new CodeType(channel));
    parameters.addParameter().setName("patient").setResource(patient);
    parameters
        .addParameter()
        .setName("institution")
        .setValue(new Identifier().setSystem(INSTITUTION_SYSTEM).setValue(institution));
    if (chip != null) {
      parameters.addParameter().setName("chipSerial").setValue(new StringType(chip));
    }
    return parameters;
  }

  protected static Parameters event(String cardNumber, String event, String reason) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("cardNumber").setValue(new StringType(cardNumber));
    parameters.addParameter().setName("event").setValue(new CodeType(event));
    if (reason != null) {
      parameters.addParameter().setName("reason").setValue(new StringType(reason));
    }
    return parameters;
  }

  protected HttpResponse<String> operation(String path, Parameters parameters) {
    return post(path, "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(parameters));
  }

  protected HttpResponse<String> signedOperation(
      String path, Parameters parameters, String keyId, KeyPair key) {
    byte[] body = FHIR.newJsonParser().encodeResourceToString(parameters).getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers =
        SignedRequest.sign(keyId, key.getPrivate(), "POST", "/fhir/" + path.substring(1), body, Instant.now());
    return signedSend(path, body, headers);
  }

  protected HttpResponse<String> signedSend(String path, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(builder::header);
    return send(builder.build());
  }

  protected static Parameters parameters(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  protected static OperationOutcome outcome(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
  }

  protected static String value(Parameters parameters, String name) {
    Type value = parameters.getParameter(name).getValue();
    return value == null ? null : value.primitiveValue();
  }

  protected static String reference(Parameters parameters, String name) {
    return ((org.hl7.fhir.r4.model.Reference) parameters.getParameter(name).getValue()).getReference();
  }

  protected static String newCardNumber() {
    return IdentityNumbers.next();
  }

  protected static String chip() {
    return "CHIP" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toUpperCase();
  }

  /** A person whose stated sex and birth date agree with the card number. */
  protected static Patient withSex(String cardNumber) {
    var number = cn.healthcard.hub.terminology.identity.ResidentIdNumber.parse(cardNumber);
    Patient patient =
        person(cardNumber)
            .setGender(
                number.sex() == cn.healthcard.hub.terminology.identity.ResidentIdNumber.Sex.MALE
                    ? AdministrativeGender.MALE
                    : AdministrativeGender.FEMALE);
    patient.setBirthDateElement(new org.hl7.fhir.r4.model.DateType(number.birthDate().toString()));
    return patient;
  }
}
