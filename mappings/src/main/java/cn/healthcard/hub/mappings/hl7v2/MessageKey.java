package cn.healthcard.hub.mappings.hl7v2;

/**
 * What identifies one inbound message for idempotency: the sending facility (MSH-4.1, or MSH-4.2
 * when MSH-4.1 is empty, unescaped) and the control id (MSH-10.1). Neither is personal data.
 */
public record MessageKey(String sendingFacility, String controlId) {}
