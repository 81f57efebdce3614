package cn.healthcard.hub.mappings.hl7v2.vxu;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Stores a dose once when two sources report it (the vaccination site and the hospital: same
 * person, vaccine, date and lot). The server finds, for the message's
 * {@link cn.healthcard.hub.mappings.hl7v2.DoseReport}s, the Immunizations already stored, and
 * calls {@link #rewrite} before writing the transaction:
 *
 * <ul>
 *   <li>the duplicate Immunization entries are removed from the transaction;
 *   <li>every reference to them (Provenance.target, Observation.partOf of reactions and
 *       contraindications, ...) points at the stored Immunization instead;
 * </ul>
 * so the message's Provenance (whose entity is the Binary of the original message) lists the
 * stored Immunization as a target: the second source of the dose is recorded, and the dose is
 * stored once. Pure: the input Bundle is not changed.
 */
public final class ImmunizationDuplicates {

  private static final Pattern IMMUNIZATION_ID = Pattern.compile("Immunization/[A-Za-z0-9\\-.]{1,64}");
  private static final FhirTerser TERSER = FhirContext.forR4Cached().newTerser();

  private ImmunizationDuplicates() {}

  /**
   * The transaction without the duplicate Immunizations, every reference to them rewritten.
   *
   * @param transaction the mapped transaction ({@code MappedMessage.transaction()})
   * @param existing dose fullUrl ({@code DoseReport.fullUrl()}) -> the stored Immunization it
   *     duplicates, as a relative reference {@code Immunization/<id>}
   * @return a new Bundle
   * @throws IllegalArgumentException when a key is not the fullUrl of an Immunization entry of the
   *     transaction, or a value is not {@code Immunization/<id>}
   */
  public static Bundle rewrite(Bundle transaction, Map<String, String> existing) {
    Bundle copy = transaction.copy();
    if (existing.isEmpty()) {
      return copy;
    }
    Map<String, String> replace = new HashMap<>();
    for (Map.Entry<String, String> e : existing.entrySet()) {
      if (e.getValue() == null || !IMMUNIZATION_ID.matcher(e.getValue()).matches()) {
        throw new IllegalArgumentException("an existing Immunization must be given as Immunization/<id>");
      }
      boolean found = copy.getEntry().stream().anyMatch(entry ->
          e.getKey().equals(entry.getFullUrl()) && entry.getResource() instanceof Immunization);
      if (!found) {
        throw new IllegalArgumentException("not the fullUrl of an Immunization of this transaction");
      }
      replace.put(e.getKey(), e.getValue());
    }
    copy.getEntry().removeIf(entry -> replace.containsKey(entry.getFullUrl()));
    for (BundleEntryComponent entry : copy.getEntry()) {
      Resource r = entry.getResource();
      if (r == null) {
        continue;
      }
      List<Reference> refs = TERSER.getAllPopulatedChildElementsOfType(r, Reference.class);
      for (Reference ref : refs) {
        String target = replace.get(ref.getReference());
        if (target != null) {
          ref.setReference(target);
        }
      }
      if (r instanceof Provenance p) {
        Set<String> seen = new HashSet<>();
        p.getTarget().removeIf(t -> t.hasReference() && !seen.add(t.getReference()));
      }
    }
    return copy;
  }
}
