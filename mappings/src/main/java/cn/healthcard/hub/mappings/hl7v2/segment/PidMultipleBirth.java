package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.segment.PID;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.util.Optional;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;

/**
 * PID-24 (multiple birth indicator, table 0136 Y/N) and PID-25 (birth order) of a birth report
 * to {@code Patient.multipleBirth[x]}: {@code multipleBirthInteger} = PID-25 when PID-25 is sent,
 * else {@code multipleBirthBoolean} false. The birth order is part of the birth's identity (twins
 * share the mother and may share the minute), so PID-24 Y without PID-25 is an AE, as is a
 * PID-25 that contradicts PID-24 N. Only birth reports map these fields; other ADT keep them in
 * the message only, as before.
 */
public final class PidMultipleBirth {

  private static final int MAX_DIGITS = 2;

  private PidMultipleBirth() {}

  /** Sets multipleBirth on the child; the birth order (1 for a singleton), empty after an AE. */
  public static Optional<Integer> apply(MappingContext ctx, SegmentRef pidRef, Patient child) {
    PID pid = pidRef.as(PID.class);
    String indicator = s(pid.getPid24_MultipleBirthIndicator());
    String order = s(pid.getPid25_BirthOrder());
    if (!indicator.isEmpty() && !indicator.equals("Y") && !indicator.equals("N")) {
      ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, pidRef.at(24), "PID-24 (multiple birth indicator) must be Y or N");
      return Optional.empty();
    }
    if (order.isEmpty()) {
      if (indicator.equals("Y")) {
        ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, pidRef.at(25), "PID-25 (birth order) is required when PID-24 is Y");
        return Optional.empty();
      }
      child.setMultipleBirth(new BooleanType(false));
      return Optional.of(1);
    }
    if (!order.matches("\\d{1," + MAX_DIGITS + "}") || Integer.parseInt(order) < 1) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, pidRef.at(25), "PID-25 (birth order) must be a whole number from 1 to 99");
      return Optional.empty();
    }
    int n = Integer.parseInt(order);
    if (indicator.equals("N") && n > 1) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, pidRef.at(25), "PID-25 (birth order) above 1 contradicts PID-24 N");
      return Optional.empty();
    }
    child.setMultipleBirth(new IntegerType(n));
    return Optional.of(n);
  }
}
