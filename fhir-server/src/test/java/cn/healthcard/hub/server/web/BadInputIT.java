package cn.healthcard.hub.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.HubIntegrationTest;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;

class BadInputIT extends HubIntegrationTest {

  private OperationOutcome assertOutcome(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.body()).doesNotContain("\tat ").doesNotContain("Exception:");
    var parser = response.body().trim().startsWith("<") ? FHIR.newXmlParser() : FHIR.newJsonParser();
    OperationOutcome outcome = parser.parseResource(OperationOutcome.class, response.body());
    assertThat(outcome.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.ERROR);
    return outcome;
  }

  @Test
  void malformedJsonIs400WithTheParseError() {
    OperationOutcome outcome = assertOutcome(post("/Patient", "application/fhir+json", "{\"resourceType\":\"Patient\","), 400);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Failed to parse request body as JSON");
  }

  @Test
  void malformedXmlIs400WithTheParseError() {
    OperationOutcome outcome =
        assertOutcome(post("/Patient", "application/fhir+xml", "<Patient xmlns=\"http://hl7.org/fhir\"><name>"), 400);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Failed to parse request body as XML");
  }

  @Test
  void invalidElementValueIs400NamingTheElement() {
    OperationOutcome outcome =
        assertOutcome(post("/Patient", "application/fhir+json", "{\"resourceType\":\"Patient\",\"birthDate\":\"yesterday\"}"), 400);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("birthDate");
  }

  @Test
  void unknownResourceTypeIs404() {
    OperationOutcome outcome = assertOutcome(get("/Spaceship?name=x"), 404);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Unknown resource type 'Spaceship'");
  }

  @Test
  void bodyOfAnotherTypeThanTheUrlIs400() {
    OperationOutcome outcome =
        assertOutcome(post("/Patient", "application/fhir+json", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}"), 400);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("expected \"Patient\" but found \"Observation\"");
  }

  @Test
  void wrongContentTypeIs400() {
    OperationOutcome outcome = assertOutcome(post("/Patient", "text/plain", "hello"), 400);
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("Incorrect Content-Type header value of \"text/plain\"");
  }

  @Test
  void oversizedDeclaredBodyIs413BeforeItIsRead() {
    byte[] body = new byte[65 * 1024 * 1024];
    Arrays.fill(body, (byte) ' ');
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(URI.create(base() + "/Patient"))
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build());
    OperationOutcome outcome = assertOutcome(response, 413);
    assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOCOSTLY);
  }

  @Test
  void oversizedChunkedBodyIs413() {
    long size = 65L * 1024 * 1024;
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(URI.create(base() + "/Patient"))
            .header("Content-Type", "application/fhir+json")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
              long sent;
              @Override
              public int read() {
                return sent++ < size ? ' ' : -1;
              }
              @Override
              public int read(byte[] b, int off, int len) {
                if (sent >= size) return -1;
                int n = (int) Math.min(len, size - sent);
                Arrays.fill(b, off, off + n, (byte) ' ');
                sent += n;
                return n;
              }
            }))
            .build());
    assertOutcome(response, 413);
  }

  @Test
  void unknownOperationIs400Not500() {
    HttpResponse<String> response = get("/Patient/$no-such-operation");
    assertThat(response.statusCode()).isBetween(400, 499);
    assertThat(response.body()).contains("OperationOutcome");
  }
}
