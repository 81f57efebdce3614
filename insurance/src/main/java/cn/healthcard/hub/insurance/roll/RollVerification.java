package cn.healthcard.hub.insurance.roll;

import cn.healthcard.hub.insurance.InsuranceRepository;
import cn.healthcard.hub.insurance.supervision.PersonFacts;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntConsumer;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A county's enrolment roll compared with the population register (the hub's records and the
 * card platform): who is unknown, who has died (record closed), who is on two counties' rolls
 * (in the file, or enrolled elsewhere for the year), who appears twice, and who holds two live
 * cards under two numbers (the same name, birth date and sex). The roll is CSV, UTF-8:
 * {@code county,year,household,card_number,name}; the report is CSV:
 * {@code line,county,card_number,finding,detail}, one row per finding.
 */
public class RollVerification {

  public static final String ROLL_HEADER = "county,year,household,card_number,name";
  public static final String REPORT_HEADER = "line,county,card_number,finding,detail";
  static final Set<String> NOT_LIVE = Set.of("cancelled", "frozen", "reported-lost", "replaced", "on-hold",
      "rejected", "applied", "approved", "in-production", "awaiting-activation");

  private final InsuranceRepository repository;
  private final JdbcClient jdbc;

  public RollVerification(InsuranceRepository repository, JdbcClient jdbc) {
    this.repository = repository;
    this.jdbc = jdbc;
  }

  /** A roll the hub cannot read, and the line at fault. */
  public static final class UnreadableRoll extends RuntimeException {
    private final int line;

    public UnreadableRoll(int line, String message) {
      super(message);
      this.line = line;
    }

    public int line() {
      return line;
    }
  }

  /** The report and how many findings of each kind. */
  public record Report(byte[] csv, int lines, Map<String, Integer> counts) {}

  private record Row(int line, String county, int year, String card, String name) {}

  /** @param progress told of every 1,000 lines done */
  public Report verify(byte[] roll, IntConsumer progress) {
    String text = new String(roll, StandardCharsets.UTF_8);
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    String[] lines = text.split("\r?\n");
    if (lines.length == 0 || !lines[0].strip().equals(ROLL_HEADER)) {
      throw new UnreadableRoll(1, "the header is not \"" + ROLL_HEADER + "\"");
    }
    List<Row> rows = new ArrayList<>();
    List<String> report = new ArrayList<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      String[] f = lines[i].split(",", -1);
      if (f.length != 5) {
        throw new UnreadableRoll(i + 1, "5 fields expected, found " + f.length);
      }
      int year;
      try {
        year = Integer.parseInt(f[1].strip());
      } catch (NumberFormatException e) {
        throw new UnreadableRoll(i + 1, "year is not a number");
      }
      String county = f[0].strip();
      try {
        rows.add(new Row(i + 1, county, year, ResidentIdNumber.parse(f[3].strip()).value(), f[4].strip()));
      } catch (InvalidResidentIdNumberException e) {
        finding(report, counts, i + 1, county, f[3].strip(), "invalid-number", e.getMessage());
      }
    }
    Map<String, Row> firstByNumber = new HashMap<>();
    Map<String, List<Row>> byPerson = new HashMap<>();
    Map<String, Optional<PersonFacts>> facts = new HashMap<>();
    int done = 0;
    for (Row row : rows) {
      Row first = firstByNumber.putIfAbsent(row.card(), row);
      if (first != null) {
        finding(report, counts, row.line(), row.county(), row.card(), first.county().equals(row.county())
            ? "duplicate" : "duplicate-county", "also on line " + first.line() + " (county " + first.county() + ")");
      } else {
        Optional<PersonFacts> person = facts.computeIfAbsent(row.card(), repository::person);
        if (person.isEmpty()) {
          finding(report, counts, row.line(), row.county(), row.card(), "unknown", "no resident with this number");
        } else if (person.get().deceased().isPresent()) {
          finding(report, counts, row.line(), row.county(), row.card(), "deceased",
              "death recorded on " + person.get().deceased().get() + ": the record is closed");
        }
        List<String> elsewhere = jdbc.sql("select county from hub.insurance_enrolment where card_number = ? and year = ?"
                + " and status in ('pending', 'active') and county <> ?")
            .param(row.card()).param(row.year()).param(row.county()).query(String.class).list();
        if (!elsewhere.isEmpty()) {
          finding(report, counts, row.line(), row.county(), row.card(), "duplicate-county",
              "enrolled for " + row.year() + " in county " + elsewhere.get(0));
        }
      }
      ResidentIdNumber number = ResidentIdNumber.parse(row.card());
      byPerson.computeIfAbsent(row.name() + "|" + number.birthDate() + "|" + number.sex(), k -> new ArrayList<>()).add(row);
      if (++done % 1_000 == 0) {
        progress.accept(done);
      }
    }
    for (List<Row> same : byPerson.values()) {
      List<Row> live = same.stream().filter(r -> facts.computeIfAbsent(r.card(), repository::person)
          .flatMap(PersonFacts::cardStatus).filter(s -> !NOT_LIVE.contains(s)).isPresent())
          .filter(distinctNumbers()).toList();
      if (live.size() > 1 && !same.get(0).name().isEmpty()) {
        for (Row r : live) {
          finding(report, counts, r.line(), r.county(), r.card(), "two-live-cards", "the same name, birth date and sex"
              + " hold live cards under " + live.size() + " numbers");
        }
      }
    }
    progress.accept(done);
    report.sort(java.util.Comparator.comparingInt(r -> Integer.parseInt(r.substring(0, r.indexOf(',')))));
    StringBuilder csv = new StringBuilder(REPORT_HEADER).append('\n');
    report.forEach(r -> csv.append(r).append('\n'));
    return new Report(csv.toString().getBytes(StandardCharsets.UTF_8), lines.length - 1, counts);
  }

  private static java.util.function.Predicate<Row> distinctNumbers() {
    Set<String> seen = new java.util.HashSet<>();
    return r -> seen.add(r.card());
  }

  private static void finding(List<String> report, Map<String, Integer> counts, int line, String county, String card,
      String kind, String detail) {
    report.add(line + "," + county.replace(",", " ") + "," + card.replace(",", " ") + "," + kind + ","
        + detail.replace(",", ";"));
    counts.merge(kind, 1, Integer::sum);
  }
}
