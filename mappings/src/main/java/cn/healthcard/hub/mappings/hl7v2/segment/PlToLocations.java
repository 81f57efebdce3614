package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.PL;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.V2;
import java.util.List;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Location.LocationStatus;
import org.hl7.fhir.r4.model.Reference;

/**
 * PL (PV1-3, PV1-6) to Location resources (v2-to-FHIR PL[Location]): the point of care (PL-1,
 * department or ward), the room (PL-2) and the bed (PL-3), each a Location created once by its
 * identifier in the sender's {@code location} namespace (values {@code <ward>},
 * {@code <ward>/<room>}, {@code <ward>/<room>/<bed>}), linked by {@code partOf} and managed by
 * the sender's Organization. Conditional creates only: a Location is never changed by a message.
 */
public final class PlToLocations {

  private static final String PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type";

  private PlToLocations() {}

  /**
   * Adds the Locations; returns the fullUrls an Encounter refers to: the point of care
   * (department or ward) and, when PL names a room or bed, the most specific of them.
   */
  public static List<String> add(MappingContext ctx, PL pl, String organizationUrl) {
    if (V2.isEmpty(pl)) {
      return List.of();
    }
    String pointOfCare = null;
    String ward = s(pl.getPl1_PointOfCare());
    String room = s(pl.getPl2_Room());
    String bed = s(pl.getPl3_Bed());
    String description = s(pl.getPl9_LocationDescription());
    String parent = null;
    String path = "";
    List<String[]> levels = List.of(
        new String[] {ward, "wa", "Ward"}, new String[] {room, "ro", "Room"}, new String[] {bed, "bd", "Bed"});
    for (String[] level : levels) {
      if (level[0].isEmpty()) {
        continue;
      }
      path = path.isEmpty() ? level[0] : path + "/" + level[0];
      Location l = ctx.stamp(new Location());
      Identifier id = new Identifier().setSystem(ctx.sender().namespace("location")).setValue(path);
      l.addIdentifier(id);
      l.setStatus(LocationStatus.ACTIVE);
      l.setName(level[0]);
      l.setPhysicalType(new CodeableConcept().addCoding(new Coding(PHYSICAL_TYPE, level[1], level[2])));
      l.setManagingOrganization(new Reference(organizationUrl));
      if (parent != null) {
        l.setPartOf(new Reference(parent));
      }
      parent = ctx.transaction().createIfNoneExist(l, SearchUrls.identifierQuery(List.of(id)));
      if (pointOfCare == null) {
        pointOfCare = parent;
      }
    }
    if (parent == null && !description.isEmpty()) {
      Location l = ctx.stamp(new Location());
      Identifier id = new Identifier().setSystem(ctx.sender().namespace("location")).setValue(description);
      l.addIdentifier(id).setStatus(LocationStatus.ACTIVE).setName(description);
      l.setManagingOrganization(new Reference(organizationUrl));
      parent = ctx.transaction().createIfNoneExist(l, SearchUrls.identifierQuery(List.of(id)));
    }
    if (parent == null) {
      return List.of();
    }
    return pointOfCare == null || pointOfCare.equals(parent) ? List.of(parent) : List.of(pointOfCare, parent);
  }
}
