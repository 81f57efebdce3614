package cn.healthcard.hub.security.fhir;

import java.time.Duration;
import java.time.Instant;

/**
 * Which institutions treat which patients: an institution that wrote to a patient's record (an
 * encounter, a result, a vaccination, the registration itself) or was referred the patient.
 * Clinicians and hospital systems read a record only where such a relationship exists.
 */
public interface CareRelationships {
  /** The relationship window the issue names: an encounter in the last two years. */
  Duration WINDOW = Duration.ofDays(2 * 365);

  boolean treats(String institution, String patientId, Instant since);

  void record(String institution, String patientId, Instant at);
}
