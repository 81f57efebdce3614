package cn.healthcard.hub.mappings.hl7v2.segment;

import ca.uhn.hl7v2.model.v251.datatype.XAD;
import ca.uhn.hl7v2.model.v251.datatype.XPN;
import ca.uhn.hl7v2.model.v251.datatype.XTN;
import ca.uhn.hl7v2.model.v251.segment.NK1;
import cn.healthcard.hub.mappings.hl7v2.datatype.Addresses;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Names;
import cn.healthcard.hub.mappings.hl7v2.datatype.Telecoms;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.Optional;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.Patient.ContactComponent;

/**
 * NK1 to Patient.contact (the v2-to-FHIR IG's NK1[Patient] map; the hub does not use its
 * NK1[RelatedPerson] map, see the README): NK1-2 name, NK1-3 relationship (table 0063 or
 * GB/T 4761 as sent), NK1-4 address, NK1-5/NK1-6 phones, NK1-7 contact role.
 */
public final class Nk1ToContact {

  private Nk1ToContact() {}

  public static Optional<ContactComponent> map(MappingContext ctx, SegmentRef ref) {
    NK1 nk1 = ref.as(NK1.class);
    ContactComponent c = new ContactComponent();
    Codes.concept(ctx, nk1.getNk13_Relationship()).ifPresent(c::addRelationship);
    Codes.concept(ctx, nk1.getNk17_ContactRole()).ifPresent(c::addRelationship);
    for (XPN xpn : nk1.getNk12_Name()) {
      Optional<org.hl7.fhir.r4.model.HumanName> n = Names.fromXpn(xpn);
      if (n.isPresent()) {
        c.setName(n.get());
        break;
      }
    }
    for (XAD xad : nk1.getNk14_Address()) {
      Optional<org.hl7.fhir.r4.model.Address> a = Addresses.fromXad(ctx, xad);
      if (a.isPresent()) {
        c.setAddress(a.get());
        break;
      }
    }
    for (XTN xtn : nk1.getNk15_PhoneNumber()) {
      Telecoms.fromXtn(xtn, ContactPointUse.HOME).ifPresent(c::addTelecom);
    }
    for (XTN xtn : nk1.getNk16_BusinessPhoneNumber()) {
      Telecoms.fromXtn(xtn, ContactPointUse.WORK).ifPresent(c::addTelecom);
    }
    return c.isEmpty() ? Optional.empty() : Optional.of(c);
  }
}
