package cn.healthcard.hub.routes.his;

import cn.healthcard.hub.mappings.hl7v2.codec.RawHeader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The character set to assume for a sender whose messages leave MSH-18 empty: configured per
 * sending facility (MSH-4), else the hub-wide default.
 */
public final class SenderCharsets {

  private final Charset fallback;
  private final Map<String, Charset> bySender;

  public SenderCharsets(Charset fallback, Map<String, Charset> bySender) {
    this.fallback = fallback;
    this.bySender = Map.copyOf(bySender);
  }

  /**
   * The default for the sender of these raw bytes. The header fields before MSH-18 are ASCII in
   * every encoding HL7 allows, so MSH-4 can be read before the charset is known.
   */
  public Charset forMessage(byte[] raw) {
    return RawHeader.read(new String(raw, StandardCharsets.ISO_8859_1))
        .map(RawHeader::sendingFacility)
        .filter(sender -> !sender.isEmpty())
        .map(sender -> bySender.getOrDefault(sender, fallback))
        .orElse(fallback);
  }
}
