package cn.healthcard.hub.server.security;

import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.CallerAuthentication;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.audit.AuditRecord;
import cn.healthcard.hub.security.audit.AuditTrail;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * Audits what the FHIR interceptors do not see: calls to {@code /admin}, {@code /hl7v2},
 * {@code /key-injection}, {@code /actuator}, the token endpoint, the payment channels'
 * notifications and the payments sandbox, and FHIR requests refused
 * before HAPI (401, 403). Runs outside Spring Security, so it sees refusals too; the caller is
 * read from the security context Spring Security leaves on the request. Bodies of these
 * endpoints are small: they are held back until the audit entry is written, so a 2xx answer
 * never leaves without its entry.
 */
public final class AuditFilter extends OncePerRequestFilter {
  private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
  /** Set by the FHIR audit when it has recorded the request itself. */
  static final String AUDITED = cn.healthcard.hub.security.audit.FhirAuditCapture.AUDITED_ATTRIBUTE;

  private final AuditTrail trail;
  private final Clock clock;

  public AuditFilter(AuditTrail trail, Clock clock) {
    this.trail = trail;
    this.clock = clock;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    // the decoded path the handlers see (a percent-encoded /%61dmin reaches /admin too)
    String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
    boolean fhir = path.startsWith("/fhir");
    if (!audited(path)) {
      chain.doFilter(request, response);
      return;
    }
    if (fhir) {
      try {
        chain.doFilter(request, response);
      } finally {
        if (request.getAttribute(AUDITED) == null && response.getStatus() >= 400 && !publicFhir(path)) {
          record(request, path, response.getStatus());
        }
      }
      return;
    }
    ContentCachingResponseWrapper held = new ContentCachingResponseWrapper(response);
    try {
      chain.doFilter(request, held);
    } catch (IOException | ServletException | RuntimeException e) {
      record(request, path, 500);
      throw e;
    }
    try {
      record(request, path, held.getStatus());
    } catch (RuntimeException e) {
      log.error("Audit entry for {} could not be written ({}): answered 500", path, e.getClass().getSimpleName());
      held.resetBuffer();
      held.setStatus(500);
    }
    held.copyBodyToResponse();
  }

  static boolean audited(String path) {
    return path.startsWith("/fhir") || path.startsWith("/admin") || path.equals("/hl7v2")
        || path.startsWith("/key-injection") || path.startsWith("/oauth2/token")
        || path.startsWith("/payments/notify/") || path.startsWith("/sandbox/") || path.startsWith("/bank/")
        || (path.startsWith("/actuator") && !path.startsWith("/actuator/health"));
  }

  private static boolean publicFhir(String path) {
    return path.equals("/fhir/metadata") || path.startsWith("/fhir/.well-known");
  }

  private void record(HttpServletRequest request, String path, int status) {
    Caller caller = caller(request);
    String clientId = caller != null ? caller.clientId()
        : path.startsWith("/oauth2/token") ? "token-request"
        : path.startsWith("/payments/notify/") ? "payment-channel" : "anonymous";
    String method = request.getMethod();
    String action = switch (method) {
      case "POST" -> path.startsWith("/admin") ? "C" : "E";
      case "PUT", "PATCH" -> "U";
      case "DELETE" -> "D";
      default -> "R";
    };
    String channel = path.startsWith("/fhir") ? "fhir" : path.equals("/hl7v2") ? "hl7v2"
        : path.startsWith("/oauth2") ? "oauth" : path.startsWith("/key-injection") ? "key-injection"
        : path.startsWith("/payments/") || path.startsWith("/sandbox/") || path.startsWith("/bank/") ? "payments"
        : "admin";
    trail.record(new AuditRecord(
        clock.instant(), channel, path.equals("/hl7v2") ? "message" : "http", action, null, status, clientId,
        caller == null ? null : caller.institution(), caller == null ? null : caller.practitioner(),
        caller == null ? List.of() : caller.roles().stream().map(Role::code).sorted().toList(),
        List.of(), List.of(), method + " " + path, null,
        UUID.randomUUID().toString(), request.getRemoteAddr()));
  }

  private static Caller caller(HttpServletRequest request) {
    Object context = request.getAttribute(RequestAttributeSecurityContextRepository.DEFAULT_REQUEST_ATTR_NAME);
    if (context instanceof SecurityContext security
        && security.getAuthentication() instanceof CallerAuthentication authentication) {
      return authentication.getPrincipal();
    }
    return null;
  }
}
