package cn.healthcard.hub.payments.channel;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An HTTP server on 127.0.0.1 and a free port for a channel simulator: embedded Tomcat, which
 * keeps header names as the client wrote them (some channels' SDKs look them up case-sensitively;
 * the JDK's server lower-cases them).
 */
public final class LoopbackServer implements AutoCloseable {

  /** What answers the requests. */
  @FunctionalInterface
  public interface Handler {
    void handle(HttpServletRequest request, HttpServletResponse response) throws IOException;
  }

  private final String name;
  private final Tomcat server;
  private final Connector connector;

  /**
   * @param name names the server in its thread names and errors ({@code wechatpay-simulator})
   * @param mapping the servlet mapping that reaches the handler ({@code /v3/*})
   */
  public LoopbackServer(String name, String mapping, Handler handler) throws IOException {
    this.name = name;
    org.apache.tomcat.util.modeler.Registry.disableRegistry();
    this.server = new Tomcat();
    server.setBaseDir(Files.createTempDirectory(name).toString());
    server.getEngine().setName(name);
    this.connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    server.getService().addConnector(connector);
    server.setConnector(connector);
    Context context = server.addContext("", null);
    Tomcat.addServlet(context, name, new HttpServlet() {
      @Override
      protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        handler.handle(request, response);
      }
    });
    context.addServletMappingDecoded(mapping, name);
    try {
      server.start();
    } catch (LifecycleException e) {
      throw new IOException("the " + name + " did not start", e);
    }
  }

  /** {@code http://127.0.0.1:<port>} */
  public String baseUrl() {
    return "http://127.0.0.1:" + connector.getLocalPort();
  }

  @Override
  public void close() {
    try {
      server.stop();
      server.destroy();
    } catch (LifecycleException e) {
      throw new UncheckedIOException(new IOException("the " + name + " did not stop", e));
    }
  }
}
