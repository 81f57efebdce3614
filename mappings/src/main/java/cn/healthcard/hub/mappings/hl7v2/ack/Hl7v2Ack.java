package cn.healthcard.hub.mappings.hl7v2.ack;

import cn.healthcard.hub.mappings.hl7v2.AckContext;
import cn.healthcard.hub.mappings.hl7v2.codec.Delimiters;
import cn.healthcard.hub.mappings.hl7v2.codec.RawHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds original-mode ACKs as text, from whatever of the inbound MSH could be read: it works on
 * a message no parser accepts, and without any MSH at all (then an AR addressed to nobody).
 *
 * <p>MSH: sender and receiver swapped, MSH-7 and MSH-10 from the {@link AckContext}, MSH-9
 * {@code ACK^<trigger>^ACK}, MSH-11/12 copied (MSH-12 only when it is an HL7 version, else
 * 2.5.1), MSH-18 the sender's charset name as it sent it. MSA: the code, the inbound control id,
 * a text. One ERR per error: ERR-2 location, ERR-3 the table 0357 code, ERR-4 severity E (W for
 * a warning on an accepted message),
 * ERR-8 the user message; for 2.3/2.3.1/2.4 senders also ERR-1 (ELD), the only ERR field they
 * know. The inbound delimiters are reused when they are usable, so copied fields stay as sent;
 * copied fields lose control characters (an MLLP end byte in MSH-3 must not end the frame) and
 * are capped in length. No message content but the header routing fields is copied: error texts
 * are fixed sentences naming fields, never values.
 */
public final class Hl7v2Ack {

  private static final Set<String> KNOWN_VERSIONS =
      Set.of("2.1", "2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2",
          "2.9");
  private static final Set<String> ELD_VERSIONS = Set.of("2.1", "2.2", "2.3", "2.3.1", "2.4");
  static final String DEFAULT_VERSION = "2.5.1";

  private Hl7v2Ack() {}

  /**
   * The ACK for a message.
   *
   * @param header the inbound MSH as far as it could be read; empty when there was none
   * @param code AA, AE or AR
   * @param errors the errors (ERR segments); for AA, warnings only
   * @param ctx timestamp and control id of the ACK
   */
  public static String build(Optional<RawHeader> header, AckCode code, List<Hl7Error> errors, AckContext ctx) {
    String trigger = header.map(RawHeader::triggerEvent).orElse("");
    StringBuilder sb = new StringBuilder(256);
    sb.append(replyHeader(header, ctx, trigger.isEmpty() ? List.of("ACK") : List.of("ACK", clean(trigger), "ACK"), ""));
    sb.append(msa(header, code, errors));
    sb.append(err(header, errors));
    return sb.toString();
  }

  /** The delimiters a reply to this message uses: the sender's when usable, else the standard ones. */
  public static Delimiters delimiters(Optional<RawHeader> header) {
    return header.map(RawHeader::delimiters).filter(Delimiters::usable).orElse(Delimiters.STANDARD);
  }

  /** The HL7 version a reply to this message states: the inbound MSH-12 when it is one, else 2.5.1. */
  public static String version(Optional<RawHeader> header) {
    return header.map(RawHeader::version).filter(KNOWN_VERSIONS::contains).orElse(DEFAULT_VERSION);
  }

  /**
   * The MSH segment (ended by CR) of a reply: sender and receiver swapped, MSH-7 and MSH-10 from
   * the context, MSH-9 the given components (unescaped), MSH-11/12 and MSH-18 from the inbound
   * header, MSH-21 the given profile (already encoded, may be empty).
   */
  public static String replyHeader(Optional<RawHeader> header, AckContext ctx, List<String> messageType,
      String profile) {
    Delimiters d = delimiters(header);
    boolean copyRaw = header.isPresent() && header.get().delimiters().usable();
    String inboundControlId = header.map(RawHeader::controlId).orElse("");
    List<String> msh = new ArrayList<>();
    msh.add("MSH");
    msh.add(d.encodingCharacters());
    msh.add(orDefault(copied(header, 5, copyRaw, d), d.escape(ctx.application())));
    msh.add(orDefault(copied(header, 6, copyRaw, d), d.escape(ctx.facility())));
    msh.add(copied(header, 3, copyRaw, d));
    msh.add(copied(header, 4, copyRaw, d));
    msh.add(d.escape(clean(ctx.timestamp())));
    msh.add("");
    msh.add(String.join(String.valueOf(d.component()), messageType.stream().map(d::escape).toList()));
    String controlId = ctx.controlId().isBlank()
        ? "ACK" + cap(inboundControlId, 17)
        : ctx.controlId();
    msh.add(d.escape(clean(controlId)));
    String processingId = header.map(RawHeader::processingId).orElse("");
    msh.add(processingId.isEmpty() || processingId.length() > 3 ? "P" : d.escape(clean(processingId)));
    msh.add(version(header));
    for (int i = 13; i <= 17; i++) {
      msh.add("");
    }
    msh.add(copied(header, 18, copyRaw, d));
    msh.add("");
    msh.add("");
    msh.add(profile == null ? "" : profile);
    trimTrailingEmpty(msh);
    StringBuilder sb = new StringBuilder(160);
    appendSegment(sb, msh, d, true);
    return sb.toString();
  }

