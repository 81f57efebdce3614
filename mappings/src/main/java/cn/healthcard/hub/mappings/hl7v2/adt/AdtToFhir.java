package cn.healthcard.hub.mappings.hl7v2.adt;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.segment.EVN;
import ca.uhn.hl7v2.model.v251.segment.MRG;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.model.v251.segment.PV1;
import cn.healthcard.hub.mappings.hl7v2.PatientMerge;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.AllergyToAllergyIntolerance;
import cn.healthcard.hub.mappings.hl7v2.segment.Nk1ToContact;
import cn.healthcard.hub.mappings.hl7v2.segment.PidToPatient;
import cn.healthcard.hub.mappings.hl7v2.segment.Pv1ToEncounter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter.EncounterStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.LinkType;
import org.hl7.fhir.r4.model.Reference;

/**
 * ADT messages (A01-A42, A44-A55, A60-A62; not A18-A20, A43) to FHIR: which segments make which
 * resources.
 *
 * <ul>
 *   <li>PID (+ NK1 as contacts) is the Patient, written as a conditional update matching card
 *       number or MRN.
 *   <li>PV1 (+ PV2) is the Encounter, a conditional update on its visit number, its status from
 *       the trigger ({@link #status}). A06, A07 and A42 (merge visit) renumber the visit: MRG-5 is
 *       the number it had. A28, A31 and A60 carry no visit: no Encounter.
 *   <li>AL1 (any ADT) and IAM (A60) are AllergyIntolerances of the patient.
 *   <li>A17 (swap patients) carries two PID/PV1 pairs: each is a Patient and its Encounter, in
 *       progress at its new bed. A45 (move visit) is mapped as any ADT: the Encounter named by
 *       PV1-19 is written with the PID's patient as its subject, so the visit moves.
 *   <li>A28 and A04 that report a birth ({@link BirthReportRule}) are mapped by {@link
 *       BirthReportToFhir}: the child, the mother, the delivery, the measurements.
 *   <li>A24/A37 link and unlink two records ({@link PatientLinks}); A29, A35, A36, A41, A44 and
 *       A46-A49 change numbers, never who a person is ({@link IdentifierChanges}). A50 renumbers
 *       a visit as A06 does; A51, A54, A55, A61 and A62 update the visit as sent.
 *   <li>A40 (and A30, A34, A39 of older senders): each PID/MRG pair is a merge: the survivor (PID) is updated matching its MRN only
 *       (the card may still be on the record that goes), the record that goes (MRG-1) becomes
 *       inactive with a {@code replaced-by} link to the survivor, and a {@link PatientMerge} tells
 *       the server to move what refers to it.
 * </ul>
 */
public final class AdtToFhir {

  private static final Set<String> NO_VISIT = Set.of("A28", "A31", "A60");
  /** Merges of patient records (MRG-1 names the record that goes). */
  private static final Set<String> MERGES = Set.of("A30", "A34", "A39", "A40");
  /** Events whose MRG-5 names the visit number the Encounter had before (PV1-19 is the new one). */
  private static final Set<String> VISIT_RENUMBERING = Set.of("A06", "A07", "A42", "A50");
  private static final Set<String> PERSON_OIDS = Set.of("2.16.156.10011.1.19", "2.16.156.10011.1.3");

  /** What the ADT part produced. */
  public record Result(Optional<String> patientUrl, List<PatientMerge> merges) {}

  private AdtToFhir() {}

