package cn.healthcard.hub.mappings.hl7v2.qbp;

import cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.BaseDateTimeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.StringType;

/**
 * FHIR datatypes back to HL7 v2 datatypes, as text (the reverse of the datatype layer):
 * CodeableConcept -> CE, Identifier -> CX/EI, HumanName -> XPN, Address -> XAD, ContactPoint ->
 * XTN, date/dateTime -> TS. Identifier systems the hub minted go back to what was sent: a
 * {@code urn:oid:} system to an ISO assigning authority, a sender namespace
 * ({@code .../NamingSystem/<facility>/<namespace>}) to its namespace id, any other URI to an
 * assigning authority of type URI.
 */
final class FhirToV2 {

  private static final Pattern DATE_TIME = Pattern.compile(
      "(\\d{4})(?:-(\\d{2})(?:-(\\d{2})(?:T(\\d{2}):(\\d{2})(?::(\\d{2})(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?");
  private static final String NAMING = HubCodeSystems.BASE + "/NamingSystem/";
  /** Namespace kinds the hub uses when the sender named no authority: the facility stands for them. */
  private static final Set<String> DEFAULT_KINDS = Set.of("mrn", "alternate-id", "filler-order", "placer-order",
      "immunization", "practitioner", "location", "visit", "observation", "document");

  private final Er7 w;

  FhirToV2(Er7 w) {
    this.w = w;
  }

  /** A date, dateTime or instant as an HL7 TS ({@code YYYYMMDD[HHMM[SS[.S]]][+ZZZZ]}). */
  String ts(BaseDateTimeType t) {
    if (t == null || !t.hasValue()) {
      return "";
    }
    return ts(t.getValueAsString());
  }

  String ts(String fhir) {
    if (fhir == null) {
      return "";
    }
    Matcher m = DATE_TIME.matcher(fhir);
    if (!m.matches()) {
      return "";
    }
    StringBuilder sb = new StringBuilder(m.group(1));
    for (int g = 2; g <= 6; g++) {
      if (m.group(g) != null) {
        sb.append(m.group(g));
      }
    }
    if (m.group(7) != null) {
      sb.append(m.group(7));
    }
    if (m.group(8) != null) {
      sb.append(m.group(8).equals("Z") ? "+0000" : m.group(8).replace(":", ""));
    }
    return w.esc(sb.toString());
  }

  /** CE: the first coding (code^text^system), the second as the alternate (components 4-6). */
  String ce(CodeableConcept cc) {
    return ce(cc, c -> true);
  }

  String ce(CodeableConcept cc, Predicate<Coding> keep) {
    if (cc == null) {
      return "";
    }
    List<Coding> codings = cc.getCoding().stream().filter(c -> c.hasCode() && keep.test(c)).toList();
    if (codings.isEmpty()) {
      return cc.hasText() ? w.comp("", w.esc(cc.getText())) : "";
    }
    Coding a = codings.get(0);
    if (codings.size() == 1) {
      return w.comp(w.esc(a.getCode()), w.esc(a.getDisplay()), w.esc(Codes.v2Name(a.getSystem())));
    }
    Coding b = codings.get(1);
    return w.comp(w.esc(a.getCode()), w.esc(a.getDisplay()), w.esc(Codes.v2Name(a.getSystem())),
        w.esc(b.getCode()), w.esc(b.getDisplay()), w.esc(Codes.v2Name(b.getSystem())));
  }

  /** CE with one coding. */
  String ce(Coding c) {
    return c == null || !c.hasCode() ? ""
        : w.comp(w.esc(c.getCode()), w.esc(c.getDisplay()), w.esc(Codes.v2Name(c.getSystem())));
  }

  /** CX: value^^^authority^type. */
  String cx(Identifier id) {
    if (id == null || !id.hasValue()) {
      return "";
    }
    return w.comp(w.esc(id.getValue()), "", "", authority(id.getSystem()), w.esc(type(id)));
  }

  /** EI: value^namespace^universal id^type. */
  String ei(Identifier id) {
    if (id == null || !id.hasValue()) {
      return "";
    }
    String[] a = authorityParts(id.getSystem());
    return w.comp(w.esc(id.getValue()), w.esc(a[0]), w.esc(a[1]), w.esc(a[2]));
  }

  /** An HD (as subcomponents, inside a component) for an identifier system. */
  String authority(String system) {
    String[] a = authorityParts(system);
    return w.sub(w.esc(a[0]), w.esc(a[1]), w.esc(a[2]));
  }

