package cn.healthcard.hub.federation.index;

import cn.healthcard.hub.federation.fhir.PatientToPerson;
import cn.healthcard.hub.federation.index.PersonIndexOutbox.Change;
import cn.healthcard.hub.federation.match.Person;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Patient;

/**
 * Brings the person index up to the repository: takes the waiting Patient writes from the outbox,
 * reads each Patient's current version and indexes it (or removes it: deleted, merged into another,
 * inactive), then deletes the writes, in one database transaction. Any instance may run it at the
 * same time as others (the rows are claimed with {@code skip locked}); a failure (the index down)
 * hands the writes back for the next run. Indexing the current version, stamped with its version,
 * makes every run idempotent and order-free: the index keeps the highest version it was given.
 */
public final class PersonIndexUpdater {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PersonIndexUpdater.class);

  private final DataSource dataSource;
  private final PersonIndex index;
  private final PatientSource patients;
  private final int batch;
  private final Runnable whenMadeNew;
  private volatile boolean created;
  private final java.util.concurrent.atomic.AtomicBoolean draining = new java.util.concurrent.atomic.AtomicBoolean();

  /**
   * @param whenMadeNew run when this updater made the index (it then lacks the Patients written
   *     before it existed: a rebuild fills it)
   */
  public PersonIndexUpdater(DataSource dataSource, PersonIndex index, PatientSource patients, int batch,
      Runnable whenMadeNew) {
    this.dataSource = dataSource;
    this.index = index;
    this.patients = patients;
    this.batch = batch;
    this.whenMadeNew = whenMadeNew;
  }

  /**
   * Takes waiting writes until none is left (or only those another instance holds).
   *
   * @return how many writes were taken
   */
  public int drain() throws SQLException {
    // one drain at a time on this instance (the queue's consumer and the sweep): it runs until
    // the outbox is empty, so a second one would only hold a second batch in memory
    if (!draining.compareAndSet(false, true)) {
      return 0;
    }
    try {
      int total = 0;
      int taken;
      do {
        taken = drainOnce();
        total += taken;
      } while (taken > 0);
      return total;
    } finally {
      draining.set(false);
    }
  }

  /** Takes one batch of waiting writes; returns how many. */
  public int drainOnce() throws SQLException {
    if (!created) {
      boolean made = index.create();
      created = true;
      if (made) {
        whenMadeNew.run();
      }
    }
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      try {
        List<Change> changes = PersonIndexOutbox.claim(connection, batch);
        if (!changes.isEmpty()) {
          apply(changes);
          PersonIndexOutbox.remove(connection, changes);
        }
        connection.commit();
        return changes.size();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    }
  }

  private void apply(List<Change> changes) {
    Map<String, Long> latest = new HashMap<>();
    for (Change change : changes) {
      latest.merge(change.patientId(), change.version(), Math::max);
    }
    List<Person> people = new ArrayList<>();
    List<Long> versions = new ArrayList<>();
    Set<String> found = new HashSet<>();
    for (Patient patient : patients.read(latest.keySet())) {
      String id = patient.getIdElement().getIdPart();
      long version = patient.getIdElement().getVersionIdPartAsLong();
      found.add(id);
      Optional<Person> person = PatientToPerson.indexed(patient);
      if (person.isPresent()) {
        people.add(person.get());
        versions.add(version);
      } else {
        index.remove(id, version);
      }
    }
    for (PersonIndex.Refusal refusal : index.put(people, versions)) {
      // a record the index cannot hold would otherwise block every write behind it: it is left
      // out of $match (the Patient itself is untouched), and said so by id
      log.warn("Person index refused Patient/{} ({}); it is not found by $match until it changes", refusal.id(),
          refusal.reason());
    }
    for (Map.Entry<String, Long> write : latest.entrySet()) {
      if (!found.contains(write.getKey())) {
        // deleted: removed at the deletion's version, so a late copy of an older version stays out
        index.remove(write.getKey(), write.getValue());
      }
    }
  }
}