  public static Result map(MappingContext ctx, String organizationUrl) {
    String trigger = ctx.triggerEvent();
    if (MERGES.contains(trigger)) {
      return merge(ctx);
    }
    if (IdentifierChanges.EVENTS.contains(trigger)) {
      return IdentifierChanges.map(ctx, organizationUrl);
    }
    if (PatientLinks.EVENTS.contains(trigger)) {
      return PatientLinks.map(ctx);
    }
    if ("A17".equals(trigger)) {
      return swap(ctx, organizationUrl);
    }
    Optional<SegmentRef> pidRef = ctx.message().first("PID");
    if (pidRef.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("PID", 1), "an ADT message needs a PID segment");
      return new Result(Optional.empty(), List.of());
    }
    Optional<PidToPatient.Result> patient = PidToPatient.map(ctx, pidRef.get());
    if (patient.isEmpty()) {
      return new Result(Optional.empty(), List.of());
    }
    Patient p = ctx.stamp(patient.get().patient());
    for (SegmentRef nk1 : ctx.message().all("NK1")) {
      Nk1ToContact.map(ctx, nk1).ifPresent(p::addContact);
    }
    Optional<DateTimeType> birthTime = BirthReportRule.birthTime(ctx, pidRef.get());
    if (birthTime.isPresent()) {
      return new Result(
          Optional.of(BirthReportToFhir.map(ctx, pidRef.get(), patient.get(), birthTime.get(), organizationUrl)),
          List.of());
    }
    String patientUrl = ctx.transaction().updateWhere(p,
        SearchUrls.identifierQuery(patient.get().matchIdentifiers()));
    Identifier patientKey = patient.get().matchIdentifiers().get(0);
    for (SegmentRef al1 : ctx.message().all("AL1")) {
      AllergyToAllergyIntolerance.fromAl1(ctx, al1, patientKey, patientUrl);
    }
    for (SegmentRef iam : ctx.message().all("IAM")) {
      AllergyToAllergyIntolerance.fromIam(ctx, iam, patientKey, patientUrl);
    }