  /** [namespace id, universal id, universal id type] for an identifier system. */
  static String[] authorityParts(String system) {
    if (system == null || system.isEmpty()) {
      return new String[] {"", "", ""};
    }
    if (system.startsWith("urn:oid:")) {
      return new String[] {"", system.substring("urn:oid:".length()), "ISO"};
    }
    if (system.startsWith(NAMING)) {
      String[] parts = system.substring(NAMING.length()).split("/");
      if (parts.length == 2) {
        String facility = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        String kind = URLDecoder.decode(parts[1], StandardCharsets.UTF_8);
        return new String[] {DEFAULT_KINDS.contains(kind) ? facility : kind, "", ""};
      }
    }
    return new String[] {"", system, "URI"};
  }

  private static String type(Identifier id) {
    return id.hasType() ? id.getType().getCoding().stream().filter(Coding::hasCode).map(Coding::getCode)
        .findFirst().orElse("") : "";
  }

  /** XPN: family^given^further given^suffix^prefix^^name type. */
  String xpn(HumanName n) {
    if (n == null || n.isEmpty()) {
      return "";
    }
    String given = n.getGiven().isEmpty() ? "" : n.getGiven().get(0).getValue();
    List<String> further = new ArrayList<>();
    for (int i = 1; i < n.getGiven().size(); i++) {
      further.add(n.getGiven().get(i).getValue());
    }
    String use = n.hasUse() ? switch (n.getUse()) {
      case OFFICIAL -> "L";
      case USUAL -> "D";
      case MAIDEN -> "M";
      case NICKNAME -> "N";
      case ANONYMOUS -> "S";
      case OLD -> "B";
      case TEMP -> "T";
      default -> "";
    } : "";
    String family = n.hasFamily() ? n.getFamily() : n.getGiven().isEmpty() ? n.getText() : "";
    return w.comp(w.esc(family), w.esc(given), w.esc(String.join(" ", further)),
        w.esc(n.getSuffix().isEmpty() ? "" : n.getSuffix().get(0).getValue()),
        w.esc(n.getPrefix().isEmpty() ? "" : n.getPrefix().get(0).getValue()), "", use);
  }

  /** XAD: street^other^city^state^postal code^country^type^^county (the GB/T 2260 code when known). */
  String xad(Address a) {
    if (a == null || a.isEmpty()) {
      return "";
    }
    String type = "";
    if (a.hasUse()) {
      type = switch (a.getUse()) {
        case HOME -> "H";
        case WORK -> "B";
        case TEMP -> "C";
        case OLD -> "BA";
        default -> "";
      };
    }
    if (type.isEmpty() && a.hasType() && a.getType() == Address.AddressType.POSTAL) {
      type = "M";
    }
    String county = a.hasDistrict() ? a.getDistrict() : "";
    Extension sent = a.getExtensionByUrl(HubExtensions.ADDRESS_DIVISION_AS_SENT);
    Extension division = a.getExtensionByUrl(HubExtensions.ADDRESS_DIVISION);
    if (sent != null && sent.getValue() instanceof StringType st) {
      county = st.getValue();
    } else if (division != null && division.getValue() instanceof Coding c) {
      county = c.getCode();
    }
    List<StringType> lines = a.getLine();
    return w.comp(w.esc(lines.isEmpty() ? "" : lines.get(0).getValue()),
        w.esc(lines.size() > 1 ? lines.get(1).getValue() : ""),
        w.esc(a.getCity()), w.esc(a.getState()), w.esc(a.getPostalCode()), w.esc(a.getCountry()),
        type, "", w.esc(county));
  }

  /** XTN: number^use^equipment (an e-mail: ^NET^Internet^address). */
  String xtn(ContactPoint cp) {
    if (cp == null || !cp.hasValue()) {
      return "";
    }
    if (cp.getSystem() == ContactPoint.ContactPointSystem.EMAIL) {
      return w.comp("", "NET", "Internet", w.esc(cp.getValue()));
    }
    String equipment = switch (cp.hasSystem() ? cp.getSystem() : ContactPoint.ContactPointSystem.PHONE) {
      case FAX -> "FX";
      case PAGER -> "BP";
      default -> cp.getUse() == ContactPoint.ContactPointUse.MOBILE ? "CP" : "PH";
    };
    String use = cp.getUse() == ContactPoint.ContactPointUse.WORK ? "WPN" : "PRN";
    return w.comp(w.esc(cp.getValue()), use, equipment);
  }

  /** XCN: id^family^given (the id and name as known). */
  String xcn(Optional<Identifier> id, Optional<HumanName> name, String display) {
    String family = name.map(n -> n.hasFamily() ? n.getFamily() : "").orElse("");
    String given = name.map(n -> n.getGiven().isEmpty() ? "" : n.getGiven().get(0).getValue()).orElse("");
    if (family.isEmpty() && given.isEmpty() && display != null) {
      family = display;
    }
    return w.comp(w.esc(id.map(Identifier::getValue).orElse("")), w.esc(family), w.esc(given));
  }
}
