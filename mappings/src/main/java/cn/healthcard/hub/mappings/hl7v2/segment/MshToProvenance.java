package cn.healthcard.hub.mappings.hl7v2.segment;

import cn.healthcard.hub.mappings.hl7v2.bundle.NameBasedUuid;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Provenance.ProvenanceEntityRole;
import org.hl7.fhir.r4.model.Reference;

/**
 * What every message yields whatever its type (v2-to-FHIR MSH[Provenance-Source],
 * MSH[Organization]):
 *
 * <ul>
 *   <li>the sending facility (MSH-4) as an Organization, created once by its identifiers;
 *   <li>the message text exactly as received, as a Binary ({@code x-application/hl7-v2+er7},
 *       the decoded text in UTF-8), so nothing in it is lost even where nothing maps it;
 *   <li>a Provenance whose targets are every resource the message produced, whose entity is the
 *       Binary (role source), agent the sending Organization (author), activity the trigger event
 *       (table 0003), recorded MSH-7 and occurred the event time.
 * </ul>
 * Binary and Provenance have no business identifiers; they are written to a hub-minted id,
 * {@code hl7v2-<name-based UUID of (sending facility, control id)>}, so writing the message again
 * rewrites the same two resources instead of adding new ones.
 */
public final class MshToProvenance {

  public static final String HL7V2_CONTENT_TYPE = "x-application/hl7-v2+er7";
  private static final String PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

  private MshToProvenance() {}

  /** The sending facility's Organization; its fullUrl. */
  public static String organization(MappingContext ctx) {
    Organization o = ctx.stamp(new Organization());
    ctx.sender().identifiers().forEach(o::addIdentifier);
    o.setName(ctx.sender().name());
    o.setActive(true);
    return ctx.transaction().createIfNoneExist(o, SearchUrls.identifierQuery(o.getIdentifier()));
  }

  /** The hub-minted id of the Binary and the Provenance of a message. */
  public static String messageResourceId(String facility, String controlId) {
    return "hl7v2-" + NameBasedUuid.of("hl7v2-message", facility, controlId);
  }

  /**
   * Adds the Binary and the Provenance; call last, after every other entry.
   *
   * @param patientUrl the message's Patient, the Binary's security context
   */
  public static void addMessageAndProvenance(MappingContext ctx, String text, String organizationUrl,
      Optional<String> patientUrl, Optional<InstantType> recorded, Optional<DateTimeType> occurred) {
    List<BundleEntryComponent> produced = ctx.transaction().entries();
    String id = messageResourceId(ctx.sender().key(), ctx.controlId());

    Binary binary = new Binary();
    binary.setContentType(HL7V2_CONTENT_TYPE);
    binary.setData(text.getBytes(StandardCharsets.UTF_8));
    patientUrl.ifPresent(p -> binary.setSecurityContext(new Reference(p)));
    String binaryUrl = ctx.transaction().updateById(binary, id);

    Provenance prov = ctx.stamp(new Provenance());
    for (BundleEntryComponent e : produced) {
      if (!e.hasFullUrl()) {
        continue; // a patch: it names no resource of its own
      }
      prov.addTarget(new Reference(e.getFullUrl()));
    }
    if (!prov.hasTarget()) {
      // a message that only patches stored resources (ADT^A29): the Provenance is the message's
      prov.addTarget(new Reference(binaryUrl));
    }
    recorded.ifPresent(prov::setRecordedElement);
    occurred.ifPresent(prov::setOccurred);
    prov.setActivity(new CodeableConcept().addCoding(
        Codes.coding(ctx, Codes.table("0003"), ctx.triggerEvent(), null)));
    prov.addAgent()
        .setType(new CodeableConcept().addCoding(new Coding(PARTICIPANT_TYPE, "author", "Author")))
        .setWho(new Reference(organizationUrl));
    prov.addEntity().setRole(ProvenanceEntityRole.SOURCE).setWhat(new Reference(binaryUrl));
    ctx.transaction().updateById(prov, id);
  }
}
