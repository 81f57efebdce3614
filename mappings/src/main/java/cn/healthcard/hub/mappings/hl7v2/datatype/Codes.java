package cn.healthcard.hub.mappings.hl7v2.datatype;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * CE/CWE/IS/ID to Coding and CodeableConcept (v2-to-FHIR CWE[CodeableConcept]), and HL7 coding
 * system names (CWE-3) to FHIR system URIs. Every coding is passed through
 * {@code Terminology.annotate}: valid codes of systems the hub ships get their display, codes
 * it cannot validate are kept as sent and flagged, never dropped.
 *
 * <p>Coding system names: {@code HL7nnnn} -> {@code http://terminology.hl7.org/CodeSystem/v2-nnnn},
 * {@code LN} -> LOINC, {@code SCT}/{@code SNM} -> SNOMED CT, {@code UCUM}, {@code I10} -> ICD-10,
 * the Chinese national standards by their numbers ({@code GB/T 2261.1}, {@code GB 3304},
 * {@code GB/T 2260}, {@code GB/T 4761}, {@code CV02.01.101}, also {@code ICD-10-CN}), for
 * immunization {@code CVX}, {@code MVX}, {@code NCIT}, {@code CDCPHINVS}, {@code CDCGS1VIS},
 * {@code CDCREC} and {@code NIP}/{@code NIP-VACCINE} (the national immunization programme's vaccine
 * codes), an OID ->
 * {@code urn:oid:...}, a URI as is; any other name is a local code system of the sender:
 * {@code https://hub.healthcard.cn/fhir/CodeSystem/<facility>/<name>} (an empty name:
 * {@code .../local}).
 */
public final class Codes {

  /** CDC vaccine manufacturers (MVX). */
  public static final String MVX = "http://hl7.org/fhir/sid/mvx";
  /** NCI Thesaurus (routes of administration in the CDC immunization guide). */
  public static final String NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl";
  /** CDC PHIN Vocabulary Access and Distribution System value sets (VXC codes...). */
  public static final String CDCPHINVS = "urn:oid:2.16.840.1.114222.4.5.274";
  /** CDC GS1 barcodes of vaccine information statements. */
  public static final String CDCGS1VIS = "urn:oid:2.16.840.1.114222.4.5.307";
  /** CDC race and ethnicity. */
  public static final String CDCREC = "urn:oid:2.16.840.1.113883.6.238";
  /** UCUM. */
  public static final String UCUM = "http://unitsofmeasure.org";
  /** LOINC. */
  public static final String LOINC = "http://loinc.org";

  private static final Map<String, String> SYSTEMS = Map.ofEntries(
      Map.entry("LN", "http://loinc.org"),
      Map.entry("LOINC", "http://loinc.org"),
      Map.entry("SCT", "http://snomed.info/sct"),
      Map.entry("SNM", "http://snomed.info/sct"),
      Map.entry("SNOMEDCT", "http://snomed.info/sct"),
      Map.entry("UCUM", "http://unitsofmeasure.org"),
      Map.entry("I10", HubCodeSystems.ICD10),
      Map.entry("ICD10", HubCodeSystems.ICD10),
      Map.entry("ICD10CN", HubCodeSystems.BASE + "/CodeSystem/icd-10-cn"),
      Map.entry("CVX", HubCodeSystems.CVX),
      Map.entry("MVX", Codes.MVX),
      Map.entry("NCIT", Codes.NCIT),
      Map.entry("NCI", Codes.NCIT),
      Map.entry("CDCPHINVS", Codes.CDCPHINVS),
      Map.entry("PHINVS", Codes.CDCPHINVS),
      Map.entry("CDCGS1VIS", Codes.CDCGS1VIS),
      Map.entry("CDCREC", Codes.CDCREC),
      Map.entry("NIP", HubCodeSystems.NIP_VACCINE),
      Map.entry("NIPVACCINE", HubCodeSystems.NIP_VACCINE),
      Map.entry("GBT22611", HubCodeSystems.SEX),
      Map.entry("GB22611", HubCodeSystems.SEX),
      Map.entry("GB3304", HubCodeSystems.ETHNICITY),
      Map.entry("GBT3304", HubCodeSystems.ETHNICITY),
      Map.entry("GBT2260", HubCodeSystems.DIVISION),
      Map.entry("GB2260", HubCodeSystems.DIVISION),
      Map.entry("GBT4761", HubCodeSystems.FAMILY_RELATIONSHIP),
      Map.entry("GB4761", HubCodeSystems.FAMILY_RELATIONSHIP),
      Map.entry("CV0201101", HubCodeSystems.ID_DOCUMENT_TYPE));

  private Codes() {}

  /** The FHIR system URI for a v2 coding system name; local to the sender when unknown. */
  public static String systemUri(String name, Sender sender) {
    String n = name == null ? "" : name.strip();
    if (n.isEmpty()) {
      return sender.localCodeSystem("");
    }
    String squashed = n.replaceAll("[\\s/._-]", "").toUpperCase(Locale.ROOT);
    if (squashed.matches("HL7\\d{4}")) {
      return "http://terminology.hl7.org/CodeSystem/v2-" + squashed.substring(3);
    }
    String known = SYSTEMS.get(squashed);
    if (known != null) {
      return known;
    }
    if (V2.isOid(n)) {
      return "urn:oid:" + n;
    }
    if (n.startsWith("http://") || n.startsWith("https://") || n.startsWith("urn:")) {
      return n;
    }
    return sender.localCodeSystem(n);
  }

  /**
   * The HL7 v2 coding-system name (CWE-3) for a FHIR system URI: the reverse of
   * {@link #systemUri}. {@code v2-nnnn} -> {@code HLnnnn}, the known names, {@code urn:oid:x}
   * -> {@code x}, a sender's local system -> its name; anything else is written as the URI.
   */
  public static String v2Name(String uri) {
    if (uri == null || uri.isEmpty()) {
      return "";
    }
    if (uri.startsWith("http://terminology.hl7.org/CodeSystem/v2-")) {
      return "HL7" + uri.substring("http://terminology.hl7.org/CodeSystem/v2-".length());
    }
    String name = V2_NAMES.get(uri);
    if (name != null) {
      return name;
    }
    if (uri.startsWith("urn:oid:")) {
      return uri.substring("urn:oid:".length());
    }
    String local = HubCodeSystems.BASE + "/CodeSystem/";
    if (uri.startsWith(local)) {
      String rest = uri.substring(local.length());
      int slash = rest.indexOf('/');
      if (slash >= 0) {
        String n = java.net.URLDecoder.decode(rest.substring(slash + 1), java.nio.charset.StandardCharsets.UTF_8);
        return n.equals("local") ? "" : n;
      }
    }
    return uri;
  }

  private static final Map<String, String> V2_NAMES = Map.ofEntries(
      Map.entry("http://loinc.org", "LN"),
      Map.entry("http://snomed.info/sct", "SCT"),
      Map.entry("http://unitsofmeasure.org", "UCUM"),
      Map.entry(HubCodeSystems.ICD10, "I10"),
      Map.entry(HubCodeSystems.CVX, "CVX"),
      Map.entry(MVX, "MVX"),
      Map.entry(NCIT, "NCIT"),
      Map.entry(CDCPHINVS, "CDCPHINVS"),
      Map.entry(CDCGS1VIS, "CDCGS1VIS"),
      Map.entry(CDCREC, "CDCREC"),
      Map.entry(HubCodeSystems.NIP_VACCINE, "NIP"),
      Map.entry(HubCodeSystems.SEX, "GB/T 2261.1"),
      Map.entry(HubCodeSystems.ETHNICITY, "GB 3304"),
      Map.entry(HubCodeSystems.DIVISION, "GB/T 2260"),
      Map.entry(HubCodeSystems.FAMILY_RELATIONSHIP, "GB/T 4761"),
      Map.entry(HubCodeSystems.ID_DOCUMENT_TYPE, "CV02.01.101"));

  /** The v2 table URI: {@code http://terminology.hl7.org/CodeSystem/v2-nnnn}. */
  public static String table(String number) {
    return "http://terminology.hl7.org/CodeSystem/v2-" + number;
  }

  public static Coding coding(MappingContext ctx, String system, String code, String display) {
    Coding c = new Coding().setSystem(system).setCode(code);
    if (display != null && !display.isEmpty()) {
      c.setDisplay(display);
    }
    return ctx.terminology().annotate(c);
  }

  public static Optional<CodeableConcept> concept(MappingContext ctx, CWE cwe) {
    if (V2.isEmpty(cwe)) {
      return Optional.empty();
    }
    return concept(ctx,
        s(cwe.getCwe1_Identifier()), s(cwe.getCwe2_Text()), s(cwe.getCwe3_NameOfCodingSystem()),
        s(cwe.getCwe7_CodingSystemVersionID()),
        s(cwe.getCwe4_AlternateIdentifier()), s(cwe.getCwe5_AlternateText()),
        s(cwe.getCwe6_NameOfAlternateCodingSystem()), s(cwe.getCwe8_AlternateCodingSystemVersionID()),
        s(cwe.getCwe9_OriginalText()));
  }

  public static Optional<CodeableConcept> concept(MappingContext ctx, CE ce) {
    if (V2.isEmpty(ce)) {
      return Optional.empty();
    }
    return concept(ctx,
        s(ce.getCe1_Identifier()), s(ce.getCe2_Text()), s(ce.getCe3_NameOfCodingSystem()), "",
        s(ce.getCe4_AlternateIdentifier()), s(ce.getCe5_AlternateText()),
        s(ce.getCe6_NameOfAlternateCodingSystem()), "", "");
  }

  private static Optional<CodeableConcept> concept(MappingContext ctx,
      String code, String text, String system, String version,
      String altCode, String altText, String altSystem, String altVersion, String originalText) {
    CodeableConcept cc = new CodeableConcept();
    if (!code.isEmpty()) {
      Coding c = coding(ctx, systemUri(system, ctx.sender()), code, text);
      if (!version.isEmpty()) {
        c.setVersion(version);
      }
      cc.addCoding(c);
    }
    if (!altCode.isEmpty()) {
      Coding c = coding(ctx, systemUri(altSystem, ctx.sender()), altCode, altText);
      if (!altVersion.isEmpty()) {
        c.setVersion(altVersion);
      }
      cc.addCoding(c);
    }
    if (!originalText.isEmpty()) {
      cc.setText(originalText);
    } else if (code.isEmpty() && !text.isEmpty()) {
      cc.setText(text);
    }
    return cc.isEmpty() ? Optional.empty() : Optional.of(cc);
  }

  /**
   * A coded field with the free-text description a separate field carries (DG1-4, PR1-4): the
   * description becomes the concept's text, or the whole concept when the code is empty (Chinese
   * HIS often send only the description).
   */
  public static Optional<CodeableConcept> conceptOrText(MappingContext ctx, CE ce, String description) {
    Optional<CodeableConcept> code = concept(ctx, ce);
    if (code.isEmpty() && !description.isEmpty()) {
      return Optional.of(new CodeableConcept().setText(description));
    }
    if (code.isPresent() && !code.get().hasText() && !description.isEmpty()) {
      code.get().setText(description);
    }
    return code;
  }

  /** An IS/ID value of a v2 table as a CodeableConcept in that table's system. */
  public static Optional<CodeableConcept> tableConcept(MappingContext ctx, Primitive p, String table) {
    String code = s(p);
    if (code.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CodeableConcept().addCoding(coding(ctx, table(table), code, null)));
  }

  /** An IS value of a user-defined table: a local code of the sender. */
  public static Optional<CodeableConcept> localConcept(MappingContext ctx, Primitive p, String tableName) {
    String code = s(p);
    if (code.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CodeableConcept().addCoding(
        coding(ctx, ctx.sender().localCodeSystem(tableName), code, null)));
  }
}
