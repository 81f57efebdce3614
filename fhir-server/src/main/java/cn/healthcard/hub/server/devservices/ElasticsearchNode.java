package cn.healthcard.hub.server.devservices;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Elasticsearch the hub runs as a child process when no external cluster is
 * configured, from the integ-test distribution zip published on Maven Central.
 *
 * <p>Elasticsearch refuses to run as root; when the hub runs as root the node is started as an
 * unprivileged system user ({@value #SERVICE_USER}, created if missing) through {@code setpriv}.
 * A node left running by a hub that was killed is stopped first (its pid file is in the data
 * directory).
 */
public final class ElasticsearchNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ElasticsearchNode.class);
  static final String SERVICE_USER = "hubes";

  private final Path distributionZip;
  private final Path dataDir;
  private final int port;
  private final String heap;
  private Process process;
  private boolean closed;

  public ElasticsearchNode(Path distributionZip, Path workDir, int port, String heap) {
    this.distributionZip = distributionZip;
    this.dataDir = workDir.toAbsolutePath();
    this.port = port;
    this.heap = heap;
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /**
   * Unpacks the distribution (first start only) and launches the process; returns once it is
   * launched (see {@link #awaitReady}).
   */
  public synchronized void start() throws IOException {
    if (closed) {
      return;
    }
    Path home = unpack(distributionZip, dataDir.resolve("dist"));
    Path pidFile = dataDir.resolve("node.pid");
    stopOrphan(pidFile);
    Path data = Files.createDirectories(dataDir.resolve("data"));
    Path logs = Files.createDirectories(dataDir.resolve("logs"));
    List<String> command = new ArrayList<>();
    boolean root = isRoot();
    if (root) {
      ensureServiceUser();
      chown(dataDir);
      command.addAll(
          List.of("setpriv", "--reuid=" + SERVICE_USER, "--regid=" + SERVICE_USER, "--init-groups"));
    }
    command.add(home.resolve("bin/elasticsearch").toString());
    command.addAll(
        List.of(
            "-Ediscovery.type=single-node",
            "-Expack.security.enabled=false",
            "-Enetwork.host=127.0.0.1",
            "-Ehttp.port=" + port,
            "-Etransport.port=0",
            "-Epath.data=" + data,
            "-Epath.logs=" + logs,
            "-Ecluster.routing.allocation.disk.threshold_enabled=false",
            "-p",
            pidFile.toString()));
    ProcessBuilder builder = new ProcessBuilder(command);
    String javaHome = System.getProperty("java.home");
    builder.environment().put("ES_JAVA_HOME", javaHome);
    builder.environment().put("ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("console.log").toFile()));
    if (root) {
      // the service user cannot read the root user's home; run from the node's own directory
      builder.directory(home.toFile());
    }
    process = builder.start();
    log.info("Elasticsearch starting (pid {}) on {}", process.pid(), url());
  }

  /** Waits until the node answers HTTP; throws if the process died or the timeout passed. */
  public void awaitReady(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new IOException(
            "Elasticsearch exited with " + process.exitValue() + "; see " + dataDir.resolve("logs"));
      }
      if (answers()) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IOException("Elasticsearch did not answer within " + timeout);
  }

  private boolean answers() {
    try {
      // the integ-test distribution answers "/" with 405; cluster health is the real signal
      HttpURLConnection connection =
          (HttpURLConnection) URI.create(url() + "/_cluster/health").toURL().openConnection();
      connection.setConnectTimeout(500);
      connection.setReadTimeout(2000);
      try {
        return connection.getResponseCode() == 200;
      } finally {
        connection.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (process == null || !process.isAlive()) {
      return;
    }
    log.info("Stopping Elasticsearch");
    // setpriv execs in place, so the pid is the node itself; SIGTERM is its clean shutdown
    process.toHandle().descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  private void stopOrphan(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> orphan = ProcessHandle.of(pid);
    if (orphan.isPresent()
        && orphan.get().isAlive()
        && orphan.get().info().commandLine().orElse("").contains("elasticsearch")) {
      log.warn("Stopping Elasticsearch left running by a previous hub process (pid {})", pid);
      orphan.get().destroy();
      try {
        orphan.get().onExit().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        orphan.get().destroyForcibly();
      }
    }
  }

  static Path unpack(Path zip, Path target) throws IOException {
    Path marker = target.resolve(".unpacked-" + Files.size(zip));
    if (Files.exists(marker)) {
      return single(target);
    }
    if (Files.exists(target)) {
      deleteRecursively(target);
    }
    Files.createDirectories(target);
    log.info("Unpacking Elasticsearch from {}", zip);
    try (InputStream in = Files.newInputStream(zip);
        ZipInputStream entries = new ZipInputStream(in)) {
      ZipEntry entry;
      while ((entry = entries.getNextEntry()) != null) {
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("Zip entry outside the target: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(entries, out, StandardCopyOption.REPLACE_EXISTING);
          String name = out.getFileName().toString();
          if (out.getParent().getFileName().toString().equals("bin")
              || name.endsWith(".sh")
              || out.toString().contains("/bin/")) {
            Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(out));
            permissions.addAll(
                Set.of(
                    PosixFilePermission.OWNER_EXECUTE,
                    PosixFilePermission.GROUP_EXECUTE,
                    PosixFilePermission.OTHERS_EXECUTE));
            Files.setPosixFilePermissions(out, permissions);
          }
        }
      }
    }
    Files.writeString(marker, "ok", StandardCharsets.UTF_8);
    return single(target);
  }

  private static Path single(Path target) throws IOException {
    try (var children = Files.list(target)) {
      return children
          .filter(Files::isDirectory)
          .findFirst()
          .orElseThrow(() -> new IOException("Empty Elasticsearch distribution in " + target));
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static void ensureServiceUser() throws IOException {
    if (run("id", "-u", SERVICE_USER) == 0) {
      return;
    }
    if (run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER)
        != 0) {
      throw new IOException("Could not create the system user " + SERVICE_USER);
    }
  }

  private void chown(Path dir) throws IOException {
    // the node writes its data, logs and config keystore; the parent folders must be traversable
    if (run("chown", "-R", SERVICE_USER + ":" + SERVICE_USER, dir.toString()) != 0) {
      throw new IOException("Could not hand " + dir + " to " + SERVICE_USER);
    }
    for (Path p = dir.getParent(); p != null; p = p.getParent()) {
      run("chmod", "o+x", p.toString());
    }
  }

  private static int run(String... command) throws IOException {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      return p.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
