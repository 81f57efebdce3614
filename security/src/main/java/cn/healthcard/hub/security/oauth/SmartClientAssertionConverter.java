package cn.healthcard.hub.security.oauth;

import com.nimbusds.jwt.JWTParser;
import jakarta.servlet.http.HttpServletRequest;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * A client assertion as SMART Backend Services sends it: without the {@code client_id} form
 * parameter (Spring Authorization Server's converter requires it). The client id is the
 * assertion's {@code iss}; the signature and every claim are verified afterwards by
 * {@link ClientAssertionDecoders}.
 */
public final class SmartClientAssertionConverter implements AuthenticationConverter {
  static final String JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

  @Override
  public Authentication convert(HttpServletRequest request) {
    if (!"POST".equals(request.getMethod())
        || !JWT_BEARER.equals(request.getParameter("client_assertion_type"))) {
      return null;
    }
    String assertion = request.getParameter("client_assertion");
    if (assertion == null || assertion.isBlank()) {
      throw invalid("client_assertion is required");
    }
    String clientId = request.getParameter("client_id");
    if (clientId == null) {
      try {
        clientId = JWTParser.parse(assertion).getJWTClaimsSet().getIssuer();
      } catch (ParseException e) {
        throw invalid("client_assertion is not a JWT");
      }
      if (clientId == null || clientId.isBlank()) {
        throw invalid("client_assertion has no iss");
      }
    }
    Map<String, Object> additional = new HashMap<>();
    request.getParameterMap().forEach((name, values) -> {
      if (!name.equals("client_assertion_type") && !name.equals("client_assertion")
          && !name.equals("client_id") && values.length > 0) {
        additional.put(name, values[0]);
      }
    });
    // the provider recognises an assertion by this method (the assertion type), and decides from
    // the signature whether it is private_key_jwt
    return new OAuth2ClientAuthenticationToken(
        clientId, new ClientAuthenticationMethod(JWT_BEARER), assertion, additional);
  }

  private static OAuth2AuthenticationException invalid(String description) {
    return new OAuth2AuthenticationException(
        new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, description, null));
  }
}
