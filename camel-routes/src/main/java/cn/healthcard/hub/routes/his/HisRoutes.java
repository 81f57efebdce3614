package cn.healthcard.hub.routes.his;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mllp.MllpConstants;

/**
 * Hospital systems pushing HL7 v2: MLLP in, durable inbox, ACK, work queue, repository.
 *
 * <pre>
 * his-mllp-in     mllp listener -> intake (map, record durably, ACK) -> queue the inbox id
 * his-mllp-tls-in the same over TLS with client certificates (hub.mllp.tls.port)
 * his-http-in     direct:his-http-in (POST /hl7v2) -> the same intake
 * his-process     work queue (competing consumers) -> map again -> repository, atomically
 * his-inbox-recover at start: every id an earlier run recorded but did not store -> queue
 * his-inbox-sweep timer -> ids recorded but not stored long after queueing -> queue again
 * his-dead-letter after the retries: the inbox row becomes a dead letter with the reason
 * </pre>
 */
public final class HisRoutes extends RouteBuilder {

  public static final String HTTP_IN = "direct:his-http-in";
  public static final String QUEUE = "hub.his.inbound";
  public static final String INBOX_ID = "HubInboxId";
  public static final String ACK_BYTES = "HubAck";
  public static final String ACK_CHARSET = "HubAckCharset";
  /** Set by the HTTP endpoint: the client's address and the institution its token is bound to. */
  public static final String REMOTE_ADDRESS = "HubRemoteAddress";
  public static final String BOUND_INSTITUTION = "HubBoundInstitution";

  /** Settings the routes need; the server binds them from {@code hub.mllp.*} and {@code hub.hl7v2.*}. */
  public record Settings(
      boolean mllpEnabled,
      String mllpHost,
      int mllpPort,
      int mllpTlsPort,
      int mllpMaxConnections,
      int mllpMaxMessageBytes,
      int workers,
      int redeliveries,
      Duration stalledAfter) {}

  /**
   * Name of the bean ({@code org.apache.camel.support.jsse.SSLContextParameters}) the MLLP-over-TLS
   * listener takes its TLS settings from: the server's identity and a trust decision that demands
   * a client certificate.
   */
  public static final String MLLP_TLS_CONTEXT = "hubMllpTls";

  private final Settings settings;
  private final Hl7v2Intake intake;
  private final HisProcessor processor;
  private final HisInbox inbox;

  public HisRoutes(Settings settings, Hl7v2Intake intake, HisProcessor processor, HisInbox inbox) {
    this.settings = settings;
    this.intake = intake;
    this.processor = processor;
    this.inbox = inbox;
  }

  @Override
  public void configure() {
    // Camel would log each failure with the exception's text, which for a database error quotes
    // the values written (names, identifiers): log the exception type and the inbox id instead;
    // the full (masked) reason is kept with the dead letter
    errorHandler(deadLetterChannel("direct:his-dead-letter")
        .maximumRedeliveries(settings.redeliveries())
        .redeliveryDelay(500)
        .useExponentialBackOff()
        .backOffMultiplier(2)
        .logRetryAttempted(false)
        .logExhausted(false)
        .onExceptionOccurred(exchange -> log.warn("Inbox message {} failed ({}); retrying",
            exchange.getIn().getBody(), exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class).getClass().getSimpleName()))
        .useOriginalMessage());

    if (settings.mllpEnabled()) {
      mllpListener("his-mllp-in", settings.mllpPort(), "");
      if (settings.mllpTlsPort() >= 0) {
        mllpListener("his-mllp-tls-in", settings.mllpTlsPort(), "&sslContextParameters=#" + MLLP_TLS_CONTEXT);
      }
    }

    from(HTTP_IN)
        .routeId("his-http-in")
        .errorHandler(noErrorHandler())
        .process(exchange -> receive(exchange, new SenderPolicy.Sender("http",
            exchange.getIn().getHeader(REMOTE_ADDRESS, String.class),
            exchange.getIn().getHeader(BOUND_INSTITUTION, String.class))))
        .wireTap("direct:his-enqueue")
        .setBody(exchangeProperty(ACK_BYTES))
        .setHeader(ACK_CHARSET, exchangeProperty(ACK_CHARSET));

