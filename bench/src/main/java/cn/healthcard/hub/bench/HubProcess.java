package cn.healthcard.hub.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A hub started from its jar as a child process (as an operator runs it), on free ports and its
 * own data directory. Used by the benchmark and by tests that need to kill the process.
 */
public final class HubProcess implements AutoCloseable {
  private final Path jar;
  private final Path dataDir;
  private final Path log;
  private int port;
  private int elasticsearchPort;
  private int mllpPort;
  private final List<String> extraArgs;
  private List<String> javaOptions = DEFAULT_JAVA_OPTIONS;
  private Process process;

  /** The JVM options bin/hub uses, so the bench measures what an operator runs. */
  public static final List<String> DEFAULT_JAVA_OPTIONS =
      List.of("-Xmx1g", "-XX:+UseG1GC", "-XX:GCTimeRatio=4", "-XX:MaxHeapFreeRatio=30",
          "-XX:MinHeapFreeRatio=10", "-XX:G1PeriodicGCInterval=10000", "-XX:ReservedCodeCacheSize=128m");

  /** Listen on this port (a payment channel's notify URL names it before the hub starts). */
  public HubProcess port(int port) {
    this.port = port;
    return this;
  }

  public HubProcess javaOptions(List<String> options) {
    this.javaOptions = options;
    return this;
  }

  public HubProcess(Path jar, Path dataDir, List<String> extraArgs) throws IOException {
    this.jar = jar;
    this.dataDir = dataDir.toAbsolutePath();
    this.log = this.dataDir.resolveSibling(this.dataDir.getFileName() + ".log");
    this.port = freePort();
    this.elasticsearchPort = freePort();
    this.mllpPort = freePort();
    this.extraArgs = extraArgs;
  }

  /**
   * How bin/hub launches: the unpacked jar with its class-data archive when bin/hub-prepare has
   * made them for this build, the jar itself otherwise.
   */
  static List<String> launch(Path jar) throws IOException {
    Path app = jar.toAbsolutePath().resolveSibling("hub-app");
    Path archive = app.resolve("hub.jsa");
    Path unpacked = app.resolve("hub.jar");
    if (Files.exists(archive) && Files.exists(unpacked)
        && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0) {
      return List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-jar", unpacked.toString());
    }
    return List.of("-jar", jar.toAbsolutePath().toString());
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public String fhirBase() {
    return "http://localhost:" + port + "/fhir";
  }

  /** The port of the Elasticsearch node the hub starts. */
  public int elasticsearchPort() {
    return elasticsearchPort;
  }

  public int mllpPort() {
    return mllpPort;
  }

  /** The hub's base URL without /fhir (actuator, admin, /hl7v2). */
  public String rootUrl() {
    return "http://localhost:" + port;
  }

  public Path log() {
    return log;
  }

  /**
   * Starts the hub and waits until it serves FHIR; returns the milliseconds that took. The ports
   * were free when chosen, but the hub's embedded PostgreSQL picks its own port at start and can
   * take one of them first: then the hub exits, and it is started again on new ports.
   */
  public long start(Duration timeout) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      long logBefore = Files.exists(log) ? Files.size(log) : 0;
      try {
        return startOnce(timeout);
      } catch (IOException e) {
        if (attempt >= 3 || process == null || process.isAlive() || !portTaken(logBefore)) {
          throw e;
        }
        port = freePort();
        elasticsearchPort = freePort();
        mllpPort = freePort();
      }
    }
  }

  private boolean portTaken(long logFrom) throws IOException {
    byte[] all = Files.readAllBytes(log);
    String tail = new String(all, (int) Math.min(logFrom, all.length), (int) (all.length - Math.min(logFrom, all.length)),
        java.nio.charset.StandardCharsets.UTF_8);
    // PostgreSQL, Tomcat and Elasticsearch say "already in use"; the MLLP listener "Failed to bind"
    return tail.contains("already in use") || tail.contains("Failed to bind");
  }

  private long startOnce(Duration timeout) throws IOException, InterruptedException {
    Files.createDirectories(dataDir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(javaOptions);
    command.addAll(launch(jar));
    command.add("--server.port=" + port);
    command.add("--hub.data-dir=" + dataDir);
    command.add("--hub.elasticsearch.port=" + elasticsearchPort);
    command.add("--hub.mllp.port=" + mllpPort);
    command.addAll(extraArgs);
    long started = System.nanoTime();
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("MALLOC_ARENA_MAX", "2");
    process =
        builder
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("hub exited with " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(URI.create(fhirBase() + "/metadata")).GET().build(),
                HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          long ready = (System.nanoTime() - started) / 1_000_000;
          BenchAuth.use(rootUrl(), dataDir);
          return ready;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException("hub not ready within " + timeout + "; see " + log);
  }

  /** Waits until every health component is UP (Elasticsearch boots after the FHIR endpoint). */
  public long awaitHealthy(Duration timeout) throws IOException, InterruptedException {
    long started = System.nanoTime();
    HttpClient http = HttpClient.newHttpClient();
    String health = fhirBase().replace("/fhir", "/actuator/health");
    while (System.nanoTime() - started < timeout.toNanos()) {
      HttpResponse<String> r =
          http.send(HttpRequest.newBuilder(URI.create(health)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200 && r.body().startsWith("{\"status\":\"UP\"")) {
        return (System.nanoTime() - started) / 1_000_000;
      }
      Thread.sleep(200);
    }
    throw new IOException("hub not healthy within " + timeout);
  }

  public long pid() {
    return process.pid();
  }

  /** Resident set size of the hub JVM, from /proc. */
  public long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return -1;
  }

  /** SIGKILL: no shutdown hooks, no flushing; what the hub acknowledged must survive this. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
