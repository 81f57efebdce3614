package cn.healthcard.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.terminology.identity.IdentityNumberRedactor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Card numbers, and values a parser refused, never reach a log line: drives every identity path,
 * the happy and unhappy ones,
 * then reads the hub's whole log so far (including every test that ran before in this JVM).
 */
class PrivacyLogIT extends HubIntegrationTest {

  @Test
  void noLogLineContainsAnIdentityNumber() throws Exception {
    String number = IdentityNumbers.next();
    String patient = "{\"resourceType\":\"Patient\",\"identifier\":[{\"system\":\"" + CARD + "\",\"value\":\"" + number + "\"}]}";
    post("/Patient", "application/fhir+json", patient);
    post("/Patient", "application/fhir+json", patient); // duplicate
    post("/Patient", "application/fhir+json", patient.replace(number, number.substring(0, 17) + (number.charAt(17) == '1' ? "2" : "1")));
    post("/Patient", "application/fhir+json", patient.replace("]}", "],\"birthDate\":\"1900-01-01\"}"));
    String encoded = URLEncoder.encode(CARD + "|" + number, StandardCharsets.UTF_8);
    get("/Patient?identifier=" + encoded);
    get("/Patient/$everything?identifier=" + encoded);
    get("/Patient/$everything?identifier=" + URLEncoder.encode(CARD + "|" + IdentityNumbers.next(), StandardCharsets.UTF_8));
    post("", "application/fhir+json",
        "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":{\"resourceType\":\"Observation\",\"status\":\"final\","
            + "\"code\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient?identifier=" + CARD + "|" + IdentityNumbers.next() + "\"}},"
            + "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}");

    // a name typed into a date, a code: the parser refuses it and quotes the value
    assertThat(post("/Patient", "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"birthDate\":\"欧阳明月\"}").statusCode()).isEqualTo(400);
    assertThat(post("/Patient", "application/fhir+json",
        "{\"resourceType\":\"Patient\",\"gender\":\"司马长风\"}").statusCode()).isEqualTo(400);

    List<String> lines = Files.readAllLines(LOG_FILE, StandardCharsets.UTF_8);
    assertThat(lines).isNotEmpty();
    assertThat(lines).anyMatch(line -> line.contains("Invalid attribute value \"***\""));
    assertThat(lines).noneMatch(line -> line.contains("欧阳明月") || line.contains("司马长风"));
    assertThat(lines).noneMatch(line -> line.contains(number));
    assertThat(lines)
        .as("no valid identity number in any log line")
        .allMatch(line -> IdentityNumberRedactor.redact(line).equals(line));
  }
}
