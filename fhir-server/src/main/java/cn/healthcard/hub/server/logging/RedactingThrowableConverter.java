package cn.healthcard.hub.server.logging;

import ch.qos.logback.classic.spi.IThrowableProxy;
import cn.healthcard.hub.terminology.identity.IdentityNumberRedactor;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/** Boot's stack-trace rendering, with identity numbers and parser-quoted values in exception messages masked. */
public class RedactingThrowableConverter extends ExtendedWhitespaceThrowableProxyConverter {
  @Override
  protected String throwableProxyToString(IThrowableProxy proxy) {
    return ParserValueRedactor.redact(IdentityNumberRedactor.redact(super.throwableProxyToString(proxy)));
  }
}
