package cn.healthcard.hub.mappings.hl7v2.vxu;

import ca.uhn.hl7v2.model.v251.segment.PV1;
import cn.healthcard.hub.mappings.hl7v2.DoseReport;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.Nk1ToContact;
import cn.healthcard.hub.mappings.hl7v2.segment.PidToPatient;
import cn.healthcard.hub.mappings.hl7v2.segment.Pv1ToEncounter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization.ImmunizationStatus;
import org.hl7.fhir.r4.model.Patient;

/**
 * VXU^V04 (CDC IIS guide 2.5.1; 2.3.1 and 2.4 messages are read the same way) to FHIR: which
 * segments make which resources.
 *
 * <ul>
 *   <li>PID (+ NK1 as contacts) is the Patient, a conditional update matching card number or MRN,
 *       exactly as ADT writes it: a vaccination site's VXU describes the person.
 *   <li>PV1 with a visit number: the Encounter, a conditional create (the VXU refers to the visit).
 *   <li>Each ORDER group (ORC, RXA, RXR, OBX) is one Immunization ({@link RxaToImmunization},
 *       {@link ObxToImmunization}), a conditional update on the order number, so the same sender
 *       sending a dose again (or correcting it, or deleting it with RXA-21 D) changes the same
 *       Immunization.
 *   <li>Every completed Immunization is also reported as a {@link DoseReport}, for the server's
 *       duplicate-dose check ({@link ImmunizationDuplicates}).
 * </ul>
 * A VXU without RXA is an AE (100 at {@code RXA^1}); an ORC without its RXA an AE (100 at that
 * ORC); two groups naming the same immunization (the same ORC-3/ORC-2, or without order numbers
 * the same vaccine on the same date) an AE (205 at the second ORC-3, or RXA-3).
 */
public final class VxuToFhir {

  /** What the VXU part produced. */
  public record Result(Optional<String> patientUrl, List<DoseReport> doses) {}

  private VxuToFhir() {}

  public static Result map(MappingContext ctx, String organizationUrl) {
    Optional<SegmentRef> pidRef = ctx.message().first("PID");
    String patientUrl = "";
    List<Identifier> patientKeys = List.of();
    if (pidRef.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("PID", 1), "a VXU needs a PID segment");
    } else {
      Optional<PidToPatient.Result> patient = PidToPatient.map(ctx, pidRef.get());
      if (patient.isPresent()) {
        Patient p = ctx.stamp(patient.get().patient());
        for (SegmentRef nk1 : ctx.message().all("NK1")) {
          Nk1ToContact.map(ctx, nk1).ifPresent(p::addContact);
        }
        patientKeys = patient.get().matchIdentifiers();
        patientUrl = ctx.transaction().updateWhere(p, SearchUrls.identifierQuery(patientKeys));
      }
    }
    String patient = patientUrl;
    Optional<String> encounterUrl = patient.isEmpty() ? Optional.empty()
        : ctx.message().first("PV1").flatMap(pv1 ->
            Pv1ToEncounter.visitIdentifier(ctx, pv1.as(PV1.class)).isEmpty() ? Optional.empty()
                : Pv1ToEncounter.add(ctx, pv1, ctx.message().first("PV2"), patient, organizationUrl,
                    Pv1ToEncounter.Mode.referenceOnly()));

    List<OrderGroup> groups = OrderGroup.read(ctx.message().segments());
    if (groups.stream().noneMatch(g -> g.rxa().isPresent())) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("RXA", 1),
          "a VXU needs at least one RXA segment (the administration)");
      return new Result(Optional.empty(), List.of());
    }
    List<DoseReport> doses = new ArrayList<>();
    Set<String> keys = new HashSet<>();
    for (OrderGroup g : groups) {
      if (g.rxa().isEmpty()) {
        SegmentRef orc = g.orc().orElseThrow();
        ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("ORC", orc.sequence()),
            "each ORC must be followed by its RXA segment");
        continue;
      }
      Optional<RxaToImmunization.Result> r = RxaToImmunization.map(ctx, g.orc(), g.rxa().get(), g.rxr(),
          patient, encounterUrl, organizationUrl, patientKeys);
      if (r.isPresent() && !keys.add(r.get().key().getSystem() + "|" + r.get().key().getValue())) {
        ctx.error(ErrorCode.DUPLICATE_KEY_IDENTIFIER,
            keyLocation(g, r.get()),
            "two ORDER groups of the message name the same immunization (ORC-3/ORC-2, or the same vaccine on the same date)");
        continue;
      }
      if (r.isEmpty() || patient.isEmpty()) {
        continue;
      }
      String url = RxaToImmunization.add(ctx, r.get());
      ObxToImmunization.apply(ctx, r.get().immunization(), url, r.get().key(), g.observations(), patient,
          encounterUrl, organizationUrl);
      if (r.get().immunization().getStatus() == ImmunizationStatus.COMPLETED) {
        VaccineCodes.comparisonCode(ctx.terminology(), r.get().immunization().getVaccineCode())
            .ifPresent(code -> doses.add(new DoseReport(url, code.getSystem(), code.getCode(),
                r.get().occurrence().date(), r.get().immunization().getLotNumber(), patient)));
      }
    }
    return new Result(patient.isEmpty() ? Optional.empty() : Optional.of(patient), doses);
  }

  /** Where an Immunization's key came from: ORC-3 (FILL), ORC-2 (PLAC), else RXA-3 (minted). */
  private static ErrorLocation keyLocation(OrderGroup g, RxaToImmunization.Result r) {
    String type = r.key().hasType() ? r.key().getType().getCodingFirstRep().getCode() : "";
    return switch (type) {
      case "FILL" -> g.orc().orElseThrow().at(3);
      case "PLAC" -> g.orc().orElseThrow().at(2);
      default -> g.rxa().orElseThrow().at(3);
    };
  }
}
