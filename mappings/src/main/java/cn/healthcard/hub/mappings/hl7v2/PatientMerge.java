package cn.healthcard.hub.mappings.hl7v2;

import java.util.List;
import org.hl7.fhir.r4.model.Identifier;

/**
 * "Merge the Patient found by {@code nonSurviving} into the one found by {@code surviving}", as
 * an ADT^A40 says it (PID = survivor, MRG-1 = the identifiers of the record that goes). Moving
 * references is server work (HAPI's {@code Patient/$merge}); the transaction beside it already
 * marks the non-surviving Patient inactive and linked {@code replaced-by} the survivor.
 *
 * @param surviving the survivor's identifiers from PID-3 (its MRN first, then any card number)
 * @param nonSurviving the identifiers of the record that goes, from MRG-1 (card number excluded:
 *     a card number names the person, who survives)
 */
public record PatientMerge(List<Identifier> surviving, List<Identifier> nonSurviving) {

  public PatientMerge {
    surviving = surviving.stream().map(Identifier::copy).toList();
    nonSurviving = nonSurviving.stream().map(Identifier::copy).toList();
  }
}
