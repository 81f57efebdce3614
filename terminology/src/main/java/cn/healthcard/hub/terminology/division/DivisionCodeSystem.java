package cn.healthcard.hub.terminology.division;

import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.Comparator;
import java.util.List;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemHierarchyMeaning;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.PropertyType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The divisions as a FHIR CodeSystem: provinces at the top, cities nested in them, counties in
 * the cities (so {@code $subsumes} works), each concept also carrying its {@code parent} and
 * {@code level} as properties (so {@code $lookup} shows them).
 */
public final class DivisionCodeSystem {

  public static final String ID = "gbt2260";
  public static final String VERSION = "2023";
  static final Comparator<Division> BY_CODE = Comparator.comparing(Division::code);

  private DivisionCodeSystem() {}

  public static CodeSystem build(Divisions divisions) {
    CodeSystem cs = new CodeSystem();
    cs.setId(ID);
    cs.setUrl(HubCodeSystems.DIVISION);
    cs.setVersion(VERSION);
    cs.setName("GBT2260");
    cs.setTitle("中华人民共和国行政区划代码 (GB/T 2260 administrative divisions of China)");
    cs.setStatus(PublicationStatus.ACTIVE);
    cs.setExperimental(false);
    cs.setDateElement(new DateTimeType("2026-11-26"));
    cs.setPublisher("Provincial health-information exchange hub");
    cs.setDescription(
        "Provinces (2-digit codes), cities (4-digit) and counties (6-digit) of China, GB/T 2260 as"
            + " published by the National Bureau of Statistics, 2023 edition. Counties are nested in"
            + " their city and cities in their province; the 6-digit padded forms of province and"
            + " city codes (210000, 210100) are not codes of this system.");
    cs.setCaseSensitive(true);
    cs.setHierarchyMeaning(CodeSystemHierarchyMeaning.PARTOF);
    cs.setContent(CodeSystemContentMode.COMPLETE);
    cs.setValueSet(HubCodeSystems.BASE + "/ValueSet/" + ID);
    cs.setCount(divisions.size());
    cs.addProperty().setCode("parent").setType(PropertyType.CODE)
        .setUri("http://hl7.org/fhir/concept-properties#parent")
        .setDescription("The division this one lies within");
    cs.addProperty().setCode("level").setType(PropertyType.STRING)
        .setDescription("province, city or county");
    List<Division> provinces = divisions.all().stream()
        .filter(d -> d.level() == Division.Level.PROVINCE).sorted(BY_CODE).toList();
    for (Division p : provinces) {
      ConceptDefinitionComponent pc = concept(p);
      cs.addConcept(pc);
      for (Division c : sorted(divisions.children(p.code()))) {
        ConceptDefinitionComponent cc = concept(c);
        pc.addConcept(cc);
        for (Division county : sorted(divisions.children(c.code()))) {
          cc.addConcept(concept(county));
        }
      }
    }
    return cs;
  }

  public static ValueSet allCodes() {
    ValueSet vs = new ValueSet();
    vs.setId(ID);
    vs.setUrl(HubCodeSystems.BASE + "/ValueSet/" + ID);
    vs.setVersion(VERSION);
    vs.setName("GBT2260ValueSet");
    vs.setTitle("全部行政区划 (all administrative divisions)");
    vs.setStatus(PublicationStatus.ACTIVE);
    vs.setExperimental(false);
    vs.setPublisher("Provincial health-information exchange hub");
    vs.setDescription("Every province, city and county of GB/T 2260 (2023 edition).");
    vs.getCompose().addInclude().setSystem(HubCodeSystems.DIVISION);
    return vs;
  }

  private static List<Division> sorted(List<Division> list) {
    return list.stream().sorted(BY_CODE).toList();
  }

  private static ConceptDefinitionComponent concept(Division d) {
    ConceptDefinitionComponent c = new ConceptDefinitionComponent();
    c.setCode(d.code());
    c.setDisplay(d.name());
    d.parent().ifPresent(p -> c.addProperty().setCode("parent").setValue(new CodeType(p)));
    c.addProperty().setCode("level").setValue(new StringType(d.level().name().toLowerCase()));
    return c;
  }
}
