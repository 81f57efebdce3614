package cn.healthcard.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.terminology.identity.IdentityNumberRedactor;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Card numbers never reach a log line: drives every identity path, the happy and unhappy ones,
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

    List<String> lines = Files.readAllLines(LOG_FILE, StandardCharsets.UTF_8);
    assertThat(lines).isNotEmpty();
    assertThat(lines).noneMatch(line -> line.contains(number));
    assertThat(lines)
        .as("no valid identity number in any log line")
        .allMatch(line -> IdentityNumberRedactor.redact(line).equals(line));
  }
}
