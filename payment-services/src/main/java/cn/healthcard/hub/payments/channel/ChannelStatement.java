package cn.healthcard.hub.payments.channel;

import java.time.LocalDate;
import java.util.List;

/**
 * A channel's statement of one day (the day in China's time zone, as every channel books it):
 * every line, and a digest of the file as downloaded (it names the statement in the report).
 */
public record ChannelStatement(String channel, LocalDate day, List<StatementLine> lines, String digest) {

  public ChannelStatement {
    lines = List.copyOf(lines);
  }

  /** How a statement file is named in reports: {@code sha1:<hex>} of its bytes as downloaded. */
  public static String digestOf(byte[] file) {
    try {
      return "sha1:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(file));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
