package cn.healthcard.hub.mappings.hl7v2.datatype;

import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import java.math.BigDecimal;
import java.util.Optional;

/** NM values (v2 numbers) as exact decimals. */
public final class Numbers {

  private Numbers() {}

  /** The number, empty when the text is empty; not a number records a 102 at {@code where}. */
  public static Optional<BigDecimal> decimal(MappingContext ctx, String text, ErrorLocation where, String fieldName) {
    if (text.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BigDecimal(text));
    } catch (NumberFormatException e) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, where, fieldName + " must be a number");
      return Optional.empty();
    }
  }
}
