package cn.healthcard.hub.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import cn.healthcard.hub.terminology.division.DivisionCodeSystem;
import cn.healthcard.hub.terminology.division.Divisions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.ConceptMap.ConceptMapGroupComponent;
import org.hl7.fhir.r4.model.ConceptMap.SourceElementComponent;
import org.hl7.fhir.r4.model.ConceptMap.TargetElementComponent;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Enumerations.ConceptMapEquivalence;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * The hub's terminology in memory: every code system, value set and concept map it ships, with
 * code checks and translations that need no server and no network. Immutable and thread-safe;
 * {@link #standard()} loads the packaged content once (about a second, most of it the FHIR
 * parser's first use).
 *
 * <p>The FHIR server loads the same resources into its repository, so {@code $lookup},
 * {@code $translate} and friends answer exactly what this class answers in-process.
 */
public final class Terminology {

  private static final String CONTENT = "/cn/healthcard/hub/terminology/content/";

  /** HL7's own systems: validated by the FHIR server's validator, accepted unverified here. */
  private static final List<String> HL7_SYSTEM_PREFIXES =
      List.of("http://terminology.hl7.org/CodeSystem/", "http://hl7.org/fhir/");

  private final Map<String, CodeSystem> codeSystems;
  private final Map<String, Map<String, ConceptDefinitionComponent>> concepts;
  private final Map<String, ValueSet> valueSets;
  private final Map<String, ConceptMap> conceptMaps;
  private final Map<String, List<Translation>> translations;
  /** Per code system: code to its parent codes (nesting and the {@code parent} property). */
  private final Map<String, Map<String, List<String>>> parents;
  private final Divisions divisions;

  private Terminology(List<MetadataResource> resources, Divisions divisions) {
    this.divisions = divisions;
    Map<String, CodeSystem> cs = new LinkedHashMap<>();
    Map<String, ValueSet> vs = new LinkedHashMap<>();
    Map<String, ConceptMap> cm = new LinkedHashMap<>();
    for (MetadataResource r : resources) {
      MetadataResource previous;
      if (r instanceof CodeSystem c) {
        previous = cs.put(c.getUrl(), c);
      } else if (r instanceof ValueSet v) {
        previous = vs.put(v.getUrl(), v);
      } else if (r instanceof ConceptMap m) {
        previous = cm.put(m.getUrl(), m);
      } else {
        throw new IllegalStateException("unexpected " + r.fhirType());
      }
      if (previous != null) {
        throw new IllegalStateException("two resources with url " + r.getUrl());
      }
    }
    this.codeSystems = Map.copyOf(cs);
    this.valueSets = Map.copyOf(vs);
    this.conceptMaps = Map.copyOf(cm);
    Map<String, Map<String, ConceptDefinitionComponent>> index = new HashMap<>();
    for (CodeSystem c : cs.values()) {
      Map<String, ConceptDefinitionComponent> codes = new HashMap<>();
      flatten(c.getConcept(), codes);
      index.put(c.getUrl(), Map.copyOf(codes));
    }
    this.concepts = Map.copyOf(index);
    Map<String, Map<String, List<String>>> up = new HashMap<>();
    for (CodeSystem c : cs.values()) {
      Map<String, List<String>> links = new HashMap<>();
      collectParents(c.getConcept(), null, links);
      links.replaceAll((k, v) -> List.copyOf(v));
      up.put(c.getUrl(), Map.copyOf(links));
    }
    this.parents = Map.copyOf(up);
    Map<String, List<Translation>> tx = new HashMap<>();
    for (ConceptMap m : cm.values()) {
      for (ConceptMapGroupComponent g : m.getGroup()) {
        for (SourceElementComponent e : g.getElement()) {
          String key = key(g.getSource(), e.getCode(), g.getTarget());
          for (TargetElementComponent t : e.getTarget()) {
            if (t.getEquivalence() == ConceptMapEquivalence.UNMATCHED
                || t.getEquivalence() == ConceptMapEquivalence.DISJOINT
                || t.getCode() == null) {
              continue;
            }
            Coding target = new Coding(g.getTarget(), t.getCode(), t.getDisplay());
            tx.computeIfAbsent(key, k -> new ArrayList<>())
                .add(new Translation(target, t.getEquivalence(), m.getUrl()));
          }
        }
      }
    }
    tx.replaceAll((k, v) -> v.stream().sorted(Comparator.comparingInt(t -> rank(t.equivalence()))).toList());
    this.translations = Map.copyOf(tx);
  }

  private static final class Holder {
    static final Terminology STANDARD = load();
  }

  /** The packaged terminology, loaded on first use. */
  public static Terminology standard() {
    return Holder.STANDARD;
  }

  static Terminology load() {
    IParser parser = FhirContext.forR4Cached().newJsonParser();
    List<MetadataResource> resources = new ArrayList<>();
    for (String name : contentIndex()) {
      try (InputStream in = Terminology.class.getResourceAsStream(CONTENT + name)) {
        if (in == null) {
          throw new IllegalStateException("terminology content listed but missing: " + name);
        }
        IBaseResource r = parser.parseResource(new InputStreamReader(in, StandardCharsets.UTF_8));
        resources.add((MetadataResource) r);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Divisions divisions = Divisions.standard();
    resources.add(DivisionCodeSystem.build(divisions));
    resources.add(DivisionCodeSystem.allCodes());
    return new Terminology(resources, divisions);
  }

  static List<String> contentIndex() {
    try (InputStream in = Terminology.class.getResourceAsStream(CONTENT + "index.txt")) {
      if (in == null) {
        throw new IllegalStateException("terminology content index missing");
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Divisions divisions() {
    return divisions;
  }

  /**
   * Every CodeSystem, ValueSet and ConceptMap the hub ships, as fresh copies the caller may
   * change (the FHIR server stores them).
   */
  public List<MetadataResource> resources() {
    List<MetadataResource> out = new ArrayList<>();
    codeSystems.values().forEach(r -> out.add(r.copy()));
    valueSets.values().forEach(r -> out.add(r.copy()));
    conceptMaps.values().forEach(r -> out.add(r.copy()));
    return out;
  }

  public Optional<CodeSystem> codeSystem(String url) {
    return Optional.ofNullable(codeSystems.get(url)).map(CodeSystem::copy);
  }

  /**
   * The stored CodeSystem itself, not a copy: for read-only use on hot paths (the server's
   * lookups). Callers must not change it.
   */
  public Optional<CodeSystem> codeSystemView(String url) {
    return Optional.ofNullable(codeSystems.get(url));
  }

  /** A concept of a system the hub ships, read-only (not a copy; callers must not change it). */
  public Optional<ConceptDefinitionComponent> concept(String system, String code) {
    Map<String, ConceptDefinitionComponent> codes = concepts.get(system);
    return codes == null || code == null ? Optional.empty() : Optional.ofNullable(codes.get(code));
  }

  /** Checks one code. Never throws; null or blank codes are {@link CodeCheck#UNKNOWN_CODE}. */
  public CodeCheck check(String system, String code) {
    if (system == null || system.isBlank()) {
      return CodeCheck.UNKNOWN_SYSTEM;
    }
    if (HubCodeSystems.ADMINISTRATIVE_GENDER.equals(system)) {
      return administrativeGender(code) ? CodeCheck.VALID : CodeCheck.UNKNOWN_CODE;
    }
    CodeSystem cs = codeSystems.get(system);
    if (cs == null) {
      return HL7_SYSTEM_PREFIXES.stream().anyMatch(system::startsWith)
          ? CodeCheck.NOT_SHIPPED
          : CodeCheck.UNKNOWN_SYSTEM;
    }
    if (cs.getContent() != CodeSystemContentMode.COMPLETE) {
      return CodeCheck.NOT_SHIPPED;
    }
    return code != null && concepts.get(system).containsKey(code) ? CodeCheck.VALID : CodeCheck.UNKNOWN_CODE;
  }

  /** The display of a code in a system the hub ships. */
  public Optional<String> display(String system, String code) {
    Map<String, ConceptDefinitionComponent> codes = concepts.get(system);
    if (codes == null || code == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(codes.get(code)).map(ConceptDefinitionComponent::getDisplay);
  }

  /**
   * Checks a coding and records the outcome on it, in place: a valid code without a display gets
   * the official display; a coding that cannot be validated keeps everything as sent and gets the
   * {@link HubCodeSystems#NOT_VALIDATED_EXTENSION} saying why. Returns the same coding.
   */
  public Coding annotate(Coding coding) {
    CodeCheck check = check(coding.getSystem(), coding.getCode());
    if (check == CodeCheck.VALID && !coding.hasDisplay()) {
      display(coding.getSystem(), coding.getCode()).ifPresent(coding::setDisplay);
    }
    if (!check.isAcceptable() && !coding.hasExtension(HubCodeSystems.NOT_VALIDATED_EXTENSION)) {
      coding.addExtension(
          HubCodeSystems.NOT_VALIDATED_EXTENSION, new StringType(check.reason(coding.getSystem())));
    }
    return coding;
  }

  /** All translations of a code from one system to another, best match first. */
  public List<Translation> translations(String sourceSystem, String code, String targetSystem) {
    return translations.getOrDefault(key(sourceSystem, code, targetSystem), List.of());
  }

  /** The best translation of a code, if any ConceptMap maps it to the target system. */
  public Optional<Translation> translate(String sourceSystem, String code, String targetSystem) {
    return translations(sourceSystem, code, targetSystem).stream().findFirst()
        .map(t -> new Translation(t.target().copy(), t.equivalence(), t.conceptMapUrl()));
  }

  private static boolean administrativeGender(String code) {
    try {
      return code != null && AdministrativeGender.fromCode(code) != null;
    } catch (Exception e) {
      return false;
    }
  }

  /**
   * Whether one code subsumes the other in a hierarchical code system the hub ships in full
   * (divisions: a province subsumes its cities and counties).
   *
   * @return empty when the system is not one the hub ships in full
   * @throws IllegalArgumentException when a code is not in the system
   */
  public Optional<Subsumption> subsumes(String system, String codeA, String codeB) {
    CodeSystem cs = codeSystems.get(system);
    if (cs == null || cs.getContent() != CodeSystemContentMode.COMPLETE) {
      return Optional.empty();
    }
    for (String code : new String[] {codeA, codeB}) {
      if (code == null || !concepts.get(system).containsKey(code)) {
        throw new IllegalArgumentException("code " + code + " is not in " + system);
      }
    }
    if (codeA.equals(codeB)) {
      return Optional.of(Subsumption.EQUIVALENT);
    }
    Map<String, List<String>> links = parents.get(system);
    if (isAncestor(links, codeA, codeB)) {
      return Optional.of(Subsumption.SUBSUMES);
    }
    if (isAncestor(links, codeB, codeA)) {
      return Optional.of(Subsumption.SUBSUMED_BY);
    }
    return Optional.of(Subsumption.NOT_SUBSUMED);
  }

  private static boolean isAncestor(Map<String, List<String>> links, String ancestor, String code) {
    java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(links.getOrDefault(code, List.of()));
    java.util.Set<String> seen = new java.util.HashSet<>();
    while (!todo.isEmpty()) {
      String next = todo.pop();
      if (next.equals(ancestor)) {
        return true;
      }
      if (seen.add(next)) {
        todo.addAll(links.getOrDefault(next, List.of()));
      }
    }
    return false;
  }

  private static void collectParents(
      List<ConceptDefinitionComponent> list, String parent, Map<String, List<String>> out) {
    for (ConceptDefinitionComponent c : list) {
      List<String> ps = out.computeIfAbsent(c.getCode(), k -> new ArrayList<>());
      if (parent != null && !ps.contains(parent)) {
        ps.add(parent);
      }
      c.getProperty().stream()
          .filter(p -> p.getCode().equals("parent") && p.hasValueCodeType())
          .map(p -> p.getValueCodeType().getCode())
          .filter(p -> !ps.contains(p))
          .forEach(ps::add);
      collectParents(c.getConcept(), c.getCode(), out);
    }
  }

  private static void flatten(List<ConceptDefinitionComponent> list, Map<String, ConceptDefinitionComponent> out) {
    for (ConceptDefinitionComponent c : list) {
      out.put(c.getCode(), c);
      flatten(c.getConcept(), out);
    }
  }

  private static String key(String source, String code, String target) {
    return source + '|' + code + '|' + target;
  }

  private static int rank(ConceptMapEquivalence e) {
    return switch (e) {
      case EQUAL, EQUIVALENT -> 0;
      case WIDER, SUBSUMES -> 1;
      case NARROWER, SPECIALIZES -> 2;
      default -> 3;
    };
  }
}
