package cn.healthcard.hub.mappings.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hub's HIS sample set: each {@code <name>.hl7} under {@code hl7v2/his/} maps to the FHIR
 * transaction in {@code <name>.json} next to it. Regenerate with
 * {@code -Dgolden.update=true} (writes into src/test/resources), then review the diff.
 */
class GoldenFilesTest {

  static final String DIR = "/hl7v2/his/";

  static Stream<String> samples() throws IOException, URISyntaxException {
    Path dir = Paths.get(GoldenFilesTest.class.getResource(DIR).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".hl7"))
          .map(n -> n.substring(0, n.length() - 4)).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void sampleMapsToItsGoldenTransaction(String name) throws IOException {
    InboundResult.Accepted result = TestMessages.accepted(TestMessages.wire(DIR + name + ".hl7"));
    String actual = TestMessages.json(result.mapped().transaction());
    Path golden = Paths.get("src/test/resources" + DIR + name + ".json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(golden)).as("golden file %s (run with -Dgolden.update=true)", golden).isTrue();
    assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void mappingTheSameMessageTwiceGivesByteIdenticalOutput(String name) {
    byte[] raw = TestMessages.wire(DIR + name + ".hl7");
    String first = TestMessages.json(TestMessages.accepted(raw).mapped().transaction());
    String second = TestMessages.json(new Hl7v2Inbound().process(raw, StandardCharsets.UTF_8,
        TestMessages.ACK_CONTEXT) instanceof InboundResult.Accepted a ? a.mapped().transaction() : null);
    assertThat(second).isEqualTo(first);
  }
}
