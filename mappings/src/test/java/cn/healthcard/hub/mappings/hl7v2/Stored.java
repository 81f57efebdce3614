package cn.healthcard.hub.mappings.hl7v2;

import ca.uhn.fhir.util.FhirTerser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * What the server would have stored from a mapped transaction, as a query finds it: each resource
 * with an id ({@code Type/<entry index + 1>}) and every fullUrl reference rewritten to that id.
 */
final class Stored {

  private static final FhirTerser TERSER = TestMessages.FHIR.newTerser();

  final List<Resource> resources = new ArrayList<>();

  static Stored from(Bundle transaction) {
    Bundle copy = transaction.copy();
    Map<String, String> ids = new HashMap<>();
    int n = 0;
    for (BundleEntryComponent e : copy.getEntry()) {
      n++;
      if (e.getResource().getIdElement().hasIdPart()) {
        ids.put(e.getFullUrl(), e.getResource().fhirType() + "/" + e.getResource().getIdElement().getIdPart());
      } else {
        ids.put(e.getFullUrl(), e.getResource().fhirType() + "/" + n);
        e.getResource().setId(e.getResource().fhirType() + "/" + n);
      }
    }
    Stored s = new Stored();
    for (BundleEntryComponent e : copy.getEntry()) {
      for (Reference r : TERSER.getAllPopulatedChildElementsOfType(e.getResource(), Reference.class)) {
        String id = ids.get(r.getReference());
        if (id != null) {
          r.setReference(id);
        }
      }
      s.resources.add(e.getResource());
    }
    return s;
  }

  Patient patient() {
    return resources.stream().filter(Patient.class::isInstance).map(Patient.class::cast).findFirst().orElseThrow();
  }

  List<Immunization> immunizations() {
    return resources.stream().filter(Immunization.class::isInstance).map(Immunization.class::cast).toList();
  }

  /** Everything else (what {@code _include} would bring). */
  List<Resource> referenced() {
    return resources.stream().filter(r -> !(r instanceof Patient) && !(r instanceof Immunization)).toList();
  }
}
