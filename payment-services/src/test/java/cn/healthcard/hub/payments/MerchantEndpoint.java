package cn.healthcard.hub.payments;

import cn.healthcard.hub.payments.channel.PaymentChannel.NotificationAnswer;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The hospital's side in the channels' end-to-end tests: an HTTP endpoint on loopback that hands
 * each notification, headers and raw body, to {@link Payments}, and answers as it answers; told
 * to, it refuses them instead (the channel then sends them again).
 */
public final class MerchantEndpoint implements AutoCloseable {

  private final HttpServer server;
  private final String path;
  /** While above zero, notifications are refused with {@code refusalStatus}. */
  public final AtomicInteger refusing = new AtomicInteger();

  private MerchantEndpoint(HttpServer server, String path) {
    this.server = server;
    this.path = path;
  }

  /** @param payments read at each notification (the tests make it after the channel's sandbox) */
  public static MerchantEndpoint start(String channel, Supplier<Payments> payments, int refusalStatus) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    MerchantEndpoint endpoint = new MerchantEndpoint(server, "/notify/" + channel);
    server.createContext(endpoint.path, exchange -> {
      try (exchange) {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (endpoint.refusing.get() > 0) {
          exchange.sendResponseHeaders(refusalStatus, -1);
          return;
        }
        Map<String, String> headers = new HashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        NotificationAnswer answer = payments.get().notification(channel, headers, body);
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
          exchange.getResponseBody().write(bytes);
        }
      }
    });
    server.start();
    return endpoint;
  }

  public String notifyUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Reads until {@code done} or ten seconds have passed; answers the last read. */
  public static <T> T await(Supplier<T> read, Predicate<T> done) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(10);
    T value = read.get();
    while (!done.test(value) && Instant.now().isBefore(deadline)) {
      Thread.sleep(50);
      value = read.get();
    }
    return value;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
