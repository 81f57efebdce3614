package cn.healthcard.hub.mappings.hl7v2.adt;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.segment.PID;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Timestamps;
import cn.healthcard.hub.mappings.hl7v2.datatype.V2;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.MotherToRelatedPerson;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.DateTimeType;

/**
 * Which ADT messages are birth reports. A birth institution's HIS registers a newborn with an
 * A28 (add person information) or an A04 (register a patient); such a message is a birth report
 * when all three hold:
 *
 * <ol>
 *   <li>it links a mother: PID-21 (mother's identifier) is not empty, or an NK1 says mother
 *       ({@link MotherToRelatedPerson#isMother});
 *   <li>PID-7 gives the time of birth to the minute at least: a delivery record has the minute,
 *       a registration of an older child the date only;
 *   <li>the date of birth is at most 28 days (the neonatal period) before the date of MSH-7,
 *       both as written (China has one time zone). A birth dated after MSH-7 still counts: a
 *       clock that is a little off must not turn a birth report into an ordinary registration.
 * </ol>
 *
 * Any other message maps as an ordinary ADT. MSH-7 rather than EVN-2 because it is required and
 * it is when the HIS reported.
 */
final class BirthReportRule {

  private static final Set<String> TRIGGERS = Set.of("A28", "A04");
  private static final int NEONATAL_DAYS = 28;

  private BirthReportRule() {}

  /** The birth time (PID-7) when the message is a birth report. */
  static Optional<DateTimeType> birthTime(MappingContext ctx, SegmentRef pidRef) {
    if (!TRIGGERS.contains(ctx.triggerEvent()) || !linksMother(ctx, pidRef)) {
      return Optional.empty();
    }
    String pid7 = s(pidRef.as(PID.class).getPid7_DateTimeOfBirth().getTs1_Time());
    Optional<Timestamps.Parsed> birth = Timestamps.parse(pid7);
    Optional<Timestamps.Parsed> sent = Timestamps.parse(s(ctx.message().msh().getMsh7_DateTimeOfMessage().getTs1_Time()));
    if (birth.isEmpty() || !Timestamps.isToTheMinute(pid7) || sent.isEmpty() || !sent.get().isFullDate()) {
      return Optional.empty();
    }
    long age = ChronoUnit.DAYS.between(LocalDate.parse(birth.get().date()), LocalDate.parse(sent.get().date()));
    return age <= NEONATAL_DAYS ? Optional.of(new DateTimeType(birth.get().dateTime())) : Optional.empty();
  }

  private static boolean linksMother(MappingContext ctx, SegmentRef pidRef) {
    for (CX cx : pidRef.as(PID.class).getPid21_MotherSIdentifier()) {
      if (!V2.isEmpty(cx)) {
        return true;
      }
    }
    return ctx.message().all("NK1").stream().anyMatch(nk1 -> MotherToRelatedPerson.isMother(ctx, nk1));
  }
}
