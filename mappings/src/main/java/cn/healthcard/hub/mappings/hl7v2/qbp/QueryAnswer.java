package cn.healthcard.hub.mappings.hl7v2.qbp;

import java.util.List;
import java.util.Objects;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.ImmunizationRecommendation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/** What the repository found for a QBP^Q11, as {@link RspK11Builder} turns it into an RSP^K11. */
public sealed interface QueryAnswer {

  /**
   * Exactly one person: QAK-2 OK, profile Z32 (Z34) or Z42 (Z44), the PID and the history.
   *
   * @param immunizations the person's Immunizations (entered-in-error ones are left out of the
   *     reply; the others are sent oldest first)
   * @param recommendations for Z44, the forecast; ignored for Z34
   * @param referenced resources the Immunizations refer to (Practitioner, Organization, Location,
   *     Observation, e.g. from {@code _include}), found by their id ({@code Practitioner/7});
   *     without them the references' identifier and display are used
   */
  record Found(Patient patient, List<Immunization> immunizations, List<ImmunizationRecommendation> recommendations,
      List<Resource> referenced) implements QueryAnswer {
    public Found {
      Objects.requireNonNull(patient, "patient");
      immunizations = List.copyOf(immunizations);
      recommendations = List.copyOf(recommendations);
      referenced = List.copyOf(referenced);
    }
  }

  /** More than one person matches: QAK-2 OK, profile Z31, one PID (and NK1s) per candidate. */
  record Candidates(List<Patient> patients) implements QueryAnswer {
    public Candidates {
      patients = List.copyOf(patients);
    }
  }

  /** No one matches: QAK-2 NF, profile Z33. */
  record NotFound() implements QueryAnswer {}

  /** More candidates than the sender accepts (RCP-2) or the hub returns: QAK-2 TM, profile Z33. */
  record TooMany() implements QueryAnswer {}
}
