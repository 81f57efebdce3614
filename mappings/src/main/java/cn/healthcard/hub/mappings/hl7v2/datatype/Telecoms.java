package cn.healthcard.hub.mappings.hl7v2.datatype;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.XTN;
import java.util.Optional;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointSystem;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;

/**
 * XTN to ContactPoint (v2-to-FHIR XTN[ContactPoint]). Value: XTN-12 (unformatted), else XTN-1,
 * else XTN-4 (e-mail), else +XTN-5 XTN-6 XTN-7 [XTN-8]. System from XTN-3 (PH, CP phone; FX fax;
 * BP pager; Internet e-mail), use from XTN-2 (PRN home, WPN work, ...) and CP (mobile); the field
 * gives the default use (PID-13 home, PID-14 work).
 */
public final class Telecoms {

  private Telecoms() {}

  public static Optional<ContactPoint> fromXtn(XTN xtn, ContactPointUse defaultUse) {
    if (V2.isEmpty(xtn)) {
      return Optional.empty();
    }
    String equipment = s(xtn.getXtn3_TelecommunicationEquipmentType());
    String useCode = s(xtn.getXtn2_TelecommunicationUseCode());
    String email = s(xtn.getXtn4_EmailAddress());
    String value = first(s(xtn.getXtn12_UnformattedTelephoneNumber()), s(xtn.getXtn1_TelephoneNumber()));
    ContactPoint cp = new ContactPoint();
    if (value.isEmpty() && !email.isEmpty()) {
      value = email;
      cp.setSystem(ContactPointSystem.EMAIL);
    }
    if (value.isEmpty()) {
      String local = s(xtn.getXtn7_LocalNumber());
      if (!local.isEmpty()) {
        String country = s(xtn.getXtn5_CountryCode());
        String area = s(xtn.getXtn6_AreaCityCode());
        String ext = s(xtn.getXtn8_Extension());
        value = (country.isEmpty() ? "" : "+" + country + " ") + (area.isEmpty() ? "" : area + " ")
            + local + (ext.isEmpty() ? "" : " ext. " + ext);
      }
    }
    if (value.isEmpty()) {
      return Optional.empty();
    }
    cp.setValue(value);
    if (!cp.hasSystem()) {
      cp.setSystem(switch (equipment) {
        case "FX" -> ContactPointSystem.FAX;
        case "BP" -> ContactPointSystem.PAGER;
        case "Internet", "X.400" -> ContactPointSystem.EMAIL;
        case "TDD", "TTY" -> ContactPointSystem.OTHER;
        default -> "NET".equals(useCode) || value.contains("@") ? ContactPointSystem.EMAIL : ContactPointSystem.PHONE;
      });
    }
    ContactPointUse use = switch (useCode) {
      case "PRN", "ORN", "VHN" -> ContactPointUse.HOME;
      case "WPN" -> ContactPointUse.WORK;
      case "NET", "EMR", "ASN", "BPN" -> null;
      default -> defaultUse;
    };
    if ("CP".equals(equipment)) {
      use = ContactPointUse.MOBILE;
    }
    if (use != null) {
      cp.setUse(use);
    }
    return Optional.of(cp);
  }

  private static String first(String a, String b) {
    return a.isEmpty() ? b : a;
  }
}
