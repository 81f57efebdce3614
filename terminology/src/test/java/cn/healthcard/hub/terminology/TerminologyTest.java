package cn.healthcard.hub.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ConceptMap;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.ValueSet;
import org.junit.jupiter.api.Test;

class TerminologyTest {

  private final Terminology terminology = Terminology.standard();

  @Test
  void indexListsEveryContentFileExactlyOnce() throws IOException {
    Path dir = Path.of("src/main/resources/cn/healthcard/hub/terminology/content");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(Terminology.contentIndex())
          .containsExactlyInAnyOrderElementsOf(
              files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).toList());
    }
  }

  @Test
  void everyResourceHasACanonicalUrlNameAndVersion() {
    for (MetadataResource r : terminology.resources()) {
      assertThat(r.getUrl()).as(r.getId()).isNotBlank();
      assertThat(r.getName()).as(r.getUrl()).matches("[A-Z][A-Za-z0-9_]*");
      assertThat(r.getVersion()).as(r.getUrl()).isNotBlank();
      assertThat(r.getIdElement().getIdPart()).as(r.getUrl()).matches("[a-z0-9-]+");
    }
  }

  @Test
  void everyValueSetAndConceptMapPointsAtKnownCodes() {
    for (MetadataResource r : terminology.resources()) {
      if (r instanceof ValueSet vs) {
        vs.getCompose().getInclude().forEach(inc ->
            assertThat(terminology.check(inc.getSystem(), null)).as(vs.getUrl()).isNotEqualTo(CodeCheck.UNKNOWN_SYSTEM));
      }
      if (r instanceof ConceptMap cm) {
        for (var g : cm.getGroup()) {
          for (var e : g.getElement()) {
            assertThat(terminology.check(g.getSource(), e.getCode()).isAcceptable())
                .as(cm.getUrl() + " source " + e.getCode()).isTrue();
            for (var t : e.getTarget()) {
              if (t.hasCode()) {
                assertThat(terminology.check(g.getTarget(), t.getCode()).isAcceptable())
                    .as(cm.getUrl() + " target " + t.getCode()).isTrue();
              }
            }
          }
        }
      }
    }
  }

  @Test
  void checksCodesOfShippedSystems() {
    assertThat(terminology.check(HubCodeSystems.SEX, "1")).isEqualTo(CodeCheck.VALID);
    assertThat(terminology.check(HubCodeSystems.SEX, "3")).isEqualTo(CodeCheck.UNKNOWN_CODE);
    assertThat(terminology.check(HubCodeSystems.DIVISION, "210102")).isEqualTo(CodeCheck.VALID);
    assertThat(terminology.check(HubCodeSystems.ETHNICITY, "01")).isEqualTo(CodeCheck.VALID);
    assertThat(terminology.check(HubCodeSystems.ETHNICITY_LETTER, "HA")).isEqualTo(CodeCheck.VALID);
    assertThat(terminology.check(HubCodeSystems.ADMINISTRATIVE_GENDER, "female")).isEqualTo(CodeCheck.VALID);
    assertThat(terminology.check(HubCodeSystems.ADMINISTRATIVE_GENDER, "F")).isEqualTo(CodeCheck.UNKNOWN_CODE);
    assertThat(terminology.check("http://example.org/local", "X")).isEqualTo(CodeCheck.UNKNOWN_SYSTEM);
  }

  @Test
  void licensedSystemsAreAcceptedUnverified() {
    assertThat(terminology.check(HubCodeSystems.ICD10, "J45.9")).isEqualTo(CodeCheck.NOT_SHIPPED);
    assertThat(terminology.codeSystem(HubCodeSystems.ICD10)).map(CodeSystem::getContent)
        .hasValue(CodeSystem.CodeSystemContentMode.NOTPRESENT);
  }

  @Test
  void displaysAreTheOfficialChineseNames() {
    assertThat(terminology.display(HubCodeSystems.SEX, "2")).hasValue("女性");
    assertThat(terminology.display(HubCodeSystems.DIVISION, "21")).hasValue("辽宁省");
    assertThat(terminology.display(HubCodeSystems.ETHNICITY, "01")).hasValue("汉族");
  }

  @Test
  void translatesSexBetweenHl7AndGbt2261() {
    assertThat(terminology.translate(HubCodeSystems.V2_0001, "F", HubCodeSystems.SEX))
        .map(t -> t.target().getCode()).hasValue("2");
    assertThat(terminology.translate(HubCodeSystems.ADMINISTRATIVE_GENDER, "male", HubCodeSystems.SEX))
        .map(t -> t.target().getCode()).hasValue("1");
    assertThat(terminology.translate(HubCodeSystems.SEX, "2", HubCodeSystems.ADMINISTRATIVE_GENDER))
        .hasValueSatisfying(t -> {
          assertThat(t.target().getCode()).isEqualTo("female");
          assertThat(t.isExact()).isTrue();
        });
    assertThat(terminology.translate(HubCodeSystems.SEX, "7", HubCodeSystems.ADMINISTRATIVE_GENDER)).isEmpty();
  }

  @Test
  void translatesEthnicityBothWays() {
    assertThat(terminology.translate(HubCodeSystems.ETHNICITY, "01", HubCodeSystems.ETHNICITY_LETTER))
        .map(t -> t.target().getCode()).hasValue("HA");
    assertThat(terminology.translate(HubCodeSystems.ETHNICITY_LETTER, "MG", HubCodeSystems.ETHNICITY))
        .map(t -> t.target().getCode()).hasValue("02");
  }

  @Test
  void annotateKeepsAnUnknownCodeAsSentAndSaysWhy() {
    Coding coding = new Coding(HubCodeSystems.SEX, "7", "seven");
    terminology.annotate(coding);
    assertThat(coding.getCode()).isEqualTo("7");
    assertThat(coding.getDisplay()).isEqualTo("seven");
    assertThat(coding.getExtensionByUrl(HubCodeSystems.NOT_VALIDATED_EXTENSION).getValue())
        .isInstanceOfSatisfying(StringType.class, s -> assertThat(s.getValue()).contains("code not found"));
    Coding local = terminology.annotate(new Coding("http://example.org/local", "X", null));
    assertThat(local.getExtensionByUrl(HubCodeSystems.NOT_VALIDATED_EXTENSION)).isNotNull();
  }

  @Test
  void annotateFillsTheDisplayOfAValidCodeAndAddsNoFlag() {
    Coding coding = terminology.annotate(new Coding(HubCodeSystems.DIVISION, "2101", null));
    assertThat(coding.getDisplay()).isEqualTo("沈阳市");
    assertThat(coding.hasExtension()).isFalse();
  }

  @Test
  void subsumptionFollowsTheDivisionHierarchy() {
    assertThat(terminology.subsumes(HubCodeSystems.DIVISION, "21", "210102")).hasValue(Subsumption.SUBSUMES);
    assertThat(terminology.subsumes(HubCodeSystems.DIVISION, "210102", "2101")).hasValue(Subsumption.SUBSUMED_BY);
    assertThat(terminology.subsumes(HubCodeSystems.DIVISION, "11", "210102")).hasValue(Subsumption.NOT_SUBSUMED);
    assertThat(terminology.subsumes(HubCodeSystems.DIVISION, "21", "21")).hasValue(Subsumption.EQUIVALENT);
    assertThat(terminology.subsumes(HubCodeSystems.ICD10, "J45", "J45.9")).isEmpty();
    org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
        .isThrownBy(() -> terminology.subsumes(HubCodeSystems.DIVISION, "21", "219999"))
        .withMessageContaining("219999");
  }
}