    // The inbox row is the durable record; the queue only hands its id to a worker. So the
    // hand-over is not persisted again in the broker's journal (one fsync less before the ACK):
    // an id lost with a broker or hub restart is queued again by the recovery at start and by
    // the sweep.
    from("direct:his-enqueue")
        .routeId("his-enqueue")
        .errorHandler(noErrorHandler())
        .filter(header(INBOX_ID).isNotNull())
        .doTry()
            .setBody(header(INBOX_ID))
            .to("jms:queue:" + QUEUE + "?deliveryPersistent=false")
        .doCatch(Exception.class)
            .log(LoggingLevel.WARN, "Inbox id ${header." + INBOX_ID + "} not queued (${exception.class}); the sweep will queue it")
        .end();

    from("jms:queue:" + QUEUE + "?concurrentConsumers=" + settings.workers()
            + "&maxConcurrentConsumers=" + settings.workers())
        .routeId("his-process")
        .process(exchange -> processor.process(exchange.getIn().getBody(Long.class)));

    from("direct:his-dead-letter")
        .routeId("his-dead-letter")
        .errorHandler(noErrorHandler())
        .process(exchange -> processor.deadLetter(
            exchange.getIn().getBody(Long.class),
            exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class)));

    Instant started = Instant.now();
    from("timer:his-inbox-recover?repeatCount=1&delay=1000")
        .routeId("his-inbox-recover")
        .errorHandler(noErrorHandler())
        .process(exchange -> {
          List<Long> all = new ArrayList<>();
          List<Long> batch;
          while (!(batch = inbox.claimQueuedBefore(started, 1000)).isEmpty()) {
            all.addAll(batch);
          }
          exchange.getIn().setBody(all);
        })
        .split(body())
            .setHeader(INBOX_ID, body())
            .to("direct:his-enqueue");

    from("timer:his-inbox-sweep?delay=5000&period=" + Math.max(1000, settings.stalledAfter().toMillis() / 2))
        .routeId("his-inbox-sweep")
        .errorHandler(noErrorHandler())
        .process(exchange -> exchange.getIn().setBody(inbox.claimStalled(settings.stalledAfter(), 1000)))
        .split(body())
            .setHeader(INBOX_ID, body())
            .to("direct:his-enqueue");
  }

  private void mllpListener(String routeId, int port, String options) {
    from("mllp:" + settings.mllpHost() + ":" + port
            + "?autoAck=false&hl7Headers=false&stringPayload=false&validatePayload=false"
            + "&requireEndOfData=false&maxConcurrentConsumers=" + settings.mllpMaxConnections()
            + "&maxBufferSize=" + settings.mllpMaxMessageBytes() + options)
        .routeId(routeId)
        .errorHandler(noErrorHandler())
        .process(exchange -> receive(exchange, new SenderPolicy.Sender("mllp",
            remoteHost(exchange.getIn().getHeader(MllpConstants.MLLP_REMOTE_ADDRESS, String.class)), null,
            exchange.getIn().getHeader(MllpConstants.MLLP_SSL_CLIENT_CERT_SERIAL_NO, String.class))))
        .setProperty(MllpConstants.MLLP_ACKNOWLEDGEMENT, exchangeProperty(ACK_BYTES))
        // the row is durable: hand it to the workers without holding the ACK back
        .wireTap("direct:his-enqueue");
  }

  /** "/127.0.0.1:53211" or "/[0:0:0:0:0:0:0:1]:53211" (a socket address as text) to the host. */
  static String remoteHost(String address) {
    if (address == null) {
      return null;
    }
    String host = address.substring(address.indexOf('/') + 1);
    if (host.startsWith("[") && host.indexOf(']') > 0) {
      return host.substring(1, host.indexOf(']'));
    }
    int colon = host.lastIndexOf(':');
    return colon > 0 && host.indexOf(':') == colon ? host.substring(0, colon) : host;
  }

  private void receive(Exchange exchange, SenderPolicy.Sender sender) {
    Hl7v2Intake.Receipt receipt = intake.receive(exchange.getIn().getBody(byte[].class), sender);
    exchange.setProperty(ACK_BYTES, receipt.ack());
    exchange.setProperty(ACK_CHARSET, receipt.charset().name());
    OptionalLong id = receipt.inboxId();
    exchange.getIn().setHeader(INBOX_ID, id.isPresent() ? id.getAsLong() : null);
  }
}
