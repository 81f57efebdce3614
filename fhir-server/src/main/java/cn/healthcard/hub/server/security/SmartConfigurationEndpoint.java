package cn.healthcard.hub.server.security;

import cn.healthcard.hub.server.HubProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code GET /fhir/.well-known/smart-configuration} and {@code GET /.well-known/smart-configuration}:
 * answered before the FHIR servlet, which would take the path for a resource type.
 */
public final class SmartConfigurationEndpoint extends OncePerRequestFilter {
  private final HubProperties hub;
  private final ObjectMapper json = new ObjectMapper();

  public SmartConfigurationEndpoint(HubProperties hub) {
    this.hub = hub;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    if (!"GET".equals(request.getMethod())) {
      response.setHeader("Allow", "GET");
      response.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
      return;
    }
    String base = SmartDiscovery.baseUrl(hub.security().publicUrl(), request);
    response.setStatus(200);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "max-age=3600");
    json.writeValue(response.getOutputStream(), SmartDiscovery.document(base));
  }
}
