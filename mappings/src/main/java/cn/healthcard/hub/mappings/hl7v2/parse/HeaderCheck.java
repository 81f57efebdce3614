package cn.healthcard.hub.mappings.hl7v2.parse;

import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.codec.RawHeader;
import java.util.ArrayList;
import java.util.List;

/**
 * The header checks that decide whether the hub takes a message at all. Every failure here is
 * an AR: the message is refused for reasons unrelated to its content. Warnings do not refuse it.
 */
public final class HeaderCheck {

  private HeaderCheck() {}

  public static List<Hl7Error> check(RawHeader h) {
    List<Hl7Error> errors = new ArrayList<>();
    if (!h.delimiters().usable()) {
      errors.add(Hl7Error.reject(ErrorCode.DATA_TYPE_ERROR, ErrorLocation.msh(2),
          "MSH-1 and MSH-2 must be five distinct delimiter characters"));
      return errors;
    }
    if (h.sendingFacility().isEmpty()) {
      errors.add(Hl7Error.reject(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.msh(4),
          "MSH-4 (sending facility) or at least MSH-3 (sending application) is required: the hub keys"
              + " messages and identifiers by it"));
    }
    String type = h.messageType();
    String trigger = h.triggerEvent();
    if (type.isEmpty()) {
      errors.add(Hl7Error.reject(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.msh(9),
          "MSH-9 (message type) is required"));
    } else if (!SupportedMessages.supportsType(type)) {
      errors.add(Hl7Error.reject(ErrorCode.UNSUPPORTED_MESSAGE_TYPE,
          ErrorLocation.component("MSH", 1, 9, 1, 1),
          "the hub accepts " + SupportedMessages.typeList() + " messages only"));
    } else if (!SupportedMessages.supports(type, trigger)) {
      errors.add(Hl7Error.reject(ErrorCode.UNSUPPORTED_EVENT_CODE,
          ErrorLocation.component("MSH", 1, 9, 1, 2),
          "the hub does not accept this trigger event for this message type"));
    }
    if (h.controlId().isEmpty()) {
      errors.add(Hl7Error.reject(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.msh(10),
          "MSH-10 (message control id) is required"));
    }
    String processingId = h.processingId();
    if (processingId.isEmpty()) {
      errors.add(Hl7Error.reject(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.msh(11),
          "MSH-11 (processing id) is required"));
    } else if (!SupportedMessages.PROCESSING_IDS.contains(processingId)) {
      errors.add(Hl7Error.reject(ErrorCode.UNSUPPORTED_PROCESSING_ID, ErrorLocation.msh(11),
          "the hub accepts processing ids P and T only"));
    }
    String version = h.version();
    if (version.isEmpty()) {
      errors.add(Hl7Error.reject(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.msh(12),
          "MSH-12 (version id) is required"));
    } else if (!SupportedMessages.VERSIONS.contains(version)) {
      errors.add(Hl7Error.reject(ErrorCode.UNSUPPORTED_VERSION_ID, ErrorLocation.msh(12),
          "the hub accepts HL7 versions 2.2 to 2.8.2 and 2.9"));
    }
    return errors;
  }

  /** What the sender should know about a message the hub accepts (ERR with severity W in the AA). */
  public static List<Hl7Error> warnings(RawHeader h) {
    List<Hl7Error> warnings = new ArrayList<>();
    if (h.facilityFromApplication()) {
      warnings.add(Hl7Error.warning(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.msh(4),
          "MSH-4 (sending facility) is empty: the sending application (MSH-3) keys this sender's messages"
              + " and identifiers instead; send MSH-4"));
    }
    return warnings;
  }
}
