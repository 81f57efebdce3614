package cn.healthcard.hub.federation.index;

import cn.healthcard.hub.federation.fhir.PatientToPerson;
import cn.healthcard.hub.federation.match.Person;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes every Patient of the repository again, page by page, reporting progress, then removes
 * the people indexed before it started that it did not index again (deleted Patients whose change
 * was lost). Writes during a rebuild go on being indexed by the updater; both stamp versions, so
 * neither undoes the other.
 */
public final class PersonIndexRebuild {
  private static final Logger log = LoggerFactory.getLogger(PersonIndexRebuild.class);
  static final int PAGE = 1_000;

  /** Where a rebuild is. {@code phase}: idle, indexing, removing, done, failed (with the error's type). */
  public record Status(boolean running, String phase, long done, long total, long removed, Instant startedAt,
      Instant finishedAt, double perSecond) {}

  private final PersonIndex index;
  private final PatientSource patients;
  private final Duration clockMargin;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong total = new AtomicLong();
  private final AtomicLong removed = new AtomicLong();
  private volatile String phase = "idle";
  private volatile Instant startedAt;
  private volatile Instant finishedAt;

  /**
   * @param clockMargin how far the clocks of the hub's instances may differ: people indexed this
   *     long before the rebuild started are the oldest it removes
   */
  public PersonIndexRebuild(PersonIndex index, PatientSource patients, Duration clockMargin) {
    this.index = index;
    this.patients = patients;
    this.clockMargin = clockMargin;
  }

  /** Starts a rebuild in the background; false when one is running already. */
  public boolean start() {
    if (!running.compareAndSet(false, true)) {
      return false;
    }
    Thread thread = new Thread(this::run, "person-index-rebuild");
    thread.setDaemon(true);
    thread.start();
    return true;
  }

  public Status status() {
    Instant from = startedAt;
    Instant to = finishedAt != null && !running.get() ? finishedAt : Instant.now();
    double seconds = from == null ? 0 : Math.max(0.001, Duration.between(from, to).toMillis() / 1000.0);
    return new Status(running.get(), phase, done.get(), total.get(), removed.get(), from, finishedAt,
        from == null ? 0 : done.get() / seconds);
  }

  /** Runs a rebuild on the caller's thread (a rebuild already running is not waited for). */
  public void run() {
    running.set(true);
    done.set(0);
    removed.set(0);
    finishedAt = null;
    startedAt = Instant.now();
    try {
      phase = "indexing";
      index.create();
      total.set(patients.count());
      log.info("Person index rebuild: {} patients to index", total.get());
      patients.forEachPage(PAGE, this::indexPage);
      phase = "removing";
      index.refresh();
      removed.set(index.removeIndexedBefore(startedAt.minus(clockMargin)));
      phase = "done";
      finishedAt = Instant.now();
      log.info("Person index rebuilt: {} patients in {} s, {} stale entries removed", done.get(),
          Duration.between(startedAt, finishedAt).toSeconds(), removed.get());
    } catch (RuntimeException e) {
      phase = "failed: " + e.getClass().getSimpleName();
      finishedAt = Instant.now();
      // the index's own errors name the request and Elasticsearch's error type, never a value
      log.error("Person index rebuild failed after {} patients: {}", done.get(),
          e instanceof java.io.UncheckedIOException ? e.getMessage() : e.getClass().getSimpleName());
    } finally {
      running.set(false);
    }
  }

  private void indexPage(List<Patient> page) {
    List<Person> people = new ArrayList<>(page.size());
    List<Long> versions = new ArrayList<>(page.size());
    for (Patient patient : page) {
      Optional<Person> person = PatientToPerson.indexed(patient);
      if (person.isPresent()) {
        people.add(person.get());
        versions.add(patient.getIdElement().getVersionIdPartAsLong());
      }
    }
    for (PersonIndex.Refusal refusal : index.put(people, versions)) {
      log.warn("Person index refused Patient/{} ({})", refusal.id(), refusal.reason());
    }
    long now = done.addAndGet(page.size());
    if (now % 50_000 < page.size()) {
      log.info("Person index rebuild: {} of {} patients", now, total.get());
    }
  }
}
