package cn.healthcard.hub.routes.bank;

import cn.healthcard.hub.mappings.bank.MalformedStatement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Bank statements in: a file dropped into the inbound folder or posted over HTTP, recorded whole
 * before it is answered for, then stored as PaymentReconciliations by a worker.
 *
 * <pre>
 * bank-file-in        inbound folder -> intake (read whole, record) -> .done/ (or .failed/ with a .reason.txt)
 * bank-enqueue        direct:bank-enqueue (also POST /bank/statements) -> work queue
 * bank-process        work queue -> map again -> repository, atomically
 * bank-dead-letter    after the retries: the inbox row becomes a dead letter with the reason
 * bank-inbox-recover  at start: every statement an earlier run recorded but did not store -> queue
 * </pre>
 */
public final class BankStatementRoutes extends RouteBuilder {

  public static final String ENQUEUE = "direct:bank-enqueue";
  public static final String QUEUE = "hub.bank.inbound";
  public static final String INBOX_ID = "HubBankStatementId";

  /**
   * @param inbound the folder files are dropped into ({@code <hub.data-dir>/inbound/bank})
   * @param redeliveries attempts to store a statement before it is a dead letter
   */
  public record Settings(Path inbound, int redeliveries) {}

  private final Settings settings;
  private final BankStatementIntake intake;
  private final BankStatementProcessor processor;
  private final BankStatementInbox inbox;

  public BankStatementRoutes(Settings settings, BankStatementIntake intake, BankStatementProcessor processor,
      BankStatementInbox inbox) {
    this.settings = settings;
    this.intake = intake;
    this.processor = processor;
    this.inbox = inbox;
  }

  @Override
  public void configure() throws Exception {
    errorHandler(deadLetterChannel("direct:bank-dead-letter")
        .maximumRedeliveries(settings.redeliveries())
        .redeliveryDelay(1000)
        .useExponentialBackOff()
        .backOffMultiplier(2)
        .logRetryAttempted(false)
        .logExhausted(false)
        .onExceptionOccurred(exchange -> log.warn("Bank statement {} failed ({}); retrying", exchange.getIn().getBody(),
            exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class).getClass().getSimpleName()))
        .useOriginalMessage());

    Files.createDirectories(settings.inbound());
    // a file is taken once its size stops changing; a refused one goes to .failed with its reason
    // beside it, an accepted one to .done (only after it is recorded: a crash before that leaves
    // it in place to be read again, and the same file again is the same statement). No marker
    // files: a stale "<file>.camelLock" (seen in the integration tests, left by a poll that never
    // processed the file) holds a file back for good, and two instances reading one file is
    // harmless here, the file's SHA-256 making it one statement
    from("file:" + settings.inbound() + "?readLock=changed&readLockMarkerFile=false&readLockMinAge=1000&readLockCheckInterval=500"
            + "&move=.done/${date:now:yyyyMMdd}/${file:name}&moveFailed=.failed/${file:name}&delay=2000"
            + "&antExclude=**/*.tmp,**/*.part")
        .routeId("bank-file-in")
        .errorHandler(noErrorHandler())
        .process(exchange -> {
          String name = exchange.getIn().getHeader(Exchange.FILE_NAME_ONLY, String.class);
          BankStatementIntake.Accepted accepted;
          try {
            accepted = intake.receive(exchange.getIn().getBody(byte[].class), "file", name);
          } catch (MalformedStatement refused) {
            writeReason(name, refused);
            // the reason can quote a field of the file; Camel logs what it is thrown: the line only
            throw new MalformedStatement(refused.line(), "refused, the reason is in .failed/" + name + ".reason.txt");
          }
          log.info("Bank statement file accepted as statement {} ({}, {} entries{})", accepted.id(), accepted.format(),
              accepted.entries(), accepted.duplicate() ? ", a file received before" : "");
          exchange.getIn().setHeader(INBOX_ID, accepted.duplicate() ? null : accepted.id());
        })
        .filter(header(INBOX_ID).isNotNull())
            .setBody(header(INBOX_ID))
            .to(ENQUEUE)
        .end();

    from(ENQUEUE)
        .routeId("bank-enqueue")
        .errorHandler(noErrorHandler())
        .doTry()
            .to("jms:queue:" + QUEUE)
        .doCatch(Exception.class)
            .log(LoggingLevel.WARN, "Bank statement ${body} not queued (${exception.class}); it is queued again at the next start")
        .end();

    from("jms:queue:" + QUEUE)
        .routeId("bank-process")
        .process(exchange -> processor.process(exchange.getIn().getBody(Long.class)));

    from("direct:bank-dead-letter")
        .routeId("bank-dead-letter")
        .errorHandler(noErrorHandler())
        .process(exchange -> processor.deadLetter(exchange.getIn().getBody(Long.class),
            exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));

    Instant started = Instant.now();
    from("timer:bank-inbox-recover?repeatCount=1&delay=1000")
        .routeId("bank-inbox-recover")
        .errorHandler(noErrorHandler())
        .process(exchange -> {
          List<Long> all = new ArrayList<>(inbox.receivedBefore(started, 10_000));
          exchange.getIn().setBody(all);
        })
        .split(body())
            .to(ENQUEUE);
  }

  /** Beside the refused file in {@code .failed/}: why, with the line. */
  private void writeReason(String name, MalformedStatement refused) throws java.io.IOException {
    Path failed = settings.inbound().resolve(".failed");
    Files.createDirectories(failed);
    Files.writeString(failed.resolve(name + ".reason.txt"), refused.getMessage() + "\n", StandardCharsets.UTF_8);
    log.warn("Bank statement file refused at line {}; the reason is beside it in .failed/", refused.line());
  }
}
