package cn.healthcard.hub.server.logging;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import cn.healthcard.hub.terminology.identity.IdentityNumberRedactor;

/**
 * The log message with identity numbers and the values parser messages quote masked. The hub itself never logs one; this catches
 * libraries that quote values (SQL errors, query strings).
 */
public class RedactingMessageConverter extends MessageConverter {
  @Override
  public String convert(ILoggingEvent event) {
    return ParserValueRedactor.redact(IdentityNumberRedactor.redact(super.convert(event)));
  }
}
