package cn.healthcard.hub.cards.fhir;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import cn.healthcard.hub.cards.production.ProductionBatches;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.cards.registry.NotAuthorised;
import cn.healthcard.hub.cards.statistics.CardStatistics;
import cn.healthcard.hub.cards.statistics.CardStatistics.Dimension;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UnsignedIntType;

/** Server-level card-platform operations: statistics and production batches for the factory. */
public class CardPlatformOperations {
  private final CardStatistics statistics;
  private final ProductionBatches batches;
  private final CardCallers callers;

  public CardPlatformOperations(CardStatistics statistics, ProductionBatches batches, CardCallers callers) {
    this.statistics = statistics;
    this.batches = batches;
    this.callers = callers;
  }

  /**
   * Counts of cards ({@code of=cards}, the default) by {@code by} = status | channel | type |
   * province | city | county | day, or of verifications ({@code of=verifications}) by day |
   * outcome; filtered by {@code division}, {@code status}, {@code channel}, {@code from} and
   * {@code to} (days, inclusive; a year or a month means its first day for {@code from}, its
   * last day for {@code to}).
   */
  @Operation(name = "$card-statistics", idempotent = true)
  public Parameters cardStatistics(
      @OperationParam(name = "of", min = 0) CodeType of,
      @OperationParam(name = "by", min = 0) CodeType by,
      @OperationParam(name = "division", min = 0) StringType asked,
      @OperationParam(name = "status", min = 0) CodeType status,
      @OperationParam(name = "channel", min = 0) CodeType channel,
      @OperationParam(name = "from", min = 0) DateType from,
      @OperationParam(name = "to", min = 0) DateType to,
      RequestDetails request) {
    StringType division = withinBoundDivision(asked, request);
    return CardOutcomes.call(
        () -> {
          String what = of == null || of.isEmpty() ? "cards" : of.getValue();
          String dimension = by == null || by.isEmpty() ? "status" : by.getValue();
          LocalDate fromDay = day(from, "from", false);
          LocalDate toDay = day(to, "to", true);
          List<CardStatistics.Group> groups;
          if (what.equals("cards")) {
            Dimension resolved =
                Dimension.fromCode(dimension)
                    .orElseThrow(
                        () ->
                            new InvalidCardRequest(
                                "Parameters.parameter[by]",
                                "status, channel, type, province, city, county or day"));
            groups =
                statistics.cards(
                    resolved,
                    new CardStatistics.Filter(
                        division == null ? null : division.getValue(),
                        fromDay,
                        toDay,
                        status == null ? null : status.getValue(),
                        channel == null ? null : channel.getValue()));
          } else if (what.equals("verifications")) {
            groups = statistics.verifications(dimension, fromDay, toDay);
          } else {
            throw new InvalidCardRequest("Parameters.parameter[of]", "cards or verifications");
          }
          Parameters out = new Parameters();
          out.addParameter().setName("of").setValue(new CodeType(what));
          out.addParameter().setName("by").setValue(new CodeType(dimension));
          long total = 0;
          for (CardStatistics.Group group : groups) {
            ParametersParameterComponent part = out.addParameter().setName("group");
            part.addPart().setName("key").setValue(new StringType(group.key()));
            part.addPart().setName("count").setValue(new UnsignedIntType(group.count()));
            total += group.count();
          }
          out.addParameter().setName("total").setValue(new UnsignedIntType(total));
          return out;
        });
  }

  /** Gathers approved batch applications into a production batch and returns its file. */
  @Operation(name = "$card-production-batch")
  public Parameters productionBatch(
      @OperationParam(name = "limit", min = 0) IntegerType limit, RequestDetails request) {
    return CardOutcomes.call(
        () -> {
          int max = limit == null || limit.isEmpty() ? 10_000 : limit.getValue();
          Parameters out = new Parameters();
          batches
              .createBatch(max, callers.actor(request))
              .ifPresentOrElse(
                  batch -> {
                    out.addParameter().setName("batch").setValue(new StringType(batch.id().toString()));
                    out.addParameter().setName("count").setValue(new UnsignedIntType(batch.cardCount()));
                    out.addParameter().setName("file").setValue(csv(batches.batchFile(batch.id()), batch.id()));
                  },
                  () -> out.addParameter().setName("count").setValue(new UnsignedIntType(0)));
          return out;
        });
  }

