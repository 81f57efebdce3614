package cn.healthcard.hub.security.fhir;

import ca.uhn.fhir.context.FhirContext;
import java.util.LinkedHashSet;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/** The Patient ids a resource is about: itself for a Patient, else the owners of its Patient compartment. */
public final class PatientOwners {
  private final FhirContext fhir;

  public PatientOwners(FhirContext fhir) {
    this.fhir = fhir;
  }

  public Set<String> of(IBaseResource resource) {
    Set<String> ids = new LinkedHashSet<>();
    String type = fhir.getResourceType(resource);
    if ("Patient".equals(type)) {
      IIdType id = resource.getIdElement();
      if (id != null && id.hasIdPart()) {
        ids.add(id.getIdPart());
      }
      return ids;
    }
    // not in the Patient compartment, but about a patient all the same: a stored HL7 v2 message
    // (its security context) and a card-review or other task (its subject)
    org.hl7.fhir.r4.model.Reference about = null;
    if (resource instanceof org.hl7.fhir.r4.model.Binary binary && binary.hasSecurityContext()) {
      about = binary.getSecurityContext();
    } else if (resource instanceof org.hl7.fhir.r4.model.Task task && task.hasFor()) {
      about = task.getFor();
    }
    if (about != null) {
      org.hl7.fhir.r4.model.IdType id = new org.hl7.fhir.r4.model.IdType(about.getReference());
      if (id.hasIdPart() && "Patient".equals(id.getResourceType())) {
        ids.add(id.getIdPart());
      }
      return ids;
    }
    if (!fhir.getResourceDefinition(resource).getSearchParams().stream()
        .anyMatch(p -> p.getProvidesMembershipInCompartments() != null
            && p.getProvidesMembershipInCompartments().contains("Patient"))) {
      return ids;
    }
    for (IIdType owner : fhir.newTerser().getCompartmentOwnersForResource("Patient", resource, Set.of())) {
      if (owner.hasIdPart() && (!owner.hasResourceType() || "Patient".equals(owner.getResourceType()))) {
        ids.add(owner.getIdPart());
      }
    }
    return ids;
  }
}
