package cn.healthcard.hub.terminology;

import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;

/**
 * One target of a ConceptMap translation.
 *
 * @param target the target coding (system, code, display)
 * @param equivalence how closely the target matches the source
 * @param conceptMapUrl the ConceptMap that said so
 */
public record Translation(
    Coding target, ConceptMapEquivalence equivalence, String conceptMapUrl) {

  /** Equal or equivalent: the target can stand in for the source without loss. */
  public boolean isExact() {
    return equivalence == ConceptMapEquivalence.EQUAL
        || equivalence == ConceptMapEquivalence.EQUIVALENT;
  }
}
