package cn.healthcard.hub.server.security.tls;

import cn.healthcard.hub.cards.ca.ClientCertificates;
import cn.healthcard.hub.security.CallerAuthentication;
import cn.healthcard.hub.security.clients.HubClient;
import cn.healthcard.hub.security.clients.HubClients;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Mutual TLS: a request without a bearer token but with a client certificate is the client the
 * Health CA issued that certificate to ({@link ClientCertificates#verify}), while that client is
 * registered and enabled. A certificate that does not authenticate anyone is answered 401 naming
 * why; a bearer token, when sent, always decides instead.
 *
 * <p>Verdicts are kept for {@value #CACHE_SECONDS} seconds (a database read per request would cost
 * the port its speed): a revocation or a disabled client takes effect within that time, on every
 * connection, also one opened before.
 */
public final class ClientCertificateAuthentication extends OncePerRequestFilter {
  static final int CACHE_SECONDS = 20;
  private static final String CERTIFICATES = "jakarta.servlet.request.X509Certificate";

  private record Verdict(String clientId, String refusal) {}

  private final ClientCertificates certificates;
  private final HubClients clients;
  private final RequestAttributeSecurityContextRepository contexts = new RequestAttributeSecurityContextRepository();
  private final Cache<String, Verdict> verdicts =
      Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(CACHE_SECONDS)).maximumSize(10_000).build();

  public ClientCertificateAuthentication(ClientCertificates certificates, HubClients clients) {
    this.certificates = certificates;
    this.clients = clients;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    Object presented = request.getAttribute(CERTIFICATES);
    if (request.getHeader(HttpHeaders.AUTHORIZATION) != null
        || !(presented instanceof X509Certificate[] chainPresented)
        || chainPresented.length == 0) {
      chain.doFilter(request, response);
      return;
    }
    Verdict verdict = verdicts.get(fingerprint(chainPresented[0]), key -> judge(chainPresented[0]));
    if (verdict.refusal() != null) {
      refuse(response, "client certificate refused: " + verdict.refusal());
      return;
    }
    Optional<HubClient> client = clients.current(verdict.clientId());
    if (client.isEmpty() || !client.get().enabled()) {
      refuse(response, "the certificate's client is not enabled");
      return;
    }
    SecurityContext context = SecurityContextHolder.createEmptyContext();
    context.setAuthentication(new CallerAuthentication(client.get().asCaller(), null));
    SecurityContextHolder.setContext(context);
    // where the audit filter, outside Spring Security, finds who called (as for tokens)
    contexts.saveContext(context, request, response);
    chain.doFilter(request, response);
  }

  private static void refuse(HttpServletResponse response, String reason) throws IOException {
    response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
    response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    response.setContentType("application/json");
    response.getOutputStream().write(("{\"error\":\"invalid_client\",\"error_description\":\""
        + reason.replace("\"", "'") + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  private Verdict judge(X509Certificate certificate) {
    try {
      return new Verdict(certificates.verify(certificate), null);
    } catch (ClientCertificates.Refused e) {
      return new Verdict(null, e.getMessage());
    }
  }

  private static String fingerprint(X509Certificate certificate) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
      throw new IllegalStateException("cannot fingerprint a client certificate", e);
    }
  }
}
