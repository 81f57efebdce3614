package cn.healthcard.hub.server.devservices;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL server the hub runs when no external database is configured: zonky's binaries,
 * a data directory that survives restarts, durable commits.
 *
 * <p>zonky turns {@code synchronous_commit} off for test speed; the hub turns it back on, since
 * a write the hub has acknowledged must survive a crash.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  public static EmbeddedPostgresServer start(Path dataDirectory) throws IOException {
    Files.createDirectories(dataDirectory);
    stopOrphanedServer(dataDirectory);
    long started = System.nanoTime();
    EmbeddedPostgres postgres =
        EmbeddedPostgres.builder()
            .setDataDirectory(dataDirectory)
            .setCleanDataDirectory(false)
            .setServerConfig("synchronous_commit", "on")
            .setServerConfig("fsync", "on")
            .setServerConfig("full_page_writes", "on")
            .setServerConfig("max_connections", "200")
            .setServerConfig("shared_buffers", "256MB")
            .setServerConfig("work_mem", "16MB")
            .setServerConfig("max_wal_size", "2GB")
            .setServerConfig("log_min_messages", "warning")
            .setPGStartupWait(Duration.ofSeconds(60))
            .start();
    log.info(
        "Embedded PostgreSQL ready on port {} ({} ms), data in {}",
        postgres.getPort(),
        (System.nanoTime() - started) / 1_000_000,
        dataDirectory.toAbsolutePath());
    return new EmbeddedPostgresServer(postgres);
  }

  /**
   * A hub killed with SIGKILL leaves its postmaster running on the data directory (it runs
   * detached). Shut that one down cleanly (SIGINT = fast shutdown, which completes the WAL) before
   * starting anew, or the new server would refuse the locked directory.
   */
  static void stopOrphanedServer(Path dataDirectory) throws IOException {
    Path pidFile = dataDirectory.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return;
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty()) {
      return;
    }
    long pid;
    try {
      pid = Long.parseLong(lines.get(0).trim());
    } catch (NumberFormatException e) {
      return;
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty() || !process.get().isAlive()) {
      return;
    }
    String command = process.get().info().command().orElse("");
    if (!command.contains("postgres")) {
      return;
    }
    log.warn("Stopping PostgreSQL left running by a previous hub process (pid {})", pid);
    try {
      new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
      process.get().onExit().get(60, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IOException("Could not stop the orphaned PostgreSQL (pid " + pid + ")", e);
    }
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  public int port() {
    return postgres.getPort();
  }

  @Override
  public void close() throws IOException {
    log.info("Stopping embedded PostgreSQL");
    postgres.close();
  }
}
