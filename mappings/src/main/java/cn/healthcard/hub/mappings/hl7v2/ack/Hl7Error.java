package cn.healthcard.hub.mappings.hl7v2.ack;

import java.util.Objects;

/**
 * One problem with an inbound message, as it goes into an ERR segment.
 *
 * @param ack what the problem makes of the message: {@link AckCode#AR} (rejected for reasons
 *     unrelated to its content: type, event, version, processing id, character set, unreadable
 *     header), {@link AckCode#AE} (content error: fix and send again) or {@link AckCode#AA} (a
 *     warning: accepted, but the sender should know; ERR-4 severity W)
 * @param code the table 0357 code (ERR-3)
 * @param location where (ERR-2)
 * @param userMessage a short English text for the sender's operators (ERR-8). Never contains
 *     message content: no names, no identity numbers, no values, only field names and rules
 */
public record Hl7Error(AckCode ack, ErrorCode code, ErrorLocation location, String userMessage) {

  public Hl7Error {
    Objects.requireNonNull(ack, "ack");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(location, "location");
    userMessage = userMessage == null ? code.text() : userMessage;
  }

  /** A content error (AE). */
  public static Hl7Error error(ErrorCode code, ErrorLocation location, String userMessage) {
    return new Hl7Error(AckCode.AE, code, location, userMessage);
  }

  /** A warning on an accepted message (AA, severity W). */
  public static Hl7Error warning(ErrorCode code, ErrorLocation location, String userMessage) {
    return new Hl7Error(AckCode.AA, code, location, userMessage);
  }

  public boolean isWarning() {
    return ack == AckCode.AA;
  }

  /** A rejection (AR). */
  public static Hl7Error reject(ErrorCode code, ErrorLocation location, String userMessage) {
    return new Hl7Error(AckCode.AR, code, location, userMessage);
  }
}
