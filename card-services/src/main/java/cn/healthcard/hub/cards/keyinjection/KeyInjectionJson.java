package cn.healthcard.hub.cards.keyinjection;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * The JSON form of the key-injection messages: field names as in the records, unknown fields
 * ignored, null fields omitted, UTF-8.
 */
public final class KeyInjectionJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private KeyInjectionJson() {}

  public static byte[] write(Object message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a key-injection message", e);
    }
  }

  /** @throws KeyInjectionRefused {@link RefusalCode#MALFORMED} if {@code json} is not one */
  public static <T> T read(byte[] json, Class<T> type) {
    if (json == null || json.length == 0) {
      throw new KeyInjectionRefused(RefusalCode.MALFORMED, "empty message", null);
    }
    try {
      T message = MAPPER.readValue(json, type);
      if (message == null) {
        throw new KeyInjectionRefused(RefusalCode.MALFORMED, "the message is JSON null", null);
      }
      return message;
    } catch (IOException e) {
      // the parser's text may quote the content: it is not passed on
      throw new KeyInjectionRefused(
          RefusalCode.MALFORMED, "the message is not a JSON " + type.getSimpleName(), null);
    }
  }
}
