package cn.healthcard.hub.server.security;

import cn.healthcard.hub.security.SmartScopes;
import cn.healthcard.hub.security.Role;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The SMART on FHIR configuration document (App Launch 2.2, section "SMART Backend Services"). */
public final class SmartDiscovery {
  private SmartDiscovery() {}

  /** The hub's base URL: the configured public URL, else the one the request came in on. */
  public static String baseUrl(String publicUrl, HttpServletRequest request) {
    if (publicUrl != null && !publicUrl.isBlank()) {
      return publicUrl.replaceAll("/+$", "");
    }
    String scheme = request.getScheme();
    int port = request.getServerPort();
    boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    return scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
  }

  public static Map<String, Object> document(String base) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("issuer", base);
    doc.put("token_endpoint", base + "/oauth2/token");
    doc.put("jwks_uri", base + "/oauth2/jwks");
    doc.put("grant_types_supported", List.of("client_credentials"));
    doc.put("token_endpoint_auth_methods_supported", List.of("private_key_jwt", "client_secret_basic"));
    doc.put("token_endpoint_auth_signing_alg_values_supported", List.of("RS384", "ES384"));
    List<String> scopes = new ArrayList<>();
    for (Role role : Role.values()) {
      for (String scope : SmartScopes.defaultsFor(List.of(role))) {
        if (!scopes.contains(scope)) {
          scopes.add(scope);
        }
      }
    }
    doc.put("scopes_supported", scopes);
    doc.put("response_types_supported", List.of("token"));
    doc.put("capabilities", List.of("client-confidential-asymmetric", "client-confidential-symmetric",
        "permission-v2", "permission-v1"));
    doc.put("code_challenge_methods_supported", List.of("S256"));
    return doc;
  }
}
