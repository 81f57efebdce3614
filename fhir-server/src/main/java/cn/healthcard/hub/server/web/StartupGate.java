package cn.healthcard.hub.server.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 503 (with Retry-After and an OperationOutcome) until the application is ready. The
 * web server starts listening before the startup work that runs on the context-refreshed event
 * (search parameters, terminology): without this gate a client could see a hub without them.
 */
public class StartupGate extends OncePerRequestFilter
    implements ApplicationListener<ApplicationReadyEvent> {

  private static final byte[] STARTING =
      ("{\"resourceType\":\"OperationOutcome\",\"issue\":[{\"severity\":\"error\","
              + "\"code\":\"transient\",\"diagnostics\":\"The hub is starting; retry shortly\"}]}")
          .getBytes(StandardCharsets.UTF_8);

  private volatile boolean open;

  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    open = true;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (open) {
      chain.doFilter(request, response);
      return;
    }
    response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
    response.setHeader("Retry-After", "2");
    response.setContentType("application/fhir+json;charset=UTF-8");
    response.getOutputStream().write(STARTING);
  }
}
