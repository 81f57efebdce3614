package cn.healthcard.hub.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.HubIntegrationTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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

  /**
   * Only the request head and the first kilobyte of a declared 65 MB body are sent: the hub
   * answers 413 from the declared length without waiting for (or reading) the rest. A raw socket,
   * because a client that keeps streaming the whole body after the hub has answered and closed
   * the connection may see a reset instead of the answer, depending on timing.
   */
  @Test
  void oversizedDeclaredBodyIs413BeforeItIsRead() throws Exception {
    URI uri = URI.create(base() + "/Patient");
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\n"
              + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
              + "Content-Type: application/fhir+json\r\n"
              + "Authorization: Bearer " + testToken() + "\r\n"
              + "Content-Length: " + (65L * 1024 * 1024) + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      byte[] start = new byte[1024];
      Arrays.fill(start, (byte) ' ');
      out.write(start);
      out.flush();
      socket.shutdownOutput();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(answer).startsWith("HTTP/1.1 413");
      String body = answer.substring(answer.indexOf('{'), answer.lastIndexOf('}') + 1);
      assertThat(body).doesNotContain("\tat ").doesNotContain("Exception:");
      OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, body);
      assertThat(outcome.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TOOCOSTLY);
    }
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
