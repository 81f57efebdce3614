package cn.healthcard.hub.mappings.hl7v2.ack;

/** HL7 table 0008, original acknowledgment mode (MSA-1). */
public enum AckCode {
  /** Application accept. */
  AA,
  /** Application error: the content is wrong; fix it and send again. */
  AE,
  /** Application reject: type, event, version, processing id or header not supported. */
  AR
}
