package cn.healthcard.hub.mappings.hl7v2.datatype;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.datatype.XPN;
import java.util.Optional;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.HumanName.NameUse;

/**
 * XPN (and the name part of XCN) to HumanName (v2-to-FHIR XPN[HumanName]): XPN-1.1 family,
 * XPN-2 and XPN-3 given, XPN-4 suffix, XPN-5 prefix, XPN-6 suffix (degree), XPN-7 use.
 * Chinese names ({@code 张^三丰}) also get {@code text} = family + given without a space
 * ({@code 张三丰}), the form the name is written and searched in.
 */
public final class Names {

  private Names() {}

  public static Optional<HumanName> fromXpn(XPN xpn) {
    if (V2.isEmpty(xpn)) {
      return Optional.empty();
    }
    HumanName n = build(
        s(xpn.getXpn1_FamilyName().getFn1_Surname()),
        s(xpn.getXpn2_GivenName()),
        s(xpn.getXpn3_SecondAndFurtherGivenNamesOrInitialsThereof()),
        s(xpn.getXpn4_SuffixEgJRorIII()),
        s(xpn.getXpn5_PrefixEgDR()),
        s(xpn.getXpn6_DegreeEgMD()));
    use(s(xpn.getXpn7_NameTypeCode())).ifPresent(n::setUse);
    return n.isEmpty() ? Optional.empty() : Optional.of(n);
  }

  public static Optional<HumanName> fromXcn(XCN xcn) {
    if (V2.isEmpty(xcn)) {
      return Optional.empty();
    }
    HumanName n = build(
        s(xcn.getXcn2_FamilyName().getFn1_Surname()),
        s(xcn.getXcn3_GivenName()),
        s(xcn.getXcn4_SecondAndFurtherGivenNamesOrInitialsThereof()),
        s(xcn.getXcn5_SuffixEgJRorIII()),
        s(xcn.getXcn6_PrefixEgDR()),
        s(xcn.getXcn7_DegreeEgMD()));
    return n.isEmpty() ? Optional.empty() : Optional.of(n);
  }

  private static HumanName build(String family, String given, String further, String suffix,
      String prefix, String degree) {
    HumanName n = new HumanName();
    if (!family.isEmpty()) {
      n.setFamily(family);
    }
    if (!given.isEmpty()) {
      n.addGiven(given);
    }
    if (!further.isEmpty()) {
      for (String g : further.split("\\s+")) {
        n.addGiven(g);
      }
    }
    if (!suffix.isEmpty()) {
      n.addSuffix(suffix);
    }
    if (!degree.isEmpty()) {
      n.addSuffix(degree);
    }
    if (!prefix.isEmpty()) {
      n.addPrefix(prefix);
    }
    if (V2.hasCjk(family) || V2.hasCjk(given)) {
      n.setText(family + given + further.replaceAll("\\s+", ""));
    }
    return n;
  }

  /** Table 0200 name type to name use (v2-to-FHIR NameType map). */
  static Optional<NameUse> use(String code) {
    return Optional.ofNullable(switch (code) {
      case "L", "R" -> NameUse.OFFICIAL;
      case "D", "A" -> NameUse.USUAL;
      case "M" -> NameUse.MAIDEN;
      case "N" -> NameUse.NICKNAME;
      case "S" -> NameUse.ANONYMOUS;
      case "B", "BAD" -> NameUse.OLD;
      case "T" -> NameUse.TEMP;
      default -> null;
    });
  }
}
