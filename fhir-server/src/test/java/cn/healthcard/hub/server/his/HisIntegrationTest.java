package cn.healthcard.hub.server.his;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.routes.mllp.MllpClient;
import cn.healthcard.hub.server.HubIntegrationTest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.Bundle;

/**
 * What the HL7 v2 tests share: MLLP round trips, FHIR searches, polling for results that are
 * written after the ACK, the inbox admin API. Same hub as every other integration test.
 */
abstract class HisIntegrationTest extends HubIntegrationTest {

  /** One message over a fresh MLLP connection; the raw ACK frame. */
  protected byte[] sendMllp(byte[] message) throws Exception {
    String facility = sendingFacility(message);
    if (facility != null) {
      registerHospital(facility);
    }
    try (MllpClient client = new MllpClient("localhost", MLLP_PORT, Duration.ofSeconds(30))) {
      return client.send(message);
    }
  }

  /** One UTF-8 message over a fresh MLLP connection; the ACK as UTF-8 text. */
  protected String sendMllp(String message) throws Exception {
    return new String(sendMllp(message.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
  }

  protected Bundle search(String query) {
    HttpResponse<String> response = get(query);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  /** A token search value {@code system|value}, URL-encoded. */
  protected static String token(String system, String value) {
    return URLEncoder.encode(system + "|" + value, StandardCharsets.UTF_8);
  }

  /** Polls the search until {@code done} holds (the write happens after the ACK), at most 30 s. */
  protected Bundle await(String query, Predicate<Bundle> done) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    Bundle found = search(query);
    while (!done.test(found) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      found = search(query);
    }
    return found;
  }

  protected Bundle awaitAtLeast(String query, int entries) throws InterruptedException {
    return await(query, b -> b.getEntry().size() >= entries);
  }

  /** The HL7 v2 admin API; asserts 200. */
  protected String admin(String method, String path) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/hl7v2" + path));
    request = method.equals("POST") ? request.POST(HttpRequest.BodyPublishers.noBody()) : request.GET();
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  /** Waits until no inbox message is waiting to be stored, at most 30 s. */
  protected void awaitInboxDrained() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!admin("GET", "/inbox").contains("\"RECEIVED\":0") && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
  }
}
