package cn.healthcard.hub.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP to the hub's FHIR endpoint (no FHIR client library: the bench stays independent). */
public final class HubHttp {
  private final String base;
  private final HttpClient http = BenchAuth.wrap(
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build());

  public HubHttp(String base) {
    this.base = base;
  }

  public HttpResponse<String> postBundle(String json) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base))
            .timeout(Duration.ofMinutes(5))
            .header("Content-Type", "application/fhir+json")
            .header("Prefer", "return=minimal")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
    return getUrl(base + pathAndQuery);
  }

  /** An absolute URL, e.g. a Bundle's next link. */
  public HttpResponse<String> getUrl(String url) throws IOException, InterruptedException {
    return getUrl(url, new String[0]);
  }

  /** With extra request headers, as name, value pairs (e.g. {@code Cache-Control}, {@code no-store}). */
  public HttpResponse<String> getUrl(String url, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofMinutes(1))
            .header("Accept", "application/fhir+json")
            .GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  public String base() {
    return base;
  }
}