    Optional<SegmentRef> pv1 = ctx.message().first("PV1");
    if (!NO_VISIT.contains(trigger) && pv1.isPresent()) {
      Optional<Identifier> prior = Optional.empty();
      if (VISIT_RENUMBERING.contains(trigger)) {
        prior = ctx.message().first("MRG").flatMap(m -> {
          CX cx = m.as(MRG.class).getMrg5_PriorVisitNumber();
          return s(cx.getCx1_IDNumber()).isEmpty() ? Optional.empty()
              : Optional.of(Identifiers.fromCx(ctx, cx, ctx.sender().namespace("visit")));
        });
        Optional<Identifier> now = Pv1ToEncounter.visitIdentifier(ctx, pv1.get().as(PV1.class));
        if (prior.isPresent() && now.isPresent() && now.get().getValue().equals(prior.get().getValue())
            && now.get().getSystem().equals(prior.get().getSystem())) {
          prior = Optional.empty();
        }
      }
      Pv1ToEncounter.add(ctx, pv1.get(), ctx.message().first("PV2"), patientUrl, organizationUrl,
          new Pv1ToEncounter.Mode(status(trigger), false, prior, dischargeFallback(ctx)));
    }
    return new Result(Optional.of(patientUrl), List.of());
  }

  /**
   * The Encounter status an event sets; null = from the content (PV1-45 finished, PV1-44
   * in-progress, else arrived): A08, and the pending transfer and discharge (A15, A16), which
   * announce a change without making it.
   */
  static EncounterStatus status(String trigger) {
    return switch (trigger) {
      // admitted, transferred, tracking (A09 departing, A10 arriving), returned from leave (A22),
      // pending discharge or transfer cancelled (A25, A26), tracking cancelled (A32, A33),
      // leave of absence cancelled (A52)
      case "A01", "A02", "A06", "A07", "A09", "A10", "A12", "A13", "A17", "A22", "A25", "A26", "A32", "A33", "A52" ->
          EncounterStatus.INPROGRESS;
      case "A03" -> EncounterStatus.FINISHED;
      case "A04" -> EncounterStatus.ARRIVED;
      // pre-admitted, pending admission
      case "A05", "A14" -> EncounterStatus.PLANNED;
      // admission or visit cancelled, pending admission cancelled, pre-admission cancelled
      case "A11", "A27", "A38" -> EncounterStatus.CANCELLED;
      // on leave; the return from leave cancelled
      case "A21", "A53" -> EncounterStatus.ONLEAVE;
      // the visit was recorded in error
      case "A23" -> EncounterStatus.ENTEREDINERROR;
      default -> null;
    };
  }

  /**
   * A17 (swap patients): two PID/PV1 pairs, each patient now in the bed the other had. Each pair
   * updates its Patient and its Encounter (in progress, at the PV1's location), as a transfer
   * does.
   */
  private static Result swap(MappingContext ctx, String organizationUrl) {
    List<SegmentRef[]> pairs = new ArrayList<>();
    SegmentRef currentPid = null;
    for (SegmentRef s : ctx.message().segments()) {
      if (s.is(PID.class)) {
        currentPid = s;
      } else if (s.is(PV1.class) && currentPid != null) {
        pairs.add(new SegmentRef[] {currentPid, s});
        currentPid = null;
      }
    }
    if (pairs.size() != 2) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("PID", pairs.size() + 1),
          "an A17 swaps two patients: it needs two PID segments, each followed by its PV1");
      return new Result(Optional.empty(), List.of());
    }
    Optional<String> first = Optional.empty();
    for (SegmentRef[] pair : pairs) {
      Optional<PidToPatient.Result> patient = PidToPatient.map(ctx, pair[0]);
      if (patient.isEmpty()) {
        continue;
      }
      String patientUrl = ctx.transaction().updateWhere(ctx.stamp(patient.get().patient()),
          SearchUrls.identifierQuery(patient.get().matchIdentifiers()));
      first = first.or(() -> Optional.of(patientUrl));
      Pv1ToEncounter.add(ctx, pair[1], Optional.empty(), patientUrl, organizationUrl,
          new Pv1ToEncounter.Mode(EncounterStatus.INPROGRESS, false, Optional.empty(), Optional.empty()));
    }
    return new Result(first, List.of());
  }

  /** EVN-6 (event occurred), else the message's event time. */
  private static Optional<DateTimeType> dischargeFallback(MappingContext ctx) {
    Optional<DateTimeType> occurred = ctx.message().first("EVN").flatMap(evn ->
        ctx.dateTime(s(evn.as(EVN.class).getEvn6_EventOccurred().getTs1_Time()), evn.at(6), "EVN-6"));
    return occurred.isPresent() ? occurred : ctx.eventTime().map(DateTimeType::new);
  }

  private static Result merge(MappingContext ctx) {
    List<PatientMerge> merges = new ArrayList<>();
    Optional<String> firstSurvivor = Optional.empty();
    List<SegmentRef[]> pairs = pidMrgPairs(ctx);
    if (pairs.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("MRG", 1),
          "an A40 needs a PID followed by an MRG segment");
      return new Result(Optional.empty(), List.of());
    }
    for (SegmentRef[] pair : pairs) {
      Optional<PidToPatient.Result> survivor = PidToPatient.map(ctx, pair[0]);
      List<Identifier> going = priorNumbers(ctx, pair[1], "MRG-1 must name the record that goes by the hospital's own number");
      if (survivor.isEmpty() || going.isEmpty()) {
        continue;
      }
      Patient p = ctx.stamp(survivor.get().patient());
      p.setActive(true);
      Identifier key = survivor.get().mrn().orElseGet(() -> survivor.get().card().orElseThrow());
      String survivorUrl = ctx.transaction().updateWhere(p, SearchUrls.identifierQuery(List.of(key)));
      firstSurvivor = firstSurvivor.or(() -> Optional.of(survivorUrl));

      Patient old = ctx.stamp(new Patient());
      going.forEach(old::addIdentifier);
      old.setActive(false);
      old.addLink().setType(LinkType.REPLACEDBY).setOther(new Reference(survivorUrl));
      ctx.transaction().updateWhere(old, SearchUrls.identifierQuery(going));
      merges.add(new PatientMerge(survivor.get().matchIdentifiers(), going));
    }
    return new Result(firstSurvivor, merges);
  }

  /** Each PID followed by its MRG (merges and identifier changes may repeat the pair). */
  static List<SegmentRef[]> pidMrgPairs(MappingContext ctx) {
    SegmentRef currentPid = null;
    List<SegmentRef[]> pairs = new ArrayList<>();
    for (SegmentRef s : ctx.message().segments()) {
      if (s.is(PID.class)) {
        currentPid = s;
      } else if (s.is(MRG.class) && currentPid != null) {
        pairs.add(new SegmentRef[] {currentPid, s});
        currentPid = null;
      }
    }
    return pairs;
  }

  /**
   * MRG-1 without card or identity-card numbers (they name the person, who survives every merge
   * and change of number); an AE with {@code whyRequired} when nothing is left.
   */
  static List<Identifier> priorNumbers(MappingContext ctx, SegmentRef mrgRef, String whyRequired) {
    List<Identifier> out = new ArrayList<>();
    for (CX cx : mrgRef.as(MRG.class).getMrg1_PriorPatientIdentifierList()) {
      String oid = Identifiers.authorityOid(cx);
      if (s(cx.getCx1_IDNumber()).isEmpty() || PERSON_OIDS.contains(oid)) {
        continue;
      }
      out.add(Identifiers.fromCx(ctx, cx, PidToPatient.defaultMrnSystem(ctx)));
    }
    if (out.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, mrgRef.at(1), whyRequired);
    }
    return out;
  }
}
