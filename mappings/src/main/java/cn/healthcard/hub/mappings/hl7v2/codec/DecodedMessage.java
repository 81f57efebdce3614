package cn.healthcard.hub.mappings.hl7v2.codec;

import java.nio.charset.Charset;

/**
 * A message decoded from its bytes.
 *
 * @param text the message text exactly as the bytes say (no line-ending or framing changes)
 * @param charset the charset it was decoded with; reply in it
 * @param declaredCharset MSH-18 as sent ("" when empty): the name the reply's MSH-18 repeats
 */
public record DecodedMessage(String text, Charset charset, String declaredCharset) {}
