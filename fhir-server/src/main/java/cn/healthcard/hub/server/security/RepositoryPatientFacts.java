package cn.healthcard.hub.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import cn.healthcard.hub.security.fhir.PatientFacts;
import cn.healthcard.hub.server.residence.ResidenceDivisionSearch;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Patient;

/**
 * A Patient's residence division, read from the repository (the home address's division
 * extension, as the {@code division} search parameter indexes it) and kept for a minute: a public
 * health search touching the same patients again does not read them again.
 */
public final class RepositoryPatientFacts implements PatientFacts {
  private final DaoRegistry daos;
  private final Cache<String, Optional<String>> divisions =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(1)).build();

  public RepositoryPatientFacts(DaoRegistry daos) {
    this.daos = daos;
  }

  @Override
  public Optional<String> residenceDivision(String patientId) {
    return divisions.get(patientId, this::read);
  }

  private Optional<String> read(String patientId) {
    Patient patient;
    try {
      patient = daos.getResourceDao(Patient.class).read(new IdType("Patient", patientId), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
    for (Address address : patient.getAddress()) {
      if (address.getUse() == null || address.getUse() == Address.AddressUse.HOME) {
        var extension = address.getExtensionByUrl(ResidenceDivisionSearch.ADDRESS_DIVISION);
        if (extension != null && extension.getValue() instanceof Coding coding && coding.hasCode()) {
          return Optional.of(coding.getCode());
        }
      }
    }
    return Optional.empty();
  }
}
