package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.segment.OBR;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.DiagnosticReport.DiagnosticReportStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;

/**
 * OBR to DiagnosticReport (v2-to-FHIR OBR[DiagnosticReport]): OBR-3 filler and OBR-2 placer order
 * numbers as identifiers (FILL/PLAC), the report keyed by the filler number (else the placer
 * number); OBR-4 code, OBR-7/OBR-8 effective, OBR-22 issued, OBR-24 category, OBR-25 status.
 */
public final class ObrToDiagnosticReport {

  /** The report (not yet added) and the identifier it is keyed by. */
  public record Result(DiagnosticReport report, Identifier key, Optional<DateTimeType> effective) {}

  private ObrToDiagnosticReport() {}

  public static Optional<Result> map(MappingContext ctx, SegmentRef ref) {
    OBR obr = ref.as(OBR.class);
    DiagnosticReport r = ctx.stamp(new DiagnosticReport());
    Identifier filler = null;
    Identifier placer = null;
    if (!s(obr.getObr3_FillerOrderNumber().getEi1_EntityIdentifier()).isEmpty()) {
      filler = Identifiers.fromEi(ctx, obr.getObr3_FillerOrderNumber(), ctx.sender().namespace("filler-order"));
      Identifiers.type(ctx, "FILL", filler);
      r.addIdentifier(filler);
    }
    if (!s(obr.getObr2_PlacerOrderNumber().getEi1_EntityIdentifier()).isEmpty()) {
      placer = Identifiers.fromEi(ctx, obr.getObr2_PlacerOrderNumber(), ctx.sender().namespace("placer-order"));
      Identifiers.type(ctx, "PLAC", placer);
      r.addIdentifier(placer);
    }
    if (filler == null && placer == null) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(3),
          "OBR-3 (filler order number) or OBR-2 (placer order number) is required to identify the report");
      return Optional.empty();
    }
    Optional<CodeableConcept> code = Codes.concept(ctx, obr.getObr4_UniversalServiceIdentifier());
    if (code.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(4), "OBR-4 (universal service identifier) is required");
      return Optional.empty();
    }
    r.setCode(code.get());
    r.setStatus(status(s(obr.getObr25_ResultStatus())));
    Codes.tableConcept(ctx, obr.getObr24_DiagnosticServSectID(), "0074").ifPresent(r::addCategory);
    Optional<DateTimeType> start = ctx.dateTime(s(obr.getObr7_ObservationDateTime().getTs1_Time()), ref.at(7), "OBR-7");
    Optional<DateTimeType> end = ctx.dateTime(s(obr.getObr8_ObservationEndDateTime().getTs1_Time()), ref.at(8), "OBR-8");
    if (start.isPresent() && end.isPresent()) {
      r.setEffective(new Period().setStartElement(start.get()).setEndElement(end.get()));
    } else {
      start.ifPresent(r::setEffective);
    }
    ctx.instant(s(obr.getObr22_ResultsRptStatusChngDateTime().getTs1_Time()), ref.at(22), "OBR-22")
        .ifPresent(r::setIssuedElement);
    return Optional.of(new Result(r, filler != null ? filler : placer, start));
  }

  /** Table 0123 result status to DiagnosticReport.status. */
  static DiagnosticReportStatus status(String code) {
    return switch (code) {
      case "F" -> DiagnosticReportStatus.FINAL;
      case "C" -> DiagnosticReportStatus.CORRECTED;
      case "P", "R" -> DiagnosticReportStatus.PRELIMINARY;
      case "A" -> DiagnosticReportStatus.PARTIAL;
      case "I", "O", "S" -> DiagnosticReportStatus.REGISTERED;
      case "X" -> DiagnosticReportStatus.CANCELLED;
      default -> DiagnosticReportStatus.UNKNOWN;
    };
  }
}
