package cn.healthcard.hub.server.cards;

import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;

/**
 * Serialises the writes of one Patient that must not interleave: the card projection, and every
 * other update of that Patient (through {@link CardShownOnPatient}). A PostgreSQL advisory lock
 * held until the current transaction ends; taken before anything of the Patient is written, so
 * two writers wait for each other instead of deadlocking on HAPI's history and resource rows.
 */
final class PatientWriteLock {
  private final EntityManager entityManager;

  PatientWriteLock(EntityManager entityManager) {
    this.entityManager = entityManager;
  }

  /** Must run inside a transaction; re-entrant within it. */
  void lock(String patientId) {
    entityManager
        .createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtext(:key))) locked")
        .setParameter("key", "patient-write:" + patientId)
        // no flush of HAPI's pending writes first (Hibernate flushes before native SQL by
        // default): the lock reads no table, and a flush mid-transaction costs every write
        .setFlushMode(FlushModeType.COMMIT)
        .getSingleResult();
  }
}
