package cn.healthcard.hub.terminology;

import cn.healthcard.hub.terminology.division.Divisions;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Coding;

/**
 * The terminology the way mappings use it: in-process, no server, no network. Not a unit test
 * (run by {@code bench/terminology.sh}); prints load time and nanoseconds per operation.
 */
public final class TerminologyInProcessBenchmark {

  public static void main(String[] args) {
    long t0 = System.nanoTime();
    Terminology terminology = Terminology.standard();
    System.out.printf("in-process: terminology loaded in %.0f ms (%d resources)%n",
        (System.nanoTime() - t0) / 1e6, terminology.resources().size());
    Divisions divisions = terminology.divisions();
    List<String> codes = new ArrayList<>();
    divisions.all().forEach(d -> codes.add(d.code()));
    String[] sexes = {"M", "F", "U", "O"};
    int rounds = 2_000_000;
    long sink = 0;
    for (int pass = 0; pass < 2; pass++) {
      long start = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        sink += terminology.translate(HubCodeSystems.V2_0001, sexes[i & 3], HubCodeSystems.SEX).isPresent() ? 1 : 0;
      }
      double translate = (System.nanoTime() - start) / (double) rounds;
      start = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        sink += terminology.check(HubCodeSystems.DIVISION, codes.get(i % codes.size())).ordinal();
      }
      double check = (System.nanoTime() - start) / (double) rounds;
      start = System.nanoTime();
      for (int i = 0; i < rounds; i++) {
        sink += divisions.lineage(codes.get(i % codes.size())).size();
      }
      double lineage = (System.nanoTime() - start) / (double) rounds;
      start = System.nanoTime();
      for (int i = 0; i < rounds / 4; i++) {
        sink += terminology.annotate(new Coding(HubCodeSystems.ETHNICITY, (i & 1) == 0 ? "01" : "77", null)).hasExtension() ? 1 : 0;
      }
      double annotate = (System.nanoTime() - start) / (double) (rounds / 4);
      if (pass == 1) {
        System.out.printf("in-process: translate %.0f ns/op, check %.0f ns/op, division lineage %.0f ns/op, annotate %.0f ns/op%n",
            translate, check, lineage, annotate);
      }
    }
    if (sink == 42) {
      System.out.println();
    }
  }
}
