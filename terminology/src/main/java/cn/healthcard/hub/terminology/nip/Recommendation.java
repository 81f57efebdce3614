package cn.healthcard.hub.terminology.nip;

import java.time.LocalDate;
import java.util.List;

/**
 * The forecast of one series: its next dose, or that it is complete or aged out.
 *
 * @param series the series
 * @param doseNumber the next dose's number; null when complete
 * @param vaccineCode the NIP vaccine to give (for a complete series, the one of its last
 *     scheduled dose)
 * @param status the series' state on the forecast date
 * @param earliestDate the first day the next dose counts (minimum age and intervals); null when
 *     complete
 * @param recommendedDate the day the schedule recommends (never before {@code earliestDate});
 *     null when complete
 * @param overdueDate the first day the next dose is overdue; null when complete
 * @param latestDate the last day the programme gives the dose (day before the maximum age, 18
 *     years unless the dose has a lower one); null when complete
 * @param seriesDoses how many valid doses complete the series for this child (fewer for children
 *     who catch up diphtheria-tetanus from 6 years)
 * @param validDoses how many valid doses the series has
 * @param notes schedule notes that apply to the next dose
 * @param evaluations how each recorded dose of the series was counted, in date order
 */
public record Recommendation(
    NipSeries series,
    Integer doseNumber,
    String vaccineCode,
    ForecastStatus status,
    LocalDate earliestDate,
    LocalDate recommendedDate,
    LocalDate overdueDate,
    LocalDate latestDate,
    int seriesDoses,
    int validDoses,
    List<String> notes,
    List<DoseEvaluation> evaluations) {

  public Recommendation {
    notes = List.copyOf(notes);
    evaluations = List.copyOf(evaluations);
  }
}
