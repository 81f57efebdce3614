package cn.healthcard.hub.mappings.hl7v2;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * What an ACK needs from outside the message, passed in so building it stays a pure function.
 *
 * @param timestamp MSH-7 of the ACK, an HL7 TS ({@code 20250301101500+0800})
 * @param controlId MSH-10 of the ACK; blank means derive one from the inbound control id
 *     ({@code ACK} + its first 17 characters), which is only unique if the sender's ids are
 * @param application the hub as MSH-3 when the inbound MSH-5 is empty
 * @param facility the hub as MSH-4 when the inbound MSH-6 is empty
 */
public record AckContext(String timestamp, String controlId, String application, String facility) {

  public static final String DEFAULT_APPLICATION = "HUB";
  public static final String DEFAULT_FACILITY = "HEALTHCARD-HUB";

  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmmssZ");

  public AckContext {
    Objects.requireNonNull(timestamp, "timestamp");
    controlId = controlId == null ? "" : controlId;
    application = application == null || application.isBlank() ? DEFAULT_APPLICATION : application;
    facility = facility == null || facility.isBlank() ? DEFAULT_FACILITY : facility;
  }

  /** An ACK sent at {@code now} with control id {@code controlId}, from the default hub names. */
  public static AckContext of(OffsetDateTime now, String controlId) {
    return new AckContext(TS.format(now), controlId, DEFAULT_APPLICATION, DEFAULT_FACILITY);
  }
}
