package cn.healthcard.hub.server.childhealth;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import cn.healthcard.hub.terminology.growth.GrowthObservations;
import cn.healthcard.hub.terminology.growth.GrowthResult;
import cn.healthcard.hub.terminology.growth.GrowthStandards;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Child health checks: a growth measurement of a child under five (weight, length/height, head
 * circumference, BMI) stored as an Observation gets its percentile against the WHO Child Growth
 * Standards as an Observation of its own ({@code derivedFrom} the measurement), written in the
 * same database transaction. A measurement the standard cannot assess (an adult, a unit it does
 * not take, no birth date or sex) is stored as it came, without a percentile.
 */
@Interceptor
public class GrowthPercentiles {
  private static final Logger log = LoggerFactory.getLogger(GrowthPercentiles.class);

  private final GrowthStandards standards;
  private final DaoRegistry daos;

  public GrowthPercentiles(GrowthStandards standards, DaoRegistry daos) {
    this.standards = standards;
    this.daos = daos;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void measured(IBaseResource resource, ca.uhn.fhir.rest.api.server.RequestDetails request) {
    if (!(resource instanceof Observation observation)
        || observation.getStatus() == Observation.ObservationStatus.ENTEREDINERROR
        || !observation.hasValueQuantity()
        || !observation.getSubject().hasReference()
        || !observation.getSubject().getReference().startsWith("Patient/")
        || !isGrowthMeasurement(observation)) {
      return;
    }
    // HAPI may announce one write more than once in a request: one percentile per measurement
    String marker = "growth-percentile " + observation.getIdElement().toUnqualifiedVersionless().getValue();
    if (request != null && request.getUserData().putIfAbsent(marker, Boolean.TRUE) != null) {
      return;
    }
    Optional<Patient> child = patient(observation.getSubject().getReference(), request);
    if (child.isEmpty()) {
      return;
    }
    Optional<GrowthResult> result;
    try {
      result = GrowthObservations.assess(standards, observation, child.get());
    } catch (IllegalArgumentException e) {
      // the message may quote the measured value: clinical data stays out of the log
      log.debug("Observation {}: no growth percentile (unit or value not assessable)", observation.getIdElement().getIdPart());
      return;
    }
    if (result.isEmpty()) {
      return;
    }
    Observation percentile = GrowthObservations.percentileObservation(result.get(), observation);
    daos.getResourceDao(Observation.class).create(percentile, new SystemRequestDetails());
  }

  /** Checked before the Patient is read: every other Observation costs nothing. */
  private static boolean isGrowthMeasurement(Observation observation) {
    return observation.getCode().getCoding().stream()
        .anyMatch(c -> GrowthObservations.LOINC.equals(c.getSystem()) && c.hasCode()
            && cn.healthcard.hub.terminology.growth.Indicator.forLoinc(c.getCode()).isPresent());
  }

  /**
   * A hospital's bundle carries many measurements of one person: the Patient is read once per
   * request, not once per measurement.
   */
  @SuppressWarnings("unchecked")
  private Optional<Patient> patient(String reference, ca.uhn.fhir.rest.api.server.RequestDetails request) {
    if (request == null) {
      return readPatient(reference);
    }
    String key = "growth-percentile subject " + new IdType(reference).toUnqualifiedVersionless().getValue();
    Object cached = request.getUserData().get(key);
    if (cached != null) {
      return (Optional<Patient>) cached;
    }
    Optional<Patient> patient = readPatient(reference);
    request.getUserData().put(key, patient);
    return patient;
  }

  private Optional<Patient> readPatient(String reference) {
    try {
      return Optional.of(daos.getResourceDao(Patient.class).read(new IdType(reference).toUnqualifiedVersionless(),
          new SystemRequestDetails()));
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }
}
