package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.TS;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.PV1;
import ca.uhn.hl7v2.model.v251.segment.PV2;
import cn.healthcard.hub.mappings.birth.BirthReportShape;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.V2;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Encounter.EncounterLocationStatus;
import org.hl7.fhir.r4.model.Encounter.EncounterStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * PV1 (and PV2) to Encounter (v2-to-FHIR PV1[Encounter]). The Encounter is keyed by its visit
 * number (PV1-19) in the sender's {@code visit} namespace (or PV1-19's assigning authority);
 * without a visit number there is no Encounter (PV1 stays in the kept message), except for the
 * delivery of a birth report, keyed by the birth ({@link Delivery}).
 */
public final class Pv1ToEncounter {

  private static final String ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
  private static final String PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

  /**
   * How the trigger shapes the Encounter.
   *
   * @param status the status the trigger implies; null = from the content (PV1-45 finished,
   *     PV1-44 in-progress, else arrived)
   * @param createOnly true: a conditional create (ORU, MDM: they refer to the visit, they do not
   *     describe it; status unknown, as they do not say); false: a conditional update
   * @param endFallback the end of a finished visit when PV1-45 is empty (A03: EVN-6, else the
   *     event time)
   * @param priorVisit MRG-5 (A06/A07 with a new visit number): the old number, kept as an old
   *     identifier and matched too, so the existing Encounter is renumbered, not duplicated
   * @param delivery for a birth report, the delivery this visit is
   */
  public record Mode(EncounterStatus status, boolean createOnly, Optional<Identifier> priorVisit,
      Optional<DateTimeType> endFallback, Optional<Delivery> delivery) {

    public Mode(EncounterStatus status, boolean createOnly, Optional<Identifier> priorVisit,
        Optional<DateTimeType> endFallback) {
      this(status, createOnly, priorVisit, endFallback, Optional.empty());
    }

    public static Mode referenceOnly() {
      return new Mode(EncounterStatus.UNKNOWN, true, Optional.empty(), Optional.empty());
    }

    /** A birth report's delivery stay: status from the content, which starts at the birth. */
    public static Mode delivery(Delivery delivery) {
      return new Mode(null, false, Optional.empty(), Optional.empty(), Optional.of(delivery));
    }
  }

  /**
   * The delivery of a birth report ({@link BirthReportShape}): the Encounter gets the delivery
   * type and starts at the birth time (PV1-44 is still checked, but the birth is when the
   * newborn's stay began). Without a visit number (an A28 has none) it is keyed by {@code key},
   * which the hub mints from the birth, so a report sent again finds the same Encounter.
   */
  public record Delivery(DateTimeType birthTime, Identifier key) {}

  private Pv1ToEncounter() {}

  /** The visit identifier of a PV1, if it has a visit number. */
  public static Optional<Identifier> visitIdentifier(MappingContext ctx, PV1 pv1) {
    String number = s(pv1.getPv119_VisitNumber().getCx1_IDNumber());
    if (number.isEmpty()) {
      return Optional.empty();
    }
    Identifier id = Identifiers.fromCx(ctx, pv1.getPv119_VisitNumber(), ctx.sender().namespace("visit"));
    if (!id.hasType()) {
      Identifiers.type(ctx, "VN", id);
    }
    return Optional.of(id);
  }

