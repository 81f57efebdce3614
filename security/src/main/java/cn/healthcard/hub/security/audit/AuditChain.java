package cn.healthcard.hub.security.audit;

import ca.uhn.fhir.context.FhirContext;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.SM3Digest;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.StringType;

/**
 * The tamper-evident chain over a day's AuditEvents: link n = SM3(link n-1 || the event's
 * canonical JSON without id and meta). Each event also carries link n-1 in the extension
 * {@value #EXTENSION}, so editing an event, or the stored links, or removing an event breaks the
 * chain from there on.
 */
public final class AuditChain {
  public static final String EXTENSION = "https://hub.healthcard.cn/fhir/StructureDefinition/audit-chain-previous";
  /** The link before the first event of a day. */
  public static final String GENESIS = "0".repeat(64);

  private final FhirContext fhir;

  public AuditChain(FhirContext fhir) {
    this.fhir = fhir;
  }

  /** Puts the previous link on the event (before it is stored). */
  public static void chainTo(AuditEvent event, String previous) {
    event.getExtension().removeIf(e -> EXTENSION.equals(e.getUrl()));
    event.addExtension(new Extension(EXTENSION, new StringType(previous)));
  }

  public static String previousOf(AuditEvent event) {
    Extension extension = event.getExtensionByUrl(EXTENSION);
    return extension == null ? null : extension.getValue().primitiveValue();
  }

  /** This event's link, given the previous one. */
  public String link(String previous, AuditEvent event) {
    AuditEvent copy = event.copy();
    copy.setId((String) null);
    copy.setMeta(null);
    byte[] content = fhir.newJsonParser().setPrettyPrint(false).encodeResourceToString(copy)
        .getBytes(StandardCharsets.UTF_8);
    SM3Digest digest = new SM3Digest();
    byte[] prev = previous.getBytes(StandardCharsets.US_ASCII);
    digest.update(prev, 0, prev.length);
    digest.update(content, 0, content.length);
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return HexFormat.of().formatHex(out);
  }
}
