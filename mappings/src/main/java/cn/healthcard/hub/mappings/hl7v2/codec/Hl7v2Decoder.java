package cn.healthcard.hub.mappings.hl7v2.codec;

import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns the bytes of one message into text by its MSH-18, with a per-sender default when MSH-18
 * is empty, and ACK text back into bytes in the sender's charset.
 *
 * <p>MSH-18 is read from the bytes before decoding: MSH-1 gives the field separator, and the
 * MSH segment up to MSH-18 is ASCII in every encoding HL7 allows (GB 18030, GBK, UTF-8 and the
 * ISO 8859 family all keep ASCII bytes as ASCII). An MSH-18 the hub does not know is a
 * rejection (AR, table 0357 code 103 at MSH-18): the hub cannot read the message at all, which
 * is a reason unrelated to its content. Bytes that are not valid in the declared (or default)
 * charset are a content error (AE, 102 at MSH-18): nothing is guessed and nothing replaced, so a
 * name is never stored garbled.
 */
public final class Hl7v2Decoder {

  private Hl7v2Decoder() {}

  /** The outcome of decoding. */
  public sealed interface Result permits Decoded, Failed {}

  public record Decoded(DecodedMessage message) implements Result {}

  /**
   * The bytes could not be decoded.
   *
   * @param error why (AR for an unknown charset, AE for invalid bytes)
   * @param bestEffortText the bytes decoded leniently with the fallback charset (malformed
   *     input replaced), only to read the MSH for the ACK
   * @param replyCharset the charset to answer in (the sender default)
   * @param declaredCharset MSH-18 as sent
   */
  public record Failed(Hl7Error error, String bestEffortText, Charset replyCharset, String declaredCharset)
      implements Result {}

  public static Result decode(byte[] raw, Charset senderDefault) {
    Charset fallback = senderDefault == null ? StandardCharsets.UTF_8 : senderDefault;
    byte[] bytes = raw == null ? new byte[0] : raw;
    String declared = readMsh18(bytes);
    Charset charset = fallback;
    if (!declared.isEmpty()) {
      Optional<Charset> known = Hl7Charsets.forName(declared);
      if (known.isEmpty()) {
        return new Failed(
            Hl7Error.reject(
                ErrorCode.TABLE_VALUE_NOT_FOUND,
                ErrorLocation.msh(18),
                "MSH-18 names a character set the hub does not support"),
            new String(bytes, fallback),
            fallback,
            declared);
      }
      charset = known.get();
    }
    try {
      String text = charset.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
      return new Decoded(new DecodedMessage(text, charset, declared));
    } catch (CharacterCodingException e) {
      return new Failed(
          Hl7Error.error(
              ErrorCode.DATA_TYPE_ERROR,
              ErrorLocation.msh(18),
              declared.isEmpty()
                  ? "the message bytes are not valid in the sender's default character set (MSH-18 empty)"
                  : "the message bytes are not valid in the character set named in MSH-18"),
          new String(bytes, charset),
          charset,
          declared);
    }
  }

  /** The text in the given charset; characters it cannot represent become {@code ?}. */
  public static byte[] encode(String text, Charset charset) {
    Charset cs = charset == null ? StandardCharsets.UTF_8 : charset;
    try {
      var buffer = cs.newEncoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .encode(CharBuffer.wrap(text));
      byte[] out = new byte[buffer.remaining()];
      buffer.get(out);
      return out;
    } catch (CharacterCodingException e) {
      return text.getBytes(cs);
    }
  }

  /**
   * MSH-18 (first repetition, trimmed) read from the bytes, "" when absent or when the bytes do
   * not start with an MSH segment.
   */
  static String readMsh18(byte[] b) {
    int i = 0;
    if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
      i = 3;
    }
    while (i < b.length && (b[i] == 0x0b || b[i] == '\r' || b[i] == '\n' || b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    if (b.length - i < 8 || b[i] != 'M' || b[i + 1] != 'S' || b[i + 2] != 'H') {
      return "";
    }
    byte fieldSep = b[i + 3];
    byte repetitionSep = b[i + 5];
    int field = 1; // we are in MSH-1 after the separator
    int start = -1;
    for (int p = i + 3; p < b.length && b[p] != '\r' && b[p] != '\n'; p++) {
      if (b[p] == fieldSep) {
        field++;
        if (field == 18) {
          start = p + 1;
        } else if (field == 19) {
          return ascii(b, start, p, repetitionSep);
        }
      }
    }
    if (start < 0) {
      return "";
    }
    int end = start;
    while (end < b.length && b[end] != '\r' && b[end] != '\n') {
      end++;
    }
    return ascii(b, start, end, repetitionSep);
  }

  private static String ascii(byte[] b, int from, int to, byte repetitionSep) {
    int end = from;
    while (end < to && b[end] != repetitionSep) {
      end++;
    }
    return new String(b, from, end - from, StandardCharsets.ISO_8859_1).strip();
  }
}