  /**
   * Adds the Encounter (and its Locations and Practitioners); its fullUrl, if PV1-19 is valued or
   * the mode is a delivery.
   */
  public static Optional<String> add(MappingContext ctx, SegmentRef ref, Optional<SegmentRef> pv2Ref,
      String patientUrl, String organizationUrl, Mode mode) {
    PV1 pv1 = ref.as(PV1.class);
    Optional<Identifier> visit = visitIdentifier(ctx, pv1).or(() -> mode.delivery().map(d -> d.key().copy()));
    if (visit.isEmpty()) {
      return Optional.empty();
    }
    Encounter e = ctx.stamp(new Encounter());
    e.addIdentifier(visit.get());
    mode.priorVisit().ifPresent(old -> e.addIdentifier(old.copy().setUse(Identifier.IdentifierUse.OLD)));

    Optional<DateTimeType> admitted = ctx.dateTime(s(pv1.getPv144_AdmitDateTime().getTs1_Time()), ref.at(44), "PV1-44");
    Optional<DateTimeType> start = mode.delivery().map(d -> d.birthTime().copy()).or(() -> admitted);
    TS[] discharge = pv1.getPv145_DischargeDateTime();
    Optional<DateTimeType> end = discharge.length == 0 ? Optional.empty()
        : ctx.dateTime(s(discharge[0].getTs1_Time()), ref.at(45, 1), "PV1-45");
    if (end.isEmpty() && mode.status() == EncounterStatus.FINISHED) {
      end = mode.endFallback();
    }
    EncounterStatus status = mode.status();
    if (status == null) {
      status = end.isPresent() ? EncounterStatus.FINISHED
          : start.isPresent() ? EncounterStatus.INPROGRESS : EncounterStatus.ARRIVED;
    }
    e.setStatus(status);
    e.setClass_(encounterClass(ctx, s(pv1.getPv12_PatientClass())));
    Codes.tableConcept(ctx, pv1.getPv14_AdmissionType(), "0007").ifPresent(e::addType);
    mode.delivery().ifPresent(d -> e.addType(deliveryType()));
    Codes.localConcept(ctx, pv1.getPv110_HospitalService(), "HL70069").ifPresent(e::setServiceType);
    e.setSubject(new Reference(patientUrl));
    e.setServiceProvider(new Reference(organizationUrl));
    if (start.isPresent() || end.isPresent()) {
      Period period = new Period();
      start.ifPresent(period::setStartElement);
      if (status == EncounterStatus.FINISHED) {
        end.ifPresent(period::setEndElement);
      }
      e.setPeriod(period);
    }
    boolean over = status == EncounterStatus.FINISHED || status == EncounterStatus.CANCELLED;
    for (String url : PlToLocations.add(ctx, pv1.getPv13_AssignedPatientLocation(), organizationUrl)) {
      e.addLocation().setLocation(new Reference(url))
          .setStatus(over ? EncounterLocationStatus.COMPLETED : EncounterLocationStatus.ACTIVE);
    }
    for (String url : PlToLocations.add(ctx, pv1.getPv16_PriorPatientLocation(), organizationUrl)) {
      e.addLocation().setLocation(new Reference(url)).setStatus(EncounterLocationStatus.COMPLETED);
    }
    participants(ctx, e, pv1.getPv17_AttendingDoctor(), "ATND", "attender");
    participants(ctx, e, pv1.getPv18_ReferringDoctor(), "REF", "referrer");
    participants(ctx, e, pv1.getPv19_ConsultingDoctor(), "CON", "consultant");
    participants(ctx, e, pv1.getPv117_AdmittingDoctor(), "ADM", "admitter");
    String preadmit = s(pv1.getPv15_PreadmitNumber().getCx1_IDNumber());
    if (!preadmit.isEmpty()) {
      e.getHospitalization().setPreAdmissionIdentifier(
          Identifiers.fromCx(ctx, pv1.getPv15_PreadmitNumber(), ctx.sender().namespace("preadmit")));
    }
    Codes.tableConcept(ctx, pv1.getPv114_AdmitSource(), "0023").ifPresent(c -> e.getHospitalization().setAdmitSource(c));
    Codes.tableConcept(ctx, pv1.getPv136_DischargeDisposition(), "0112")
        .ifPresent(c -> e.getHospitalization().setDischargeDisposition(c));
    pv2Ref.ifPresent(r -> Codes.concept(ctx, r.as(PV2.class).getPv23_AdmitReason()).ifPresent(e::addReasonCode));

    List<Identifier> match = new ArrayList<>();
    match.add(visit.get());
    mode.priorVisit().ifPresent(match::add);
    String query = SearchUrls.identifierQuery(match);
    return Optional.of(mode.createOnly()
        ? ctx.transaction().createIfNoneExist(e, query)
        : ctx.transaction().updateWhere(e, query));
  }

  /**
   * The delivery Encounter of a birth report whose message has no PV1: keyed by the minted key,
   * class unknown, in progress since the birth. Its fullUrl.
   */
  public static String addDelivery(MappingContext ctx, Delivery delivery, String patientUrl, String organizationUrl) {
    Encounter e = ctx.stamp(new Encounter());
    e.addIdentifier(delivery.key().copy());
    e.setStatus(EncounterStatus.INPROGRESS);
    e.setClass_(encounterClass(ctx, ""));
    e.addType(deliveryType());
    e.setSubject(new Reference(patientUrl));
    e.setServiceProvider(new Reference(organizationUrl));
    e.setPeriod(new Period().setStartElement(delivery.birthTime().copy()));
    return ctx.transaction().updateWhere(e, SearchUrls.identifierQuery(List.of(delivery.key())));
  }

  private static CodeableConcept deliveryType() {
    return new CodeableConcept().addCoding(
        new Coding(BirthReportShape.SNOMED, BirthReportShape.DELIVERY, "Delivery procedure"));
  }

  /** Table 0004 patient class to Encounter.class (v2-to-FHIR PatientClass[EncounterClass]). */
  static Coding encounterClass(MappingContext ctx, String code) {
    return switch (code) {
      case "E" -> new Coding(ACT_CODE, "EMER", "emergency");
      case "I" -> new Coding(ACT_CODE, "IMP", "inpatient encounter");
      case "O" -> new Coding(ACT_CODE, "AMB", "ambulatory");
      case "P" -> new Coding(ACT_CODE, "PRENC", "pre-admission");
      case "" -> new Coding("http://terminology.hl7.org/CodeSystem/v3-NullFlavor", "UNK", "unknown");
      default -> Codes.coding(ctx, Codes.table("0004"), code, null);
    };
  }

  private static void participants(MappingContext ctx, Encounter e, XCN[] xcns, String type, String display) {
    for (XCN xcn : xcns) {
      XcnToPractitioner.reference(ctx, xcn).ifPresent(r -> e.addParticipant()
          .addType(new CodeableConcept().addCoding(new Coding(PARTICIPATION, type, display)))
          .setIndividual(r));
    }
  }

  static boolean isEmpty(PV1 pv1) {
    return V2.isEmpty(pv1.getPv119_VisitNumber());
  }
}