  /** The MSA segment (ended by CR): the code, the inbound control id, a text. */
  public static String msa(Optional<RawHeader> header, AckCode code, List<Hl7Error> errors) {
    Delimiters d = delimiters(header);
    String inboundControlId = header.map(RawHeader::controlId).orElse("");
    List<String> msa = new ArrayList<>();
    msa.add("MSA");
    msa.add(code.name());
    msa.add(d.escape(clean(cap(inboundControlId, 199))));
    msa.add(d.escape(code == AckCode.AA || errors.isEmpty() ? "Message accepted" : errors.get(0).userMessage()));
    StringBuilder sb = new StringBuilder(64);
    appendSegment(sb, msa, d, false);
    return sb.toString();
  }

  /** One ERR segment per error (each ended by CR). */
  public static String err(Optional<RawHeader> header, List<Hl7Error> errors) {
    Delimiters d = delimiters(header);
    boolean eld = ELD_VERSIONS.contains(version(header));
    StringBuilder sb = new StringBuilder(128);
    for (Hl7Error e : errors) {
      List<String> err = new ArrayList<>();
      err.add("ERR");
      String comp = String.valueOf(d.component());
      String sub = String.valueOf(d.subcomponent());
      ErrorLocation l = e.location();
      if (eld) {
        err.add(String.join(comp, List.of(
            d.escape(l.segment()),
            l.sequence() > 0 ? Integer.toString(l.sequence()) : "",
            l.field() > 0 ? Integer.toString(l.field()) : "",
            String.join(sub, e.code().code(), d.escape(e.code().text()), ErrorCode.CODING_SYSTEM))));
      } else {
        err.add("");
      }
      err.add(String.join(comp, l.parts().stream().map(d::escape).toList()));
      err.add(String.join(comp, e.code().code(), d.escape(e.code().text()), ErrorCode.CODING_SYSTEM));
      err.add(e.isWarning() ? "W" : "E");
      err.add("");
      err.add("");
      err.add("");
      err.add(d.escape(e.userMessage()));
      appendSegment(sb, err, d, false);
    }
    return sb.toString();
  }

  private static String copied(Optional<RawHeader> header, int field, boolean raw, Delimiters d) {
    if (header.isEmpty()) {
      return "";
    }
    String v = raw ? header.get().raw(field) : d.escape(header.get().text(field));
    return clean(v);
  }

  private static String orDefault(String v, String def) {
    return v.isEmpty() ? def : v;
  }

  /** Control characters (MLLP framing bytes among them) become spaces. */
  public static String clean(String v) {
    StringBuilder sb = null;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        if (sb == null) {
          sb = new StringBuilder(v);
        }
        sb.setCharAt(i, ' ');
      }
    }
    return sb == null ? v : sb.toString();
  }

  private static String cap(String v, int max) {
    return v.length() > max ? v.substring(0, max) : v;
  }

  private static void trimTrailingEmpty(List<String> fields) {
    while (fields.size() > 2 && fields.get(fields.size() - 1).isEmpty()) {
      fields.remove(fields.size() - 1);
    }
  }

  private static void appendSegment(StringBuilder sb, List<String> fields, Delimiters d, boolean msh) {
    trimTrailingEmpty(fields);
    if (msh) {
      // MSH-1 is the separator itself: "MSH" + "|" + "^~\&" + "|" + MSH-3 ...
      sb.append("MSH").append(d.field()).append(fields.get(1));
      for (int i = 2; i < fields.size(); i++) {
        sb.append(d.field()).append(fields.get(i));
      }
    } else {
      sb.append(fields.get(0));
      for (int i = 1; i < fields.size(); i++) {
        sb.append(d.field()).append(fields.get(i));
      }
    }
    sb.append('\r');
  }
}
