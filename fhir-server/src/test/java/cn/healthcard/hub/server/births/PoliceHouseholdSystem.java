package cn.healthcard.hub.server.births;

import cn.healthcard.hub.cards.signing.SignedRequest;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Map;

/**
 * Simulates the police household-registration system on loopback: it holds its own SM2 key and
 * sends the hub signed registrations ({@code POST /household/v1/registrations}), as the real one
 * would once a child is entered in the household register.
 */
final class PoliceHouseholdSystem {
  private final String hubBase;
  private final String keyId;
  private final KeyPair key;
  private final HttpClient http = HttpClient.newHttpClient();

  PoliceHouseholdSystem(String hubBase, String keyId, KeyPair key) {
    this.hubBase = hubBase;
    this.keyId = keyId;
    this.key = key;
  }

  static KeyPair newKey() {
    return Sm2.generateKeyPair();
  }

  HttpResponse<String> register(String birthCertificate, String idNumber) {
    String body = "{\"birthCertificate\":\"" + birthCertificate + "\",\"idNumber\":\"" + idNumber + "\"}";
    return send(body.getBytes(StandardCharsets.UTF_8), true);
  }

  HttpResponse<String> send(byte[] body, boolean signed) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hubBase + HouseholdRegistrationEndpoint.PATH))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (signed) {
      Map<String, String> headers =
          SignedRequest.sign(keyId, key.getPrivate(), "POST", HouseholdRegistrationEndpoint.PATH, body, Instant.now());
      headers.forEach(request::header);
    }
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
