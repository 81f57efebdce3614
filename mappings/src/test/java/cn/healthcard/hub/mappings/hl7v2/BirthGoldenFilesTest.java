package cn.healthcard.hub.mappings.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.birth.BirthReportShape;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Birth reports (ADT^A28/A04 for a newborn) under {@code hl7v2/birth/}: each {@code <name>.hl7}
 * maps to the transaction in {@code <name>.json}. A singleton live birth with all six
 * measurements (A04, visit number, mother's card in PID-21 and NK1-33), twins (two A28 v2.4
 * without visit number, PID-24 Y, PID-25 1 and 2), a stillbirth (PID-29/30, NK1-3 as GB/T 4761
 * 52, units in Chinese) and a mother without a card (passport in PID-21, name in NK1 only,
 * GB 18030, no PV1). Besides the golden diff, each is checked against {@link BirthReportShape}.
 * Regenerate with {@code -Dgolden.update=true}, then review the diff.
 */
class BirthGoldenFilesTest {

  static final String DIR = "/hl7v2/birth/";

  static Stream<String> samples() throws IOException, URISyntaxException {
    Path dir = Paths.get(BirthGoldenFilesTest.class.getResource(DIR).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".hl7"))
          .map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
    }
  }

  static Bundle map(String name) {
    return TestMessages.accepted(TestMessages.wire(DIR + name + ".hl7")).mapped().transaction();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void birthReportMapsToItsGoldenTransaction(String name) throws IOException {
    String actual = TestMessages.json(map(name));
    Path golden = Paths.get("src/test/resources" + DIR + name + ".json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(golden)).as("golden file %s (run with -Dgolden.update=true)", golden).isTrue();
    assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void mappingTheSameBirthReportTwiceGivesByteIdenticalOutput(String name) {
    assertThat(TestMessages.json(map(name))).isEqualTo(TestMessages.json(map(name)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void everyBirthReportHasTheShapeTheServerRecognises(String name) {
    Bundle b = map(name);
    List<BundleEntryComponent> children = entries(b, Patient.class);
    assertThat(children).hasSize(1);
    String childUrl = children.get(0).getFullUrl();
    Patient child = (Patient) children.get(0).getResource();
    String birthTime = child.getBirthDateElement().getExtensionByUrl(BirthReportShape.BIRTH_TIME)
        .getValue().primitiveValue();
    assertThat(child.hasMultipleBirth()).isTrue();
    assertThat(child.getManagingOrganization().getReference()).isEqualTo(b.getEntryFirstRep().getFullUrl());

    List<BundleEntryComponent> mothers = entries(b, RelatedPerson.class);
    assertThat(mothers).hasSize(1);
    RelatedPerson mother = (RelatedPerson) mothers.get(0).getResource();
    assertThat(mother.getPatient().getReference()).isEqualTo(childUrl);
    assertThat(mother.getRelationshipFirstRep().getCodingFirstRep().getSystem()).isEqualTo(BirthReportShape.ROLE_CODE_SYSTEM);
    assertThat(mother.getRelationshipFirstRep().getCodingFirstRep().getCode()).isEqualTo(BirthReportShape.MOTHER);
    assertThat(mother.getIdentifierFirstRep().getValue()).isNotEmpty();

    List<BundleEntryComponent> encounters = entries(b, Encounter.class);
    assertThat(encounters).hasSize(1);
    Encounter delivery = (Encounter) encounters.get(0).getResource();
    assertThat(delivery.getType()).anySatisfy(t -> assertThat(t.getCodingFirstRep().getCode()).isEqualTo(BirthReportShape.DELIVERY));
    assertThat(delivery.getSubject().getReference()).isEqualTo(childUrl);
    assertThat(delivery.getPeriod().getStartElement().getValueAsString()).isEqualTo(birthTime);
    assertThat(delivery.getServiceProvider().getReference()).isEqualTo(b.getEntryFirstRep().getFullUrl());

    List<BundleEntryComponent> observations = entries(b, Observation.class);
    assertThat(observations).isNotEmpty().allSatisfy(e -> {
      Observation o = (Observation) e.getResource();
      assertThat(o.getSubject().getReference()).isEqualTo(childUrl);
      assertThat(o.getEncounter().getReference()).isEqualTo(encounters.get(0).getFullUrl());
      assertThat(o.getCode().getCodingFirstRep().getSystem()).isEqualTo(BirthReportShape.LOINC);
    });
  }

  static List<BundleEntryComponent> entries(Bundle b, Class<? extends Resource> type) {
    return b.getEntry().stream().filter(e -> type.isInstance(e.getResource())).toList();
  }
}
