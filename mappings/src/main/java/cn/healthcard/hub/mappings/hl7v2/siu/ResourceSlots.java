package cn.healthcard.hub.mappings.hl7v2.siu;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Timestamps;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Appointment.AppointmentStatus;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Schedule;
import org.hl7.fhir.r4.model.Slot;
import org.hl7.fhir.r4.model.Slot.SlotStatus;

/**
 * The time an appointment takes from each resource it books (AIP personnel, AIL locations), as
 * FHIR's scheduling model has it: one Schedule per resource (created once, keyed by the resource
 * in the sender's {@code schedule} namespace) and one Slot per appointment and resource (a
 * conditional update keyed by both, so a reschedule moves it and a cancellation frees it). The
 * Slot's times are the resource's own (AIx-6 start, AIx-9/10 duration), else the appointment's.
 */
final class ResourceSlots {

  /** A booked resource: its participant reference, its key ({@code practitioner/D003}), its own times if sent. */
  record Booked(Reference actor, String key, Optional<DateTimeType> start, Optional<Integer> minutes) {}

  private ResourceSlots() {}

  static void add(MappingContext ctx, Appointment appointment, Identifier appointmentKey, List<Booked> resources) {
    SlotStatus status = slotStatus(appointment.getStatus());
    for (Booked booked : resources) {
      Optional<InstantType> start = booked.start().map(t -> instant(t.getValue(), t))
          .or(() -> Optional.ofNullable(appointment.hasStart() ? appointment.getStartElement().copy() : null));
      Optional<InstantType> end;
      if (booked.start().isPresent() && booked.minutes().isPresent()) {
        end = Optional.of(instant(new Date(booked.start().get().getValue().getTime() + booked.minutes().get() * 60_000L),
            booked.start().get()));
      } else if (booked.start().isPresent()) {
        end = appointment.hasEnd() && appointment.getEnd().after(booked.start().get().getValue())
            ? Optional.of(appointment.getEndElement().copy()) : Optional.empty();
      } else {
        end = Optional.ofNullable(appointment.hasEnd() ? appointment.getEndElement().copy() : null);
      }
      if (start.isEmpty() || end.isEmpty()) {
        continue; // a Slot has both times or is not a Slot
      }
      Identifier scheduleKey = new Identifier().setSystem(ctx.sender().namespace("schedule")).setValue(booked.key());
      Schedule schedule = ctx.stamp(new Schedule());
      schedule.addIdentifier(scheduleKey);
      schedule.setActive(true);
      schedule.addActor(booked.actor().copy());
      String scheduleUrl = ctx.transaction().createIfNoneExist(schedule, SearchUrls.identifierQuery(List.of(scheduleKey)));

      Identifier slotKey = new Identifier().setSystem(ctx.sender().namespace("slot"))
          .setValue(appointmentKey.getValue() + "/" + booked.key());
      Slot slot = ctx.stamp(new Slot());
      slot.addIdentifier(slotKey);
      slot.setSchedule(new Reference(scheduleUrl));
      slot.setStatus(status);
      slot.setStartElement(start.get());
      slot.setEndElement(end.get());
      appointment.getServiceType().forEach(t -> slot.addServiceType(t.copy()));
      if (appointment.hasAppointmentType()) {
        slot.setAppointmentType(appointment.getAppointmentType().copy());
      }
      appointment.addSlot(new Reference(ctx.transaction().updateWhere(slot, SearchUrls.identifierQuery(List.of(slotKey)))));
    }
  }

  /** An instant at {@code when}, written in the offset the sender used for {@code zoneOf} (not the JVM's). */
  static InstantType instant(Date when, DateTimeType zoneOf) {
    TimeZone zone = zoneOf.getTimeZone() != null ? zoneOf.getTimeZone() : TimeZone.getTimeZone("GMT" + Timestamps.DEFAULT_OFFSET);
    return new InstantType(when, TemporalPrecisionEnum.SECOND, zone);
  }

  /** Busy while the appointment holds the time; free once it no longer does; tentative before it is booked. */
  static SlotStatus slotStatus(AppointmentStatus status) {
    return switch (status) {
      case CANCELLED, NOSHOW, ENTEREDINERROR -> SlotStatus.FREE;
      case PROPOSED, PENDING, WAITLIST -> SlotStatus.BUSYTENTATIVE;
      default -> SlotStatus.BUSY;
    };
  }
}
