package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.XCN;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Names;
import cn.healthcard.hub.mappings.hl7v2.datatype.V2;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;

/**
 * XCN to a reference to a Practitioner (v2-to-FHIR XCN[Practitioner]): with an id (XCN-1) a
 * Practitioner created once by its identifier in the sender's {@code practitioner} namespace
 * (or XCN-9's); without one, a reference holding only the name as display.
 */
public final class XcnToPractitioner {

  private XcnToPractitioner() {}

  public static Optional<Reference> reference(MappingContext ctx, XCN xcn) {
    if (V2.isEmpty(xcn)) {
      return Optional.empty();
    }
    String idNumber = s(xcn.getXcn1_IDNumber());
    Optional<HumanName> name = Names.fromXcn(xcn);
    if (idNumber.isEmpty()) {
      return name.map(n -> new Reference().setDisplay(display(n)));
    }
    Identifier id = new Identifier()
        .setSystem(Identifiers.system(xcn.getXcn9_AssigningAuthority(), ctx.sender(),
            ctx.sender().namespace("practitioner")))
        .setValue(idNumber);
    Practitioner p = ctx.stamp(new Practitioner());
    p.addIdentifier(id);
    name.ifPresent(p::addName);
    String url = ctx.transaction().createIfNoneExist(p, SearchUrls.identifierQuery(List.of(id)));
    Reference r = new Reference(url);
    name.ifPresent(n -> r.setDisplay(display(n)));
    return Optional.of(r);
  }

  static String display(HumanName n) {
    if (n.hasText()) {
      return n.getText();
    }
    return n.getNameAsSingleString();
  }
}
