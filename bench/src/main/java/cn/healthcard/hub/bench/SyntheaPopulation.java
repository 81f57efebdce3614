package cn.healthcard.hub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.mitre.synthea.engine.Generator;
import org.mitre.synthea.export.Exporter;
import org.mitre.synthea.helpers.Config;

/**
 * Synthetic patients from Synthea, as FHIR R4 transaction bundles: the hospital and practitioner
 * bundles (which patients refer to by conditional references) and one bundle per patient.
 */
public final class SyntheaPopulation {

  /** The generated files, in the order they must be loaded. */
  public record Bundles(List<Path> shared, List<Path> patients) {}

  private SyntheaPopulation() {}

  /** Generates (or reuses, if {@code outDir} already holds them) {@code size} patients. */
  public static Bundles generate(int size, long seed, int yearsOfHistory, Path outDir)
      throws IOException {
    Path fhirDir = outDir.resolve("fhir");
    Bundles existing = read(fhirDir);
    if (existing.patients().size() >= size) {
      return new Bundles(existing.shared(), existing.patients().subList(0, size));
    }
    Files.createDirectories(outDir);
    Config.set("exporter.baseDirectory", outDir.toAbsolutePath() + "/");
    Config.set("exporter.fhir.export", "true");
    Config.set("exporter.fhir.transaction_bundle", "true");
    Config.set("exporter.hospital.fhir.export", "true");
    Config.set("exporter.practitioner.fhir.export", "true");
    Config.set("exporter.metadata.export", "false");
    Config.set("exporter.csv.export", "false");
    Config.set("exporter.ccda.export", "false");
    Config.set("exporter.text.export", "false");
    Config.set("exporter.years_of_history", Integer.toString(yearsOfHistory));
    Config.set("generate.log_patients.detail", "none");
    Generator.GeneratorOptions options = new Generator.GeneratorOptions();
    options.population = size;
    options.seed = seed;
    options.clinicianSeed = seed;
    options.threadPoolSize = 2;
    options.overflow = false;
    Exporter.ExporterRuntimeOptions exporter = new Exporter.ExporterRuntimeOptions();
    exporter.yearsOfHistory = yearsOfHistory;
    new Generator(options, exporter).run();
    Bundles generated = read(fhirDir);
    if (generated.patients().size() < size) {
      throw new IOException(
          "Synthea produced " + generated.patients().size() + " of " + size + " patients");
    }
    return new Bundles(generated.shared(), generated.patients().subList(0, size));
  }

  private static Bundles read(Path fhirDir) throws IOException {
    List<Path> shared = new ArrayList<>();
    List<Path> patients = new ArrayList<>();
    if (!Files.isDirectory(fhirDir)) {
      return new Bundles(shared, patients);
    }
    try (Stream<Path> files = Files.list(fhirDir)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".json")) {
          continue;
        }
        if (name.startsWith("hospitalInformation")) {
          shared.add(0, file);
        } else if (name.startsWith("practitionerInformation")) {
          shared.add(file);
        } else {
          patients.add(file);
        }
      }
    }
    return new Bundles(shared, patients);
  }
}