  /** The file of an existing batch, again. */
  @Operation(name = "$card-production-file", idempotent = true)
  public Parameters productionFile(@OperationParam(name = "batch", min = 0) StringType batch) {
    return CardOutcomes.call(
        () -> {
          UUID id = batchId(batch);
          Parameters out = new Parameters();
          out.addParameter().setName("batch").setValue(new StringType(id.toString()));
          out.addParameter().setName("file").setValue(csv(batches.batchFile(id), id));
          return out;
        });
  }

  /** Applies the card factory's result file (an Attachment, text/csv). */
  @Operation(name = "$card-production-result")
  public Parameters productionResult(
      @OperationParam(name = "file", min = 0) Attachment file, RequestDetails request) {
    return CardOutcomes.call(
        () -> {
          if (file == null || !file.hasData()) {
            throw new InvalidCardRequest(
                "Parameters.parameter[file]", "the result file is required as an Attachment with data");
          }
          ProductionBatches.ResultSummary summary =
              batches.applyResult(file.getData(), callers.actor(request));
          Parameters out = new Parameters();
          out.addParameter().setName("alreadyApplied").setValue(new org.hl7.fhir.r4.model.BooleanType(summary.alreadyApplied()));
          out.addParameter().setName("produced").setValue(new UnsignedIntType(summary.produced()));
          out.addParameter().setName("failed").setValue(new UnsignedIntType(summary.failed()));
          out.addParameter().setName("ignored").setValue(new UnsignedIntType(summary.ignored()));
          for (ProductionBatches.LineOutcome line : summary.lines()) {
            ParametersParameterComponent part = out.addParameter().setName("line");
            part.addPart().setName("line").setValue(new UnsignedIntType(line.line()));
            if (line.cardId() != null) {
              part.addPart().setName("card").setValue(new StringType(line.cardId()));
            }
            part.addPart().setName("outcome").setValue(new CodeType(line.outcome()));
            if (line.reason() != null && !line.reason().isEmpty()) {
              part.addPart().setName("reason").setValue(new StringType(line.reason()));
            }
          }
          return out;
        });
  }

  /**
   * The day a {@code from} / {@code to} parameter stands for: a year or a month counts from its
   * first day ({@code from}) or up to its last ({@code to}).
   */
  static LocalDate day(DateType date, String parameter, boolean endOfPeriod) {
    if (date == null || date.isEmpty()) {
      return null;
    }
    String expression = "Parameters.parameter[" + parameter + "]";
    TemporalPrecisionEnum precision = date.getPrecision();
    int year = date.getYear();
    int month = date.getMonth() + 1;
    try {
      return switch (precision) {
        case YEAR -> endOfPeriod ? LocalDate.of(year, 12, 31) : LocalDate.of(year, 1, 1);
        case MONTH -> {
          YearMonth yearMonth = YearMonth.of(year, month);
          yield endOfPeriod ? yearMonth.atEndOfMonth() : yearMonth.atDay(1);
        }
        default -> LocalDate.of(year, month, date.getDay());
      };
    } catch (DateTimeException e) {
      throw new InvalidCardRequest(expression, "not a valid date (YYYY, YYYY-MM or YYYY-MM-DD)");
    }
  }

  private static UUID batchId(StringType batch) {
    try {
      return UUID.fromString(batch == null ? "" : batch.getValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidCardRequest("Parameters.parameter[batch]", "the batch id (a UUID) is required");
    }
  }

  private static Attachment csv(byte[] content, UUID batchId) {
    return new Attachment()
        .setContentType("text/csv; charset=utf-8")
        .setData(content)
        .setTitle("card-batch-" + batchId + ".csv");
  }

  /** A caller bound to a division sees its own division's figures, or those of a part of it. */
  private StringType withinBoundDivision(StringType asked, RequestDetails request) {
    Optional<String> bound = callers.boundDivision(request);
    if (bound.isEmpty()) {
      return asked;
    }
    if (asked == null || asked.isEmpty()) {
      return new StringType(bound.get());
    }
    String prefix = cn.healthcard.hub.terminology.division.Divisions.prefix(asked.getValue()).orElse(asked.getValue());
    if (!prefix.startsWith(bound.get())) {
      throw CardOutcomes.translate(new NotAuthorised("this client sees statistics of division " + bound.get() + " only"));
    }
    return asked;
  }
}
