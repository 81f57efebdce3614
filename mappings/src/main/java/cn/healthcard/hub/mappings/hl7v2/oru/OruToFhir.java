package cn.healthcard.hub.mappings.hl7v2.oru;

import ca.uhn.hl7v2.model.v251.segment.NTE;
import ca.uhn.hl7v2.model.v251.segment.OBR;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.SPM;
import cn.healthcard.hub.mappings.hl7v2.segment.SpecimenToSpecimen;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.ObrToDiagnosticReport;
import cn.healthcard.hub.mappings.hl7v2.segment.ObxToObservation;
import cn.healthcard.hub.mappings.hl7v2.segment.OrderToServiceRequest;
import cn.healthcard.hub.mappings.hl7v2.segment.ReferencedPatient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Reference;

/**
 * ORU^R01 and the laboratory-automation results OUL^R22-R24 to FHIR: the Patient and Encounter it refers to (conditional creates), one
 * DiagnosticReport per OBR (conditional update on its order number) with one Observation per
 * OBX after it (conditional update on {@code <order number>/<OBX-3.1>[/<OBX-4>]} in the sender's
 * {@code observation} namespace, {@code #2}, {@code #3} appended when the same code repeats), so
 * a corrected result replaces the earlier one. NTEs after an OBX are its notes; NTEs after an OBR
 * stay in the kept message only (DiagnosticReport has no note in R4). An SPM (in OUL) becomes a
 * Specimen that the reports and results after it name, up to the next SPM; OBXs directly after
 * an SPM (observations about the specimen) stay in the kept message.
 */
public final class OruToFhir {

  private OruToFhir() {}

  public static Optional<String> map(MappingContext ctx, String organizationUrl) {
    Optional<ReferencedPatient.Refs> refs = ReferencedPatient.add(ctx, organizationUrl);
    if (refs.isEmpty()) {
      return Optional.empty();
    }
    List<SegmentRef> segments = ctx.message().segments();
    boolean anyObr = false;
    Optional<String> specimenUrl = Optional.empty();
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i).is(SPM.class)) {
        // a specimen (OUL^R22-R24) holds the orders after it, until the next specimen
        specimenUrl = SpecimenToSpecimen.add(ctx, segments.get(i), refs.get().patientUrl());
        continue;
      }
      if (!segments.get(i).is(OBR.class)) {
        continue;
      }
      anyObr = true;
      SegmentRef obrRef = segments.get(i);
      Optional<ObrToDiagnosticReport.Result> report = ObrToDiagnosticReport.map(ctx, obrRef);
      List<Observation> observations = new ArrayList<>();
      Map<String, Integer> seen = new HashMap<>();
      int j = i + 1;
      while (j < segments.size() && !segments.get(j).is(OBR.class) && !segments.get(j).is(SPM.class)) {
        SegmentRef s = segments.get(j);
        if (s.is(OBX.class)) {
          List<SegmentRef> notes = new ArrayList<>();
          int k = j + 1;
          while (k < segments.size() && segments.get(k).is(NTE.class)) {
            notes.add(segments.get(k));
            k++;
          }
          ObservationStatus fallback = report.map(r -> observationStatus(r.report())).orElse(null);
          Optional<Observation> o = ObxToObservation.map(ctx, s, notes, fallback,
              report.flatMap(ObrToDiagnosticReport.Result::effective));
          if (o.isPresent() && report.isPresent()) {
            Observation obs = o.get();
            String key = report.get().key().getValue() + "/" + obs.getCode().getCodingFirstRep().getCode()
                + subId(s);
            int n = seen.merge(key, 1, Integer::sum);
            obs.addIdentifier(new Identifier().setSystem(ctx.sender().namespace("observation"))
                .setValue(n == 1 ? key : key + "#" + n));
            observations.add(obs);
          }
          j = k;
        } else {
          j++;
        }
      }
      if (report.isPresent()) {
        DiagnosticReport r = report.get().report();
        r.setSubject(new Reference(refs.get().patientUrl()));
        OrderToServiceRequest.referenced(ctx, obrRef, refs.get().patientUrl())
            .ifPresent(order -> r.addBasedOn(new Reference(order)));
        refs.get().encounterUrl().ifPresent(e -> r.setEncounter(new Reference(e)));
        r.addPerformer(new Reference(organizationUrl));
        specimenUrl.ifPresent(sp -> r.addSpecimen(new Reference(sp)));
        for (Observation o : observations) {
          o.setSubject(new Reference(refs.get().patientUrl()));
          refs.get().encounterUrl().ifPresent(e -> o.setEncounter(new Reference(e)));
          o.addPerformer(new Reference(organizationUrl));
          specimenUrl.ifPresent(sp -> o.setSpecimen(new Reference(sp)));
          String url = ctx.transaction().updateWhere(o, SearchUrls.identifierQuery(o.getIdentifier()));
          r.addResult(new Reference(url));
        }
        ctx.transaction().updateWhere(r, SearchUrls.identifierQuery(List.of(report.get().key())));
      }
      i = j - 1;
    }
    if (!anyObr) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("OBR", 1), "a result message needs an OBR segment");
    }
    return Optional.of(refs.get().patientUrl());
  }

  private static String subId(SegmentRef obx) {
    String sub = cn.healthcard.hub.mappings.hl7v2.datatype.V2.s(
        obx.as(OBX.class).getObx4_ObservationSubID());
    return sub.isEmpty() ? "" : "/" + sub;
  }

  private static ObservationStatus observationStatus(DiagnosticReport r) {
    return switch (r.getStatus()) {
      case FINAL -> ObservationStatus.FINAL;
      case CORRECTED -> ObservationStatus.CORRECTED;
      case PRELIMINARY, PARTIAL -> ObservationStatus.PRELIMINARY;
      case CANCELLED -> ObservationStatus.CANCELLED;
      case REGISTERED -> ObservationStatus.REGISTERED;
      default -> ObservationStatus.UNKNOWN;
    };
  }
}
