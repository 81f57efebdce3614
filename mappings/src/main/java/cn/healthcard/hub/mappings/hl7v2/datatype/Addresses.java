package cn.healthcard.hub.mappings.hl7v2.datatype;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.XAD;
import cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.division.Division;
import cn.healthcard.hub.terminology.division.DivisionResolution;
import java.util.Optional;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Address.AddressType;
import org.hl7.fhir.r4.model.Address.AddressUse;
import org.hl7.fhir.r4.model.StringType;

/**
 * XAD to Address (v2-to-FHIR XAD[Address]): XAD-1.1 and XAD-2 lines, XAD-3 city, XAD-4 state
 * (province), XAD-5 postal code, XAD-6 country, XAD-7 use/type, XAD-9 district.
 *
 * <p>XAD-9 carries the 6-digit GB/T 2260 county code in Chinese HIS. It is resolved to today's
 * division ({@code Divisions.resolveAddressCode}: the county itself, the county that replaced a
 * retired one, else its city or province), which goes into the
 * {@link HubExtensions#ADDRESS_DIVISION} extension (a coding in {@link HubCodeSystems#DIVISION}
 * with its name); a code that is not a current county is also kept as sent in
 * {@link HubExtensions#ADDRESS_DIVISION_AS_SENT}. {@code district} is the county's name when the
 * code resolves to a county, else the code as sent.
 */
public final class Addresses {

  private Addresses() {}

  public static Optional<Address> fromXad(MappingContext ctx, XAD xad) {
    if (V2.isEmpty(xad)) {
      return Optional.empty();
    }
    Address a = new Address();
    String street = s(xad.getXad1_StreetAddress().getSad1_StreetOrMailingAddress());
    if (!street.isEmpty()) {
      a.addLine(street);
    }
    String other = s(xad.getXad2_OtherDesignation());
    if (!other.isEmpty()) {
      a.addLine(other);
    }
    set(s(xad.getXad3_City()), a::setCity);
    set(s(xad.getXad4_StateOrProvince()), a::setState);
    set(s(xad.getXad5_ZipOrPostalCode()), a::setPostalCode);
    set(s(xad.getXad6_Country()), a::setCountry);
    String type = s(xad.getXad7_AddressType());
    switch (type) {
      case "H", "P", "RH" -> a.setUse(AddressUse.HOME);
      case "B", "O" -> a.setUse(AddressUse.WORK);
      case "C" -> a.setUse(AddressUse.TEMP);
      case "BA", "BI" -> a.setUse(AddressUse.OLD);
      case "M" -> a.setType(AddressType.POSTAL);
      case "SH" -> a.setType(AddressType.PHYSICAL);
      default -> { }
    }
    String county = s(xad.getXad9_CountyParishCode());
    if (county.matches("\\d{6}")) {
      DivisionResolution r = ctx.divisions().resolveAddressCode(county);
      Optional<Division> d = r.division();
      if (d.isPresent()) {
        a.addExtension(HubExtensions.ADDRESS_DIVISION,
            Codes.coding(ctx, HubCodeSystems.DIVISION, d.get().code(), d.get().name()));
      }
      if (r.match() != DivisionResolution.Match.CURRENT) {
        a.addExtension(HubExtensions.ADDRESS_DIVISION_AS_SENT, new StringType(county));
      }
      boolean countyLevel = d.isPresent() && d.get().level() == Division.Level.COUNTY;
      a.setDistrict(countyLevel ? d.get().name() : county);
    } else if (!county.isEmpty()) {
      a.setDistrict(county);
    }
    return a.isEmpty() ? Optional.empty() : Optional.of(a);
  }

  private static void set(String v, java.util.function.Consumer<String> setter) {
    if (!v.isEmpty()) {
      setter.accept(v);
    }
  }
}
