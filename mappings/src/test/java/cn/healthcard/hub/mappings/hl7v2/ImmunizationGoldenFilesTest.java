package cn.healthcard.hub.mappings.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.hl7v2.qbp.QueryAnswer;
import cn.healthcard.hub.mappings.hl7v2.qbp.RspK11Builder;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import cn.healthcard.hub.mappings.hl7v2.vxu.ImmunizationDuplicates;
import cn.healthcard.hub.mappings.hl7v2.vxu.VaccineCodes;
import cn.healthcard.hub.terminology.Terminology;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.ImmunizationRecommendation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The immunization sample set under {@code hl7v2/immunization/}:
 *
 * <ul>
 *   <li>{@code vxu_*.hl7} maps to the transaction in {@code vxu_*.json};
 *   <li>{@code qbp_*.hl7} parses into the query in {@code qbp_*.json} (as FHIR Parameters), and is
 *       answered with the RSP^K11s {@code qbp_*.rsp-<answer>.hl7} (written as UTF-8 text, one
 *       segment a line): {@code found} with what the repository holds after
 *       {@code vxu_v04_v251_gb18030.hl7} (and for Z44 the forecast {@code z44_forecast.json}),
 *       {@code candidates}, {@code nf}, {@code tm}.
 * </ul>
 * Regenerate with {@code -Dgolden.update=true}, then review the diff.
 */
class ImmunizationGoldenFilesTest {

  static final String DIR = "/hl7v2/immunization/";
  static final AckContext RSP_CONTEXT =
      AckContext.of(OffsetDateTime.of(2025, 4, 20, 9, 30, 0, 0, ZoneOffset.ofHours(8)), "RSP-1");

  static Stream<String> samples(String prefix) throws IOException, URISyntaxException {
    Path dir = Paths.get(ImmunizationGoldenFilesTest.class.getResource(DIR).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(".hl7")
              && !n.contains(".rsp"))
          .map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
    }
  }

  static Stream<String> vxu() throws IOException, URISyntaxException {
    return samples("vxu_");
  }

  static Stream<String> qbp() throws IOException, URISyntaxException {
    return samples("qbp_");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vxu")
  void vxuMapsToItsGoldenTransaction(String name) throws IOException {
    InboundResult.Accepted result = TestMessages.accepted(TestMessages.wire(DIR + name + ".hl7"));
    golden(name + ".json", TestMessages.json(result.mapped().transaction()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vxu")
  void mappingTheSameVxuTwiceGivesByteIdenticalOutput(String name) {
    byte[] raw = TestMessages.wire(DIR + name + ".hl7");
    assertThat(TestMessages.json(TestMessages.accepted(raw).mapped().transaction()))
        .isEqualTo(TestMessages.json(TestMessages.accepted(raw).mapped().transaction()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("qbp")
  void qbpParsesIntoItsGoldenQuery(String name) throws IOException {
    InboundResult.Query q = query(name);
    golden(name + ".json", TestMessages.FHIR.newJsonParser().setPrettyPrint(true)
        .encodeResourceToString(q.toParameters()) + "\n");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("qbp")
  void qbpIsAnsweredWithItsGoldenRsps(String name) throws IOException {
    InboundResult.Query q = query(name);
    Stored stored = stored();
    List<ImmunizationRecommendation> forecast = List.of(forecast());
    Patient other = stored.patient().copy();
    other.setId("Patient/77");
    other.getIdentifier().removeIf(i -> i.getSystem().equals("urn:oid:2.16.156.10011.1.19"));
    other.getNameFirstRep().getGiven().get(0).setValue("晓宝");
    answer(q, name + ".rsp-found.hl7",
        new QueryAnswer.Found(stored.patient(), stored.immunizations(), forecast, stored.referenced()));
    answer(q, name + ".rsp-candidates.hl7", new QueryAnswer.Candidates(List.of(stored.patient(), other)));
    answer(q, name + ".rsp-nf.hl7", new QueryAnswer.NotFound());
    answer(q, name + ".rsp-tm.hl7", new QueryAnswer.TooMany());
  }

  /**
   * The hospital reports the birth dose the vaccination site has already stored (same person,
   * vaccine, date, lot): rewritten against the stored Immunization, the transaction keeps the
   * hospital's Binary and Provenance, which now names the stored dose.
   */
  @Test
  void theHospitalsReportOfAStoredDoseIsRewrittenToTheStoredImmunization() throws IOException {
    Stored site = stored();
    Immunization stored = site.immunizations().get(0);
    MappedMessage hospital = TestMessages.accepted(TestMessages.wire(DIR + "vxu_v04_v24_hospital_birth_dose.hl7")).mapped();
    DoseReport dose = hospital.doses().get(0);
    assertThat(VaccineCodes.comparisonCode(Terminology.standard(), stored.getVaccineCode()).orElseThrow().getCode())
        .isEqualTo(dose.vaccineCode());
    assertThat(stored.getLotNumber()).isEqualTo(dose.lotNumber());
    Bundle rewritten = ImmunizationDuplicates.rewrite(hospital.transaction(),
        Map.of(dose.fullUrl(), "Immunization/" + stored.getIdElement().getIdPart()));
    golden("duplicate_hospital_birth_dose.json", TestMessages.json(rewritten));
  }

  @Test
  void theAnswerIsEncodedInTheQueryCharset() {
    InboundResult.Query q = query("qbp_q11_z34_gb18030");
    Stored stored = stored();
    byte[] bytes = RspK11Builder.encode(q,
        new QueryAnswer.Found(stored.patient(), stored.immunizations(), List.of(), stored.referenced()), RSP_CONTEXT);
    String text = new String(bytes, java.nio.charset.Charset.forName("GB18030"));
    assertThat(text).contains("刘^小宝").contains("百白破疫苗").doesNotContain("?");
    assertThat(q.charset().name()).isEqualTo("GB18030");
  }

  static Stored stored() {
    return Stored.from(TestMessages.accepted(TestMessages.wire(DIR + "vxu_v04_v251_gb18030.hl7")).mapped().transaction());
  }

  static ImmunizationRecommendation forecast() {
    try (InputStream in = ImmunizationGoldenFilesTest.class.getResourceAsStream(DIR + "z44_forecast.json")) {
      return TestMessages.FHIR.newJsonParser().parseResource(ImmunizationRecommendation.class, in);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static InboundResult.Query query(String name) {
    InboundResult r = TestMessages.process(TestMessages.wire(DIR + name + ".hl7"));
    assertThat(r).as(() -> "expected a query, got " + r.ack().replace('\r', '\n')).isInstanceOf(InboundResult.Query.class);
    return (InboundResult.Query) r;
  }

  static void answer(InboundResult.Query q, String file, QueryAnswer a) throws IOException {
    String rsp = RspK11Builder.build(q, a, RSP_CONTEXT);
    assertThat(AckParsing.parsesAs(rsp, "RSP_K11")).as(file + " parses").isTrue();
    golden(file, rsp.replace('\r', '\n'));
  }

  static void golden(String file, String actual) throws IOException {
    Path golden = Paths.get("src/test/resources" + DIR + file);
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(golden)).as("golden file %s (run with -Dgolden.update=true)", golden).isTrue();
    assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }
}
