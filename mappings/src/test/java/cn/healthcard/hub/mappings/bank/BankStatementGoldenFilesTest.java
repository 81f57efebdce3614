package cn.healthcard.hub.mappings.bank;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bank statements under {@code bank/}: each {@code <name>.xml} (camt.053) or {@code <name>.csv}
 * (the partner bank's export) maps to the transaction in {@code <name>.json}. Regenerate with
 * {@code -Dgolden.update=true}, then review the diff.
 */
public class BankStatementGoldenFilesTest {

  public static final String DIR = "/bank/";
  static final FhirContext FHIR = FhirContext.forR4Cached();

  public static Stream<String> samples() throws IOException, URISyntaxException {
    Path dir = Paths.get(BankStatementGoldenFilesTest.class.getResource(DIR).toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".xml") || n.endsWith(".csv"))
          .sorted().toList().stream();
    }
  }

  public static byte[] file(String name) throws IOException {
    try (InputStream in = BankStatementGoldenFilesTest.class.getResourceAsStream(DIR + name)) {
      return in.readAllBytes();
    }
  }

  public static Bundle map(String name) throws IOException {
    return BankStatementToReconciliation.map(file(name));
  }

  private static String json(Bundle bundle) {
    return FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle) + "\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void statementMapsToItsGoldenTransaction(String name) throws IOException {
    String actual = json(map(name));
    Path golden = Paths.get("src/test/resources" + DIR + name.substring(0, name.lastIndexOf('.')) + ".json");
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(golden, actual, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(golden)).as("golden file %s (run with -Dgolden.update=true)", golden).isTrue();
    assertThat(actual).isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void mappingTheSameFileTwiceGivesByteIdenticalOutput(String name) throws IOException {
    assertThat(json(map(name))).isEqualTo(json(map(name)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void noCounterpartyNameReachesTheRepository(String name) throws IOException {
    String json = json(map(name));
    for (String person : new String[] {"张三", "李四", "王五", "财付通"}) {
      assertThat(json).doesNotContain(person);
    }
  }
}
