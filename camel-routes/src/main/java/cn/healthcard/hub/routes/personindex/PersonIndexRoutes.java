package cn.healthcard.hub.routes.personindex;

import java.time.Duration;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Patient writes to the person index. The outbox row written with each Patient is the durable
 * record; the queue only wakes the indexers (competing consumers on any instance), who take every
 * waiting write in batches. A wake-up lost with a restart costs nothing: the sweep takes what is
 * waiting, at start and then periodically (also after the index was down).
 *
 * <pre>
 * person-index-wake   direct:person-index-changed (after a Patient write commits) -> queue
 * person-index-update queue -> drain the outbox into the index
 * person-index-sweep  timer -> drain the outbox into the index
 * </pre>
 */
public final class PersonIndexRoutes extends RouteBuilder {

  public static final String CHANGED = "direct:person-index-changed";
  public static final String QUEUE = "hub.person-index";

  private final PersonIndexWork work;
  private final int consumers;
  private final Duration sweepEvery;

  public PersonIndexRoutes(PersonIndexWork work, int consumers, Duration sweepEvery) {
    this.work = work;
    this.consumers = consumers;
    this.sweepEvery = sweepEvery;
  }

  @Override
  public void configure() {
    from(CHANGED)
        .routeId("person-index-wake")
        .errorHandler(noErrorHandler())
        .doTry()
            .setBody(constant("changed"))
            .to("jms:queue:" + QUEUE + "?deliveryPersistent=false")
        .doCatch(Exception.class)
            .log(LoggingLevel.WARN, "Person index not woken (${exception.class}); the sweep will index the change")
        .end();

    from("jms:queue:" + QUEUE + "?concurrentConsumers=" + consumers + "&maxConcurrentConsumers=" + consumers)
        .routeId("person-index-update")
        .errorHandler(noErrorHandler())
        .process(this::drain);

    from("timer:person-index-sweep?delay=2000&period=" + Math.max(500, sweepEvery.toMillis()))
        .routeId("person-index-sweep")
        .errorHandler(noErrorHandler())
        .process(this::drain);
  }

  private void drain(Exchange exchange) {
    try {
      work.drain();
    } catch (Exception e) {
      // the writes stay in the outbox for the next wake-up or sweep; the exception's text may
      // quote what was indexed, so only its type is logged
      log.warn("Person index behind ({}); the writes wait for the next run", e.getClass().getSimpleName());
    }
  }
}
