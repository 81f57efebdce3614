package cn.healthcard.hub.server.immunization;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import cn.healthcard.hub.server.residence.ResidenceDivisionSearch;
import java.sql.Array;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Keeps {@code hub.iz_patient} and {@code hub.iz_dose} in step with the Patients and
 * Immunizations of the repository. It runs on HAPI's pre-commit pointcuts through a JdbcTemplate
 * bound to the same transaction, so a FHIR write and its projection commit or roll back together.
 */
@Interceptor
public class ImmunizationProjection {
  private final JdbcTemplate jdbc;

  public ImmunizationProjection(DataSource dataSource) {
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    project(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    project(resource);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    if (resource instanceof Patient patient) {
      jdbc.update("delete from hub.iz_patient where patient_id = ?", id(patient));
    } else if (resource instanceof Immunization immunization) {
      jdbc.update("delete from hub.iz_dose where immunization_id = ?", id(immunization));
    }
  }

  /** Writes one resource's rows (also used by the rebuild, outside any FHIR write). */
  public void project(IBaseResource resource) {
    if (resource instanceof Patient patient) {
      project(patient);
    } else if (resource instanceof Immunization immunization) {
      project(immunization);
    }
  }

  private void project(Patient patient) {
    boolean merged =
        patient.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY)
            || (patient.hasActive() && !patient.getActive());
    if (merged) {
      // a record merged into another is not a child of its own in the figures
      jdbc.update("delete from hub.iz_patient where patient_id = ?", id(patient));
      return;
    }
    Date birth = patient.hasBirthDate() ? day(patient.getBirthDateElement()) : null;
    jdbc.update(
        "insert into hub.iz_patient (patient_id, birth_date, division) values (?, ?, ?)"
            + " on conflict (patient_id) do update set birth_date = excluded.birth_date,"
            + " division = excluded.division, updated_at = now()",
        id(patient),
        birth,
        division(patient));
  }

  private void project(Immunization immunization) {
    if (!immunization.hasPatient() || !immunization.getPatient().hasReference()) {
      return;
    }
    List<String> codes = new ArrayList<>();
    for (Coding coding : immunization.getVaccineCode().getCoding()) {
      if (coding.hasCode()) {
        codes.add((coding.hasSystem() ? coding.getSystem() : "") + "|" + coding.getCode());
      }
    }
    Date occurrence =
        immunization.hasOccurrenceDateTimeType() && immunization.getOccurrenceDateTimeType().getValue() != null
            ? day(immunization.getOccurrenceDateTimeType())
            : null;
    String patientId = immunization.getPatient().getReferenceElement().getIdPart();
    String status = immunization.hasStatus() ? immunization.getStatus().toCode() : "unknown";
    jdbc.execute(
        (ConnectionCallback<Integer>)
            connection -> {
              Array vaccine = connection.createArrayOf("text", codes.toArray());
              try (var statement =
                  connection.prepareStatement(
                      "insert into hub.iz_dose (immunization_id, patient_id, vaccine, occurrence, status)"
                          + " values (?, ?, ?, ?, ?) on conflict (immunization_id) do update set"
                          + " patient_id = excluded.patient_id, vaccine = excluded.vaccine,"
                          + " occurrence = excluded.occurrence, status = excluded.status, updated_at = now()")) {
                statement.setString(1, id(immunization));
                statement.setString(2, patientId);
                statement.setArray(3, vaccine);
                statement.setDate(4, occurrence);
                statement.setString(5, status);
                return statement.executeUpdate();
              }
            });
  }

  /** The county of the home address (or of an address without a use). */
  static String division(Patient patient) {
    for (Address address : patient.getAddress()) {
      if (address.hasUse() && address.getUse() != Address.AddressUse.HOME) {
        continue;
      }
      Extension extension = address.getExtensionByUrl(ResidenceDivisionSearch.ADDRESS_DIVISION);
      if (extension != null && extension.getValue() instanceof Coding coding && coding.hasCode()) {
        return coding.getCode();
      }
    }
    return null;
  }

  /** The calendar day as written (a local date in the province), whatever the JVM's zone. */
  static Date day(org.hl7.fhir.r4.model.BaseDateTimeType value) {
    return Date.valueOf(ImmunizationOperations.day(value));
  }

  private static String id(IBaseResource resource) {
    return resource.getIdElement().getIdPart();
  }

}
