package cn.healthcard.hub.server.immunization;

import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.nip.AdministeredDose;
import cn.healthcard.hub.terminology.nip.NipCoverage;
import java.sql.Array;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * Coverage of the national immunization programme: for the children of a birth cohort living in
 * a division, how many have received each dose of each programme vaccine (valid doses only, as
 * the schedule evaluates them). Reads the immunization projection ({@code hub.iz_patient},
 * {@code hub.iz_dose}) in one query and evaluates each child's history in memory.
 */
public class ImmunizationCoverage {
  private final JdbcTemplate jdbc;
  private final NipCoverage coverage;

  public ImmunizationCoverage(DataSource dataSource, NipCoverage coverage) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.coverage = coverage;
  }

  /** @param received children with a valid dose, by "SERIES-dose" (e.g. "HEPB-3") */
  public record Result(long children, Map<String, Long> received) {}

  public Result compute(String divisionPrefix, LocalDate bornFrom, LocalDate bornTo, LocalDate asOf) {
    Map<String, Long> received = new TreeMap<>();
    long[] children = {0};
    List<AdministeredDose> history = new ArrayList<>();
    String[] current = {null};
    LocalDate[] birth = {null};
    Runnable flush =
        () -> {
          if (current[0] == null) {
            return;
          }
          children[0]++;
          if (birth[0] != null && !asOf.isBefore(birth[0])) {
            Set<String> keys = new HashSet<>();
            coverage.coveredDoses(birth[0], history, asOf).forEach(d -> keys.add(d.key()));
            keys.forEach(k -> received.merge(k, 1L, Long::sum));
          }
          history.clear();
        };
    jdbc.query(
        "select p.patient_id, p.birth_date, d.vaccine, d.occurrence from hub.iz_patient p"
            + " left join hub.iz_dose d on d.patient_id = p.patient_id and d.status = 'completed'"
            + " and d.occurrence <= ?"
            + " where p.division like ? and p.birth_date between ? and ?"
            + " order by p.patient_id",
        (RowCallbackHandler)
            rs -> {
              String patient = rs.getString(1);
              if (!patient.equals(current[0])) {
                flush.run();
                current[0] = patient;
                Date born = rs.getDate(2);
                birth[0] = born == null ? null : born.toLocalDate();
              }
              Array vaccine = rs.getArray(3);
              Date occurrence = rs.getDate(4);
              if (vaccine != null && occurrence != null) {
                dose((String[]) vaccine.getArray(), occurrence.toLocalDate()).ifPresent(history::add);
              }
            },
        Date.valueOf(asOf),
        divisionPrefix + "%",
        Date.valueOf(bornFrom),
        Date.valueOf(bornTo));
    flush.run();
    return new Result(children[0], received);
  }

  /** One dose per record: its NIP coding when it has one, else its CVX coding. */
  static java.util.Optional<AdministeredDose> dose(String[] codings, LocalDate date) {
    String cvx = null;
    for (String coding : codings) {
      int bar = coding.indexOf('|');
      String system = coding.substring(0, bar);
      String code = coding.substring(bar + 1);
      if (HubCodeSystems.NIP_VACCINE.equals(system)) {
        return java.util.Optional.of(AdministeredDose.nip(code, date));
      }
      if (HubCodeSystems.CVX.equals(system) && cvx == null) {
        cvx = code;
      }
    }
    return cvx == null ? java.util.Optional.empty() : java.util.Optional.of(AdministeredDose.cvx(cvx, date));
  }
}
