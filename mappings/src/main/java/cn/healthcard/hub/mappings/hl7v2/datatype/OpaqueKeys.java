package cn.healthcard.hub.mappings.hl7v2.datatype;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stable keys for what a sender reports without an id of its own (an allergy, a diagnosis of a
 * visit): the parts that make it the same thing, hashed, so that the same fact reported again
 * updates the resource instead of duplicating it, and no MRN, visit number or code is readable in
 * the identifier.
 */
public final class OpaqueKeys {

  private OpaqueKeys() {}

  /** {@code prefix-} and the first 128 bits of the SHA-256 of the parts joined by {@code |}. */
  public static String of(String prefix, String... parts) {
    String text = String.join("|", parts);
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return prefix + "-" + HexFormat.of().formatHex(hash, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }
}
