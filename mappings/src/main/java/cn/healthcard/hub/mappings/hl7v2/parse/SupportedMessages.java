package cn.healthcard.hub.mappings.hl7v2.parse;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.v251.message.ADT_A01;
import ca.uhn.hl7v2.model.v251.message.ADT_A02;
import ca.uhn.hl7v2.model.v251.message.ADT_A03;
import ca.uhn.hl7v2.model.v251.message.ADT_A05;
import ca.uhn.hl7v2.model.v251.message.ADT_A06;
import ca.uhn.hl7v2.model.v251.message.ADT_A09;
import ca.uhn.hl7v2.model.v251.message.ADT_A12;
import ca.uhn.hl7v2.model.v251.message.ADT_A15;
import ca.uhn.hl7v2.model.v251.message.ADT_A16;
import ca.uhn.hl7v2.model.v251.message.ADT_A17;
import ca.uhn.hl7v2.model.v251.message.ADT_A21;
import ca.uhn.hl7v2.model.v251.message.ADT_A24;
import ca.uhn.hl7v2.model.v251.message.ADT_A30;
import ca.uhn.hl7v2.model.v251.message.ADT_A37;
import ca.uhn.hl7v2.model.v251.message.ADT_A38;
import ca.uhn.hl7v2.model.v251.message.ADT_A39;
import ca.uhn.hl7v2.model.v251.message.ADT_A43;
import ca.uhn.hl7v2.model.v251.message.ADT_A45;
import ca.uhn.hl7v2.model.v251.message.ADT_A50;
import ca.uhn.hl7v2.model.v251.message.ADT_A52;
import ca.uhn.hl7v2.model.v251.message.ADT_A54;
import ca.uhn.hl7v2.model.v251.message.ADT_A60;
import ca.uhn.hl7v2.model.v251.message.ADT_A61;
import ca.uhn.hl7v2.model.v251.message.BAR_P01;
import ca.uhn.hl7v2.model.v251.message.BAR_P02;
import ca.uhn.hl7v2.model.v251.message.BAR_P05;
import ca.uhn.hl7v2.model.v251.message.BAR_P06;
import ca.uhn.hl7v2.model.v251.message.BAR_P12;
import ca.uhn.hl7v2.model.v251.message.DFT_P03;
import ca.uhn.hl7v2.model.v251.message.DFT_P11;
import ca.uhn.hl7v2.model.v251.message.MDM_T01;
import ca.uhn.hl7v2.model.v251.message.MDM_T02;
import ca.uhn.hl7v2.model.v251.message.PPR_PC1;
import ca.uhn.hl7v2.model.v251.message.RDE_O11;
import ca.uhn.hl7v2.model.v251.message.RDS_O13;
import ca.uhn.hl7v2.model.v251.message.REF_I12;
import ca.uhn.hl7v2.model.v251.message.OMG_O19;
import ca.uhn.hl7v2.model.v251.message.OML_O21;
import ca.uhn.hl7v2.model.v251.message.ORM_O01;
import ca.uhn.hl7v2.model.v251.message.ORU_R01;
import ca.uhn.hl7v2.model.v251.message.OUL_R22;
import ca.uhn.hl7v2.model.v251.message.OUL_R23;
import ca.uhn.hl7v2.model.v251.message.OUL_R24;
import ca.uhn.hl7v2.model.v251.message.QBP_Q11;
import ca.uhn.hl7v2.model.v251.message.SIU_S12;
import ca.uhn.hl7v2.model.v251.message.VXU_V04;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The message types (ADT, ORM, OML, OMG, ORU, OUL, MDM, SIU, BAR, DFT, PPR, REF, RDE, RDS, VXU, QBP), trigger events, versions and processing ids the
 * hub accepts, and the v2.5.1 structure each type/trigger is parsed into (2.3, 2.3.1, 2.4 and 2.5
 * messages land in the same structures: their fields are a prefix of 2.5.1's).
 */
public final class SupportedMessages {

  /**
   * Every version from 2.2 to 2.8.2, and 2.9: HL7 v2's compatibility rules make a later message
   * readable as an earlier one (a receiver reads the fields it knows); the raw message, with any
   * field and segment the hub does not map, is kept with what it produced.
   */
  public static final Set<String> VERSIONS = Set.of(
      "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2", "2.9");

  /**
   * P (production) and T (training) are accepted; the route gets MSH-11 and decides what to do
   * with T. D (debugging) and anything else is rejected (AR, 202).
   */
  public static final Set<String> PROCESSING_IDS = Set.of("P", "T");

  private static final Map<String, Map<String, Supplier<Message>>> STRUCTURES = Map.ofEntries(
      Map.entry("ADT", Map.ofEntries(
          Map.entry("A01", ADT_A01::new),
          Map.entry("A02", ADT_A02::new),
          Map.entry("A03", ADT_A03::new),
          Map.entry("A04", ADT_A01::new),
          Map.entry("A05", ADT_A05::new),
          Map.entry("A06", ADT_A06::new),
          Map.entry("A07", ADT_A06::new),
          Map.entry("A08", ADT_A01::new),
          Map.entry("A09", ADT_A09::new),
          Map.entry("A10", ADT_A09::new),
          Map.entry("A11", ADT_A09::new),
          Map.entry("A12", ADT_A12::new),
          Map.entry("A13", ADT_A01::new),
          Map.entry("A14", ADT_A05::new),
          Map.entry("A15", ADT_A15::new),
          Map.entry("A16", ADT_A16::new),
          Map.entry("A17", ADT_A17::new),
          Map.entry("A21", ADT_A21::new),
          Map.entry("A22", ADT_A21::new),
          Map.entry("A23", ADT_A21::new),
          Map.entry("A24", ADT_A24::new),
          Map.entry("A25", ADT_A21::new),
          Map.entry("A26", ADT_A21::new),
          Map.entry("A27", ADT_A21::new),
          Map.entry("A28", ADT_A05::new),
          Map.entry("A29", ADT_A21::new),
          Map.entry("A30", ADT_A30::new),
          Map.entry("A31", ADT_A05::new),
          Map.entry("A32", ADT_A21::new),
          Map.entry("A33", ADT_A21::new),
          Map.entry("A34", ADT_A30::new),
          Map.entry("A35", ADT_A30::new),
          Map.entry("A36", ADT_A30::new),
          Map.entry("A37", ADT_A37::new),
          Map.entry("A38", ADT_A38::new),
          Map.entry("A39", ADT_A39::new),
          Map.entry("A40", ADT_A39::new),
          Map.entry("A41", ADT_A39::new),
          Map.entry("A42", ADT_A39::new),
          Map.entry("A44", ADT_A43::new),
          Map.entry("A45", ADT_A45::new),
          Map.entry("A46", ADT_A30::new),
          Map.entry("A47", ADT_A30::new),
          Map.entry("A48", ADT_A30::new),
          Map.entry("A49", ADT_A30::new),
          Map.entry("A50", ADT_A50::new),
          Map.entry("A51", ADT_A50::new),
          Map.entry("A52", ADT_A52::new),
          Map.entry("A53", ADT_A52::new),
          Map.entry("A54", ADT_A54::new),
          Map.entry("A55", ADT_A52::new),
          Map.entry("A60", ADT_A60::new),
          Map.entry("A61", ADT_A61::new),
          Map.entry("A62", ADT_A61::new))),
      Map.entry("ORU", Map.of("R01", ORU_R01::new)),
      Map.entry("OUL", Map.of("R22", OUL_R22::new, "R23", OUL_R23::new, "R24", OUL_R24::new)),
      Map.entry("ORM", Map.of("O01", ORM_O01::new)),
      Map.entry("OML", Map.of("O21", OML_O21::new)),
      Map.entry("OMG", Map.of("O19", OMG_O19::new)),
      Map.entry("SIU", Map.ofEntries(
          Map.entry("S12", SIU_S12::new), Map.entry("S13", SIU_S12::new), Map.entry("S14", SIU_S12::new),
          Map.entry("S15", SIU_S12::new), Map.entry("S16", SIU_S12::new), Map.entry("S17", SIU_S12::new),
          Map.entry("S18", SIU_S12::new), Map.entry("S19", SIU_S12::new), Map.entry("S20", SIU_S12::new),
          Map.entry("S21", SIU_S12::new), Map.entry("S22", SIU_S12::new), Map.entry("S23", SIU_S12::new),
          Map.entry("S24", SIU_S12::new), Map.entry("S26", SIU_S12::new))),
      // notifications (odd events) carry no OBX; the events with content (even, T02-T10) do
      Map.entry("MDM", Map.ofEntries(
          Map.entry("T01", MDM_T01::new), Map.entry("T02", MDM_T02::new), Map.entry("T03", MDM_T01::new),
          Map.entry("T04", MDM_T02::new), Map.entry("T05", MDM_T01::new), Map.entry("T06", MDM_T02::new),
          Map.entry("T07", MDM_T01::new), Map.entry("T08", MDM_T02::new), Map.entry("T09", MDM_T01::new),
          Map.entry("T10", MDM_T02::new), Map.entry("T11", MDM_T01::new))),
      Map.entry("BAR", Map.of("P01", BAR_P01::new, "P02", BAR_P02::new, "P05", BAR_P05::new, "P06", BAR_P06::new,
          "P12", BAR_P12::new)),
      Map.entry("DFT", Map.of("P03", DFT_P03::new, "P11", DFT_P11::new)),
      Map.entry("PPR", Map.of("PC1", PPR_PC1::new, "PC2", PPR_PC1::new, "PC3", PPR_PC1::new)),
      Map.entry("REF", Map.of("I12", REF_I12::new, "I13", REF_I12::new, "I14", REF_I12::new, "I15", REF_I12::new)),
      Map.entry("RDE", Map.of("O11", RDE_O11::new, "O25", RDE_O11::new)),
      Map.entry("RDS", Map.of("O13", RDS_O13::new)),
      Map.entry("VXU", Map.of("V04", VXU_V04::new)),
      Map.entry("QBP", Map.of("Q11", QBP_Q11::new)));

  /** Query names (QPD-1.1) of QBP^Q11 the hub answers: CDC IIS Z34 and Z44. */
  public static final Set<String> QUERY_NAMES = Set.of("Z34", "Z44");

  private SupportedMessages() {}

  /** The accepted message types, in alphabetical order, for error texts ("ADT, BAR, ..."). */
  public static String typeList() {
    return String.join(", ", new java.util.TreeSet<>(STRUCTURES.keySet()));
  }

  public static boolean supportsType(String type) {
    return STRUCTURES.containsKey(type);
  }

  /** A fresh, empty v2.5.1 message of the structure for this type and trigger. */
  public static Optional<Message> newMessage(String type, String trigger) {
    Map<String, Supplier<Message>> byTrigger = STRUCTURES.get(type);
    if (byTrigger == null || !byTrigger.containsKey(trigger)) {
      return Optional.empty();
    }
    return Optional.of(byTrigger.get(trigger).get());
  }

  public static boolean supports(String type, String trigger) {
    Map<String, Supplier<Message>> byTrigger = STRUCTURES.get(type);
    return byTrigger != null && byTrigger.containsKey(trigger);
  }
}
