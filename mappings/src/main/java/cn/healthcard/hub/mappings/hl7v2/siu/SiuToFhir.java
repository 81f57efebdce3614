package cn.healthcard.hub.mappings.hl7v2.siu;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.AIL;
import ca.uhn.hl7v2.model.v251.segment.AIP;
import ca.uhn.hl7v2.model.v251.segment.AIS;
import ca.uhn.hl7v2.model.v251.segment.NTE;
import ca.uhn.hl7v2.model.v251.segment.SCH;
import ca.uhn.hl7v2.model.v251.segment.TQ1;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.PlToLocations;
import cn.healthcard.hub.mappings.hl7v2.segment.ReferencedPatient;
import cn.healthcard.hub.mappings.hl7v2.segment.XcnToPractitioner;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.Appointment.ParticipationStatus;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * SIU^S12-S26 (scheduling, filler application's view) to an Appointment, after the HL7 v2-to-FHIR
 * IG's SIU message map:
 *
 * <ul>
 *   <li>SCH-2 (filler appointment id), else SCH-1 (placer), is the Appointment's key: a
 *       conditional update on it (its EI-2 namespace within the sender, else the sender's
 *       {@code filler-appointment} / {@code placer-appointment} namespace), so a reschedule (S13), modification (S14), cancellation (S15) or no-show (S26)
 *       of the same appointment updates it;
 *   <li>status from SCH-25 (table 0278) when sent, else from the trigger: S12-S14 and S18-S24
 *       booked, S15 and S16 cancelled, S17 entered-in-error, S26 noshow;
 *   <li>start: TQ1-7, else SCH-11.4, else the first AIS-4; end: TQ1-8, else start + SCH-9 in the
 *       units of SCH-10 (minutes when empty), which is also {@code minutesDuration};
 *   <li>SCH-7 appointment reason -> {@code reasonCode}, SCH-8 type -> {@code appointmentType},
 *       AIS-3 -> {@code serviceType}, NTE after SCH -> {@code comment};
 *   <li>participants: the patient (PID, a conditional create as in results: a scheduling system
 *       does not overwrite what the ADT feed said), each AIP-3 as a Practitioner, each AIL-3 as
 *       its Locations; all {@code accepted} (a no-show is the appointment's status, not the
 *       participant's);
 *   <li>each booked practitioner (with an id) and location: its Schedule and this appointment's
 *       Slot in it ({@link ResourceSlots}), named by {@code Appointment.slot}.
 * </ul>
 */
public final class SiuToFhir {

  private SiuToFhir() {}

  public static Optional<String> map(MappingContext ctx, String organizationUrl) {
    Optional<SegmentRef> schRef = ctx.message().first("SCH");
    if (schRef.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("SCH", 1), "a SIU message needs an SCH segment");
      return Optional.empty();
    }
    SCH sch = schRef.get().as(SCH.class);
    Identifier key;
    Optional<Identifier> filler = s(sch.getSch2_FillerAppointmentID().getEi1_EntityIdentifier()).isEmpty()
        ? Optional.empty()
        : Optional.of(Identifiers.fromEi(ctx, sch.getSch2_FillerAppointmentID(), ctx.sender().namespace("filler-appointment")));
    Optional<Identifier> placer = s(sch.getSch1_PlacerAppointmentID().getEi1_EntityIdentifier()).isEmpty()
        ? Optional.empty()
        : Optional.of(Identifiers.fromEi(ctx, sch.getSch1_PlacerAppointmentID(), ctx.sender().namespace("placer-appointment")));
    if (filler.isPresent()) {
      key = filler.get();
    } else if (placer.isPresent()) {
      key = placer.get();
    } else {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, schRef.get().at(2),
          "SCH-2 (filler appointment id) or SCH-1 (placer appointment id) is required");
      return Optional.empty();
    }
    Optional<ReferencedPatient.Refs> refs = ReferencedPatient.add(ctx, organizationUrl);
    if (refs.isEmpty()) {
      return Optional.empty();
    }
    Appointment appointment = ctx.stamp(new Appointment());
    filler.ifPresent(appointment::addIdentifier);
    placer.ifPresent(appointment::addIdentifier);
    appointment.setStatus(status(s(sch.getSch25_FillerStatusCode().getCe1_Identifier()), ctx.triggerEvent()));
    Codes.concept(ctx, sch.getSch7_AppointmentReason()).ifPresent(appointment::addReasonCode);
    Codes.concept(ctx, sch.getSch8_AppointmentType()).ifPresent(appointment::setAppointmentType);
    Codes.concept(ctx, sch.getSch6_EventReason()).ifPresent(r -> appointment.setDescription(
        r.hasText() ? r.getText() : r.getCodingFirstRep().hasDisplay() ? r.getCodingFirstRep().getDisplay() : null));

    Optional<SegmentRef> tq1Ref = ctx.message().first("TQ1");
    Optional<DateTimeType> start = tq1Ref.flatMap(t ->
        ctx.dateTime(s(t.as(TQ1.class).getTq17_StartDateTime().getTs1_Time()), t.at(7), "TQ1-7"));
    Optional<DateTimeType> end = tq1Ref.flatMap(t ->
        ctx.dateTime(s(t.as(TQ1.class).getTq18_EndDateTime().getTs1_Time()), t.at(8), "TQ1-8"));
    if (start.isEmpty()) {
      String timing = s(sch.getSch11_AppointmentTimingQuantity(0).getTq4_StartDateTime().getTs1_Time());
      start = ctx.dateTime(timing, schRef.get().at(11, 1, 4), "SCH-11.4");
    }
    List<SegmentRef> services = ctx.message().all("AIS");
    if (start.isEmpty() && !services.isEmpty()) {
      SegmentRef first = services.get(0);
      start = ctx.dateTime(s(first.as(AIS.class).getAis4_StartDateTime().getTs1_Time()), first.at(4), "AIS-4");
    }
    Optional<Integer> minutes = minutes(ctx, schRef.get(), sch);
    start.ifPresent(t -> appointment.setStartElement(ResourceSlots.instant(t.getValue(), t)));
    if (end.isPresent()) {
      appointment.setEndElement(ResourceSlots.instant(end.get().getValue(), end.get()));
    } else if (start.isPresent() && minutes.isPresent()) {
      appointment.setEndElement(ResourceSlots.instant(
          new java.util.Date(start.get().getValue().getTime() + minutes.get() * 60_000L), start.get()));
    }
    minutes.ifPresent(appointment::setMinutesDuration);
    if (!appointment.hasStart() && requiresTimes(appointment.getStatus())) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, schRef.get().at(11),
          "the appointment's start is required (TQ1-7, SCH-11.4 or AIS-4) unless it is proposed, waitlisted or cancelled");
      return Optional.empty();
    }
    if (appointment.hasStart() != appointment.hasEnd()) {
      if (requiresTimes(appointment.getStatus())) {
        ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, schRef.get().at(9),
            "the appointment's end is required (TQ1-8, or SCH-9 with its units) when it has a start");
        return Optional.empty();
      }
      // FHIR app-2: both or neither; a cancelled or waitlisted appointment may have neither
      appointment.setStartElement(null);
      appointment.setEndElement(null);
    }
    for (SegmentRef ais : services) {
      Codes.concept(ctx, ais.as(AIS.class).getAis3_UniversalServiceIdentifier()).ifPresent(appointment::addServiceType);
    }
    List<String> notes = new ArrayList<>();
    for (SegmentRef nte : ctx.message().all("NTE")) {
      for (var ft : nte.as(NTE.class).getNte3_Comment()) {
        if (!s(ft).isEmpty()) {
          notes.add(s(ft));
        }
      }
    }
    if (!notes.isEmpty()) {
      appointment.setComment(String.join("\n", notes));
    }
    appointment.addParticipant().setActor(new Reference(refs.get().patientUrl()))
        .setStatus(ParticipationStatus.ACCEPTED);
    List<ResourceSlots.Booked> booked = new ArrayList<>();
    for (SegmentRef aip : ctx.message().all("AIP")) {
      AIP segment = aip.as(AIP.class);
      Optional<DateTimeType> own = ctx.dateTime(s(segment.getAip6_StartDateTime().getTs1_Time()), aip.at(6), "AIP-6");
      Optional<Integer> ownMinutes = duration(ctx, aip, 9, s(segment.getAip9_Duration()),
          s(segment.getAip10_DurationUnits().getCe1_Identifier()));
      for (XCN xcn : segment.getAip3_PersonnelResourceID()) {
        XcnToPractitioner.reference(ctx, xcn).ifPresent(r -> {
          appointment.addParticipant().setActor(r).setStatus(ParticipationStatus.ACCEPTED);
          if (r.hasReference()) {
            booked.add(new ResourceSlots.Booked(r, "practitioner/" + s(xcn.getXcn1_IDNumber()), own, ownMinutes));
          }
        });
      }
    }
    for (SegmentRef ail : ctx.message().all("AIL")) {
      AIL segment = ail.as(AIL.class);
      Optional<DateTimeType> own = ctx.dateTime(s(segment.getAil6_StartDateTime().getTs1_Time()), ail.at(6), "AIL-6");
      Optional<Integer> ownMinutes = duration(ctx, ail, 9, s(segment.getAil9_Duration()),
          s(segment.getAil10_DurationUnits().getCe1_Identifier()));
      for (var pl : segment.getAil3_LocationResourceID()) {
        List<String> locations = PlToLocations.add(ctx, pl, organizationUrl);
        if (!locations.isEmpty()) {
          Reference r = new Reference(locations.get(locations.size() - 1));
          appointment.addParticipant().setActor(r).setStatus(ParticipationStatus.ACCEPTED);
          String place = java.util.stream.Stream.of(s(pl.getPl1_PointOfCare()), s(pl.getPl2_Room()), s(pl.getPl3_Bed()))
              .filter(x -> !x.isEmpty()).collect(java.util.stream.Collectors.joining("/"));
          booked.add(new ResourceSlots.Booked(r, "location/" + place, own, ownMinutes));
        }
      }
    }
    if (ctx.hasErrors()) {
      return Optional.empty();
    }
    ResourceSlots.add(ctx, appointment, key, booked);
    ctx.transaction().updateWhere(appointment, SearchUrls.identifierQuery(List.of(key)));
    return Optional.of(refs.get().patientUrl());
  }

  /**
   * The status of the Slots an appointment in {@code status} holds: busy while it holds the time,
   * free once it no longer does (cancelled, no-show, entered in error), tentative before booking.
   */
  public static org.hl7.fhir.r4.model.Slot.SlotStatus slotStatus(AppointmentStatus status) {
    return ResourceSlots.slotStatus(status);
  }

  /** SCH-25 (table 0278) when it is one, else what the trigger means. */
  static AppointmentStatus status(String fillerStatus, String trigger) {
    AppointmentStatus byCode = switch (fillerStatus) {
      case "Pending" -> AppointmentStatus.PENDING;
      case "Waitlist" -> AppointmentStatus.WAITLIST;
      case "Booked", "Overbook" -> AppointmentStatus.BOOKED;
      case "Started" -> AppointmentStatus.ARRIVED;
      case "Complete" -> AppointmentStatus.FULFILLED;
      case "Cancelled", "Dc" -> AppointmentStatus.CANCELLED;
      case "Deleted" -> AppointmentStatus.ENTEREDINERROR;
      case "Noshow" -> AppointmentStatus.NOSHOW;
      default -> null;
    };
    if (byCode != null) {
      return byCode;
    }
    return switch (trigger) {
      case "S15", "S16" -> AppointmentStatus.CANCELLED;
      case "S17" -> AppointmentStatus.ENTEREDINERROR;
      case "S26" -> AppointmentStatus.NOSHOW;
      default -> AppointmentStatus.BOOKED;
    };
  }

  /** FHIR's rule app-3: only proposed, cancelled and waitlisted appointments may lack times. */
  private static boolean requiresTimes(AppointmentStatus status) {
    return status != AppointmentStatus.PROPOSED && status != AppointmentStatus.CANCELLED
        && status != AppointmentStatus.WAITLIST;
  }

  /** SCH-9 in minutes (SCH-10: min, h, d; empty = minutes), if given and a whole number. */
  private static Optional<Integer> minutes(MappingContext ctx, SegmentRef ref, SCH sch) {
    return duration(ctx, ref, 9, s(sch.getSch9_AppointmentDuration()), s(sch.getSch10_AppointmentDurationUnits().getCe1_Identifier()));
  }

  /**
   * A duration field ({@code field}, its units the next field: min, h, d; empty = minutes) in
   * whole minutes, if given.
   */
  private static Optional<Integer> duration(MappingContext ctx, SegmentRef ref, int field, String value, String units) {
    String name = ref.id() + "-" + field;
    if (value.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal amount;
    try {
      amount = new BigDecimal(value);
    } catch (NumberFormatException e) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, ref.at(field), name + " (duration) must be a number");
      return Optional.empty();
    }
    String unit = units.toLowerCase(java.util.Locale.ROOT);
    int factor = switch (unit) {
      case "", "min", "m", "minute", "minutes" -> 1;
      case "h", "hr", "hour", "hours" -> 60;
      case "d", "day", "days" -> 1440;
      default -> -1;
    };
    if (factor < 0) {
      ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, ref.at(field + 1), ref.id() + "-" + (field + 1) + " (duration units) must be min, h or d");
      return Optional.empty();
    }
    BigDecimal total = amount.multiply(BigDecimal.valueOf(factor));
    if (total.signum() <= 0 || total.stripTrailingZeros().scale() > 0) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, ref.at(field), name + " (duration) must be a positive whole number of minutes");
      return Optional.empty();
    }
    return Optional.of(total.intValueExact());
  }
}
