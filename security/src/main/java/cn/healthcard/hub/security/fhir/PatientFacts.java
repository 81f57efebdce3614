package cn.healthcard.hub.security.fhir;

import java.util.Optional;

/** What the access rules need to know about a Patient, looked up by id. */
public interface PatientFacts {
  /** The GB/T 2260 county code of the patient's home address, if known. */
  Optional<String> residenceDivision(String patientId);
}
