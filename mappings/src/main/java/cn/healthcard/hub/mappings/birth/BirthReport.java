package cn.healthcard.hub.mappings.birth;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;

/**
 * One child's birth as a transaction reports it (shape: {@link BirthReportShape}).
 *
 * @param child the child's Patient entry
 * @param mother the mother's identifier: her card number, or another identifier when she has none
 * @param motherHasCard whether {@code mother} is a health-card number
 * @param birthTime the birth instant (patient-birthTime)
 * @param birthOrder 1 for a singleton or the first-born, 2... for the next
 * @param stillborn deceased at birth: the child gets no card
 * @param institution the birth institution's card-platform id, when the report names one
 * @param related the entries about this birth besides the child: the mother's RelatedPerson, the
 *     delivery Encounter, the Observations about the child
 * @param facts what two reports of this birth must agree on, by element path (gender, order,
 *     stillbirth, each observation's value)
 */
public record BirthReport(
    Bundle.BundleEntryComponent child,
    Identifier mother,
    boolean motherHasCard,
    Instant birthTime,
    int birthOrder,
    boolean stillborn,
    Optional<String> institution,
    List<Bundle.BundleEntryComponent> related,
    Map<String, String> facts) {

  /** The natural key: the same mother, birth time and order are the same child. */
  public record Key(String motherSystem, String motherValue, Instant birthTime, int birthOrder) {}

  public Key key() {
    return new Key(mother.getSystem(), mother.getValue(), birthTime, birthOrder);
  }
}
