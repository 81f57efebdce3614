package cn.healthcard.hub.mappings.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.hl7.fhir.r4.model.Bundle;

/** Shared test material: sample messages as the wire would carry them, one engine, one ACK context. */
final class TestMessages {

  static final FhirContext FHIR = FhirContext.forR4Cached();
  static final Hl7v2Inbound INBOUND = new Hl7v2Inbound();
  static final AckContext ACK_CONTEXT =
      AckContext.of(OffsetDateTime.of(2025, 3, 31, 12, 0, 0, 0, ZoneOffset.ofHours(8)), "ACK-1");

  private TestMessages() {}

  /** A test resource's bytes with LF segment ends turned into CR, as on the wire. */
  static byte[] wire(String resource) {
    try (InputStream in = TestMessages.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + resource);
      }
      return toWire(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] toWire(byte[] b) {
    byte[] out = b.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] == '\n') {
        out[i] = '\r';
      }
    }
    return out;
  }

  /** A UTF-8 message written with LF or CR segment ends. */
  static byte[] utf8(String message) {
    return toWire(message.getBytes(StandardCharsets.UTF_8));
  }

  static InboundResult process(byte[] raw) {
    return INBOUND.process(raw, StandardCharsets.UTF_8, ACK_CONTEXT);
  }

  static InboundResult.Accepted accepted(byte[] raw) {
    InboundResult r = process(raw);
    assertThat(r).as(() -> "expected AA, got " + r.ack().replace('\r', '\n')).isInstanceOf(InboundResult.Accepted.class);
    return (InboundResult.Accepted) r;
  }

  static InboundResult.Rejected rejected(byte[] raw) {
    InboundResult r = process(raw);
    assertThat(r).as(() -> "expected a rejection, got " + r.ack()).isInstanceOf(InboundResult.Rejected.class);
    return (InboundResult.Rejected) r;
  }

  static String json(Bundle b) {
    return FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(b) + "\n";
  }

  /** Segment {@code id}'s fields of an ACK (index = field number; [0] is the segment id). */
  static String[] segment(String ack, String id, int occurrence) {
    int n = 0;
    char sep = ack.length() > 3 ? ack.charAt(3) : '|';
    for (String seg : ack.split("\r")) {
      if (seg.startsWith(id + sep) && ++n == occurrence) {
        String[] f = seg.split(java.util.regex.Pattern.quote(String.valueOf(sep)), -1);
        if (id.equals("MSH")) {
          String[] shifted = new String[f.length + 1];
          shifted[0] = "MSH";
          shifted[1] = String.valueOf(sep);
          System.arraycopy(f, 1, shifted, 2, f.length - 1);
          return shifted;
        }
        return f;
      }
    }
    return null;
  }

  static String field(String ack, String id, int occurrence, int field) {
    String[] f = segment(ack, id, occurrence);
    return f == null || field >= f.length ? "" : f[field];
  }

  /** A valid 18-digit card number for the first 17 characters. */
  static String card(String first17) {
    return first17 + cn.healthcard.hub.terminology.identity.ResidentIdNumber.checkCharacter(first17);
  }
}
