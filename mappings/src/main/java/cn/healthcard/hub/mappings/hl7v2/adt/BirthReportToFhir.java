package cn.healthcard.hub.mappings.hl7v2.adt;

import cn.healthcard.hub.mappings.birth.BirthReportShape;
import cn.healthcard.hub.mappings.hl7v2.bundle.NameBasedUuid;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.MotherToRelatedPerson;
import cn.healthcard.hub.mappings.hl7v2.segment.PidMultipleBirth;
import cn.healthcard.hub.mappings.hl7v2.segment.PidToPatient;
import cn.healthcard.hub.mappings.hl7v2.segment.Pv1ToEncounter;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Identifier.IdentifierUse;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;

/**
 * A birth report ({@link BirthReportRule}) to the transaction of {@link BirthReportShape}, one
 * child per message:
 *
 * <ul>
 *   <li>the child's Patient, from PID as in every ADT (birth time in {@code patient-birthTime},
 *       PID-29/PID-30 as deceased for a stillbirth), plus {@code multipleBirth} ({@link
 *       PidMultipleBirth}) and {@code managingOrganization} the sending facility;
 *   <li>the mother, a RelatedPerson of the child ({@link MotherToRelatedPerson});
 *   <li>the delivery Encounter: the PV1 visit (keyed by PV1-19 as every ADT visit, so the
 *       discharge finds it), with the delivery type and starting at the birth; without a visit
 *       number, keyed by the birth key;
 *   <li>the measurements ({@link BirthMeasurements}).
 * </ul>
 *
 * The birth key names the birth at the sending facility: the child's number there (PID-3 MRN),
 * the birth time and the birth order, as a v5 UUID; never the mother's identifier (a hash of an
 * ID number can be reversed by trying every plausible number). The server identifies the birth
 * itself (mother, birth time, order) when it stores the report. The
 * RelatedPerson carries it as a secondary identifier in the sender's {@code birth-mother}
 * namespace and is written by it: the mother's own identifiers cannot key it, she is the mother of
 * every child she has.
 */
final class BirthReportToFhir {

  private BirthReportToFhir() {}

  /** Adds the birth report's resources; the child's fullUrl. */
  static String map(MappingContext ctx, SegmentRef pidRef, PidToPatient.Result child, DateTimeType birthTime,
      String organizationUrl) {
    Patient patient = child.patient();
    Optional<Integer> order = PidMultipleBirth.apply(ctx, pidRef, patient);
    patient.setManagingOrganization(new Reference(organizationUrl));
    String patientUrl = ctx.transaction().updateWhere(patient, SearchUrls.identifierQuery(child.matchIdentifiers()));

    List<SegmentRef> motherNk1s = ctx.message().all("NK1").stream()
        .filter(nk1 -> MotherToRelatedPerson.isMother(ctx, nk1)).toList();
    Optional<RelatedPerson> mother = MotherToRelatedPerson.map(ctx, pidRef, motherNk1s);
    if (mother.isEmpty() || order.isEmpty()) {
      return patientUrl;
    }
    // never derived from the mother's identifier: a hash of an ID number can be reversed by trying
    // every plausible number; the child's number at the birth institution names the birth as well
    String childKey = child.mrn().map(id -> id.getSystem() + "|" + id.getValue())
        .orElse("message|" + ctx.controlId());
    String birthKey = NameBasedUuid.of("birth", ctx.sender().key(), childKey,
        birthTime.getValueAsString(), Integer.toString(order.get())).toString();
    Identifier relationKey = new Identifier().setUse(IdentifierUse.SECONDARY)
        .setSystem(ctx.sender().namespace("birth-mother")).setValue(birthKey);
    mother.get().addIdentifier(relationKey);
    mother.get().setPatient(new Reference(patientUrl));
    ctx.transaction().updateWhere(mother.get(), SearchUrls.identifierQuery(List.of(relationKey)));

    Pv1ToEncounter.Delivery delivery = new Pv1ToEncounter.Delivery(birthTime,
        new Identifier().setSystem(ctx.sender().namespace("delivery")).setValue(birthKey));
    Optional<SegmentRef> pv1 = ctx.message().first("PV1");
    String encounterUrl = pv1.isPresent()
        ? Pv1ToEncounter.add(ctx, pv1.get(), ctx.message().first("PV2"), patientUrl, organizationUrl,
            Pv1ToEncounter.Mode.delivery(delivery)).orElseThrow()
        : Pv1ToEncounter.addDelivery(ctx, delivery, patientUrl, organizationUrl);
    BirthMeasurements.add(ctx, birthKey, patientUrl, encounterUrl, organizationUrl, birthTime);
    return patientUrl;
  }
}
