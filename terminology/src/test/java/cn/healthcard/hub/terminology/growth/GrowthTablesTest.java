package cn.healthcard.hub.terminology.growth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The packaged tables: the rows the README promises, and nothing that looks mistyped. */
class GrowthTablesTest {

  private record Row(int sex, int day, double l, double m, double s) {}

  private static List<String> lines(String table) throws IOException {
    String path = "/cn/healthcard/hub/terminology/growth/" + table + ".csv";
    try (InputStream in = GrowthTablesTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines().toList();
    }
  }

  private static List<Row> rows(String table, int sex) throws IOException {
    List<Row> rows = new ArrayList<>();
    for (String line : lines(table)) {
      if (line.startsWith("#") || line.startsWith("sex,")) {
        continue;
      }
      String[] f = line.split(",");
      Row r = new Row(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Double.parseDouble(f[2]),
          Double.parseDouble(f[3]), Double.parseDouble(f[4]));
      if (r.sex() == sex) {
        rows.add(r);
      }
    }
    return rows;
  }

  private static final List<Integer> DAYS;

  static {
    TreeSet<Integer> days = new TreeSet<>();
    IntStream.rangeClosed(0, 30).forEach(days::add);
    IntStream.iterate(35, d -> d <= 1855, d -> d + 7).forEach(days::add);
    days.addAll(List.of(730, 731, 1826, 1856));
    DAYS = List.copyOf(days);
  }

  @Test
  void everyTableHasASourceNoteAndTheSameDays() throws IOException {
    for (Indicator i : Indicator.values()) {
      List<String> lines = lines(i.table());
      assertThat(lines.get(0)).startsWith("# WHO Child Growth Standards (2006)");
      assertThat(String.join("\n", lines))
          .contains("github.com/WorldHealthOrganization/anthro")
          .contains("sex,age_days,l,m,s");
      for (int sex = 1; sex <= 2; sex++) {
        assertThat(rows(i.table(), sex)).extracting(Row::day).as("%s sex %d", i, sex)
            .containsExactlyElementsOf(DAYS);
      }
    }
  }

  @Test
  void lengthAndHeadCircumferenceHaveLOne() throws IOException {
    for (String table : List.of("lhfa", "hcfa")) {
      for (int sex = 1; sex <= 2; sex++) {
        assertThat(rows(table, sex)).extracting(Row::l).containsOnly(1.0);
      }
    }
  }

  /**
   * On the weekly part of the tables the curves are smooth: each row is within a few units of
   * its last decimal of the cubic through the two rows on each side (a mistyped digit would not
   * be). Day 731, where the standards change from length to height, starts a new curve.
   */
  @Test
  void weeklyRowsLieOnSmoothCurves() throws IOException {
    for (Indicator i : Indicator.values()) {
      for (int sex = 1; sex <= 2; sex++) {
        List<Row> all = rows(i.table(), sex);
        for (List<Row> part : List.of(
            all.stream().filter(r -> r.day() >= 63 && r.day() < 731 && r.day() % 7 == 0).toList(),
            all.stream().filter(r -> r.day() > 731 && r.day() % 7 == 0).toList())) {
          for (int k = 2; k < part.size() - 2; k++) {
            Row r = part.get(k);
            double l = cubic(part, k, Row::l);
            double m = cubic(part, k, Row::m);
            double s = cubic(part, k, Row::s);
            String where = i + " sex " + sex + " day " + r.day();
            assertThat(Math.abs(r.l() - l)).as(where + " L").isLessThan(5e-4);
            assertThat(Math.abs(r.m() - m)).as(where + " M").isLessThan(1e-3);
            assertThat(Math.abs(r.s() - s)).as(where + " S").isLessThan(3e-5);
          }
        }
      }
    }
  }

  /** The value at row k of the cubic through rows k-2, k-1, k+1, k+2 (Lagrange form). */
  private static double cubic(List<Row> rows, int k, java.util.function.ToDoubleFunction<Row> f) {
    int[] idx = {k - 2, k - 1, k + 1, k + 2};
    double x = rows.get(k).day();
    double sum = 0;
    for (int a : idx) {
      double term = f.applyAsDouble(rows.get(a));
      for (int b : idx) {
        if (a != b) {
          term *= (x - rows.get(b).day()) / (rows.get(a).day() - rows.get(b).day());
        }
      }
      sum += term;
    }
    return sum;
  }

  @Test
  void mediansGrowWithAgeAfterTheFirstWeek() throws IOException {
    for (String table : List.of("wfa", "lhfa", "hcfa")) {
      for (int sex = 1; sex <= 2; sex++) {
        List<Row> rows = rows(table, sex);
        for (int k = 1; k < rows.size(); k++) {
          Row prev = rows.get(k - 1);
          Row r = rows.get(k);
          if (r.day() < 7 || r.day() == 731) {
            continue; // the newborn weight dip; the length-to-height step
          }
          assertThat(r.m()).as("%s sex %d day %d", table, sex, r.day()).isGreaterThan(prev.m());
        }
      }
    }
  }
}
