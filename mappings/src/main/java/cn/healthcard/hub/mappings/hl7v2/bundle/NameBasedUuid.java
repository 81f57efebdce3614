package cn.healthcard.hub.mappings.hl7v2.bundle;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** RFC 4122 version 5 (SHA-1, name-based) UUIDs in the hub's own namespace. */
public final class NameBasedUuid {

  /** The namespace of every name-based UUID the HL7 v2 mapping mints. */
  static final UUID NAMESPACE = UUID.fromString("6f1d2c3e-8a4b-5c6d-9e7f-0a1b2c3d4e5f");

  private NameBasedUuid() {}

  /** The UUID of the parts joined by U+001F (a character no HL7 field can contain). */
  public static UUID of(String... parts) {
    String name = String.join("\u001f", parts);
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      ByteBuffer ns = ByteBuffer.allocate(16);
      ns.putLong(NAMESPACE.getMostSignificantBits()).putLong(NAMESPACE.getLeastSignificantBits());
      sha1.update(ns.array());
      byte[] h = sha1.digest(name.getBytes(StandardCharsets.UTF_8));
      h[6] = (byte) ((h[6] & 0x0f) | 0x50);
      h[8] = (byte) ((h[8] & 0x3f) | 0x80);
      ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
      return new UUID(b.getLong(), b.getLong());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
