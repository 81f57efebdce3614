package cn.healthcard.hub.security.clients;

import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.SmartScopes;
import cn.healthcard.hub.terminology.division.Divisions;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.net.URI;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * A registration request ({@code POST /admin/clients}) checked and turned into a {@link HubClient}:
 * every problem is reported with the field it is about.
 */
public final class ClientRegistration {
  private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{2,63}");
  private static final Pattern INSTITUTION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern PRACTITIONER = Pattern.compile("Practitioner/[A-Za-z0-9.-]{1,64}");
  private static final Pattern PATIENT = Pattern.compile("(Patient/)?[A-Za-z0-9.-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A problem with one field of the request. */
  public record Problem(String field, String message) {}

  /** The client to store, and the secret to hand back once (null for key-based clients). */
  public record Registered(HubClient client, String secret) {}

  public static final class Invalid extends RuntimeException {
    private final List<Problem> problems;

    Invalid(List<Problem> problems) {
      super(problems.toString());
      this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
      return problems;
    }
  }

  private final PasswordEncoder encoder;
  private final Divisions divisions;

  public ClientRegistration(PasswordEncoder encoder, Divisions divisions) {
    this.encoder = encoder;
    this.divisions = divisions;
  }

  public Registered register(Map<String, Object> request, Instant now) {
    List<Problem> problems = new ArrayList<>();
    String clientId = string(request, "client_id", problems);
    if (clientId == null) {
      problems.add(new Problem("client_id", "required"));
    } else if (!CLIENT_ID.matcher(clientId).matches()) {
      problems.add(new Problem("client_id", "3 to 64 letters, digits, '.', '_' or '-'"));
    }
    Set<Role> roles = roles(request, problems);
    String institution = string(request, "institution", problems);
    if (institution != null && !INSTITUTION.matcher(institution).matches()) {
      problems.add(new Problem("institution", "not an institution id"));
    }
    String division = string(request, "division", problems);
    if (division != null) {
      if (Divisions.prefix(division).flatMap(divisions::find).isEmpty()) {
        problems.add(new Problem("division", "not a GB/T 2260 division code"));
      }
    }
    String practitioner = string(request, "practitioner", problems);
    if (practitioner != null && !PRACTITIONER.matcher(practitioner).matches()) {
      problems.add(new Problem("practitioner", "must be Practitioner/<id>"));
    }
    if (roles.contains(Role.CLINICIAN) && institution == null) {
      problems.add(new Problem("institution", "a clinician works for an institution"));
    }
    String patient = string(request, "patient", problems);
    if (patient != null && !PATIENT.matcher(patient).matches()) {
      problems.add(new Problem("patient", "must be Patient/<id>"));
    }
    if (roles.contains(Role.RESIDENT) && patient == null) {
      problems.add(new Problem("patient", "a resident client is bound to its Patient"));
    }
    String jwks = null;
    String jwksUrl = string(request, "jwks_url", problems);
    Object jwksValue = request.get("jwks");
    if (jwksValue != null) {
      jwks = jwks(jwksValue, problems);
    }
    if (jwksUrl != null) {
      try {
        URI uri = URI.create(jwksUrl);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
          problems.add(new Problem("jwks_url", "must be an http(s) URL"));
        }
      } catch (IllegalArgumentException e) {
        problems.add(new Problem("jwks_url", "not a URL"));
      }
    }
    if (!problems.isEmpty()) {
      throw new Invalid(problems);
    }
    String secret = null;
    String secretHash = null;
    if (jwks == null && jwksUrl == null) {
      byte[] bytes = new byte[32];
      RANDOM.nextBytes(bytes);
      secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      secretHash = encoder.encode(secret);
    }
    if (patient != null && !patient.startsWith("Patient/")) {
      patient = "Patient/" + patient;
    }
    HubClient client = new HubClient(clientId, roles, institution,
        division == null ? null : Divisions.prefix(division).orElse(division), practitioner,
        patient == null ? null : patient.substring("Patient/".length()), secretHash, jwks, jwksUrl,
        SmartScopes.defaultsFor(roles), true, now);
    return new Registered(client, secret);
  }

  private static Set<Role> roles(Map<String, Object> request, List<Problem> problems) {
    Collection<?> codes;
    Object many = request.get("roles");
    Object one = request.get("role");
    if (many instanceof Collection<?> c) {
      codes = c;
    } else if (one != null) {
      codes = List.of(one);
    } else {
      problems.add(new Problem("role", "required (or roles)"));
      return EnumSet.noneOf(Role.class);
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    Set<String> unknown = new LinkedHashSet<>();
    for (Object code : codes) {
      Role.fromCode(String.valueOf(code)).ifPresentOrElse(roles::add, () -> unknown.add(String.valueOf(code)));
    }
    if (!unknown.isEmpty()) {
      problems.add(new Problem(many != null ? "roles" : "role", "unknown role " + String.join(", ", unknown)));
    } else if (roles.isEmpty()) {
      problems.add(new Problem("roles", "at least one role"));
    }
    return roles;
  }

  private static String jwks(Object value, List<Problem> problems) {
    try {
      JWKSet set = value instanceof Map<?, ?> map
          ? JWKSet.parse(toJson(map))
          : JWKSet.parse(String.valueOf(value));
      if (set.getKeys().isEmpty()) {
        problems.add(new Problem("jwks", "no keys"));
        return null;
      }
      for (JWK key : set.getKeys()) {
        if (key.isPrivate()) {
          problems.add(new Problem("jwks", "holds a private key: register public keys only"));
          return null;
        }
        if (key.getKeyID() == null) {
          problems.add(new Problem("jwks", "every key needs a kid"));
          return null;
        }
      }
      return set.toString(true);
    } catch (ParseException e) {
      problems.add(new Problem("jwks", "not a JWKS: " + e.getMessage()));
      return null;
    }
  }

  @SuppressWarnings("unchecked")
  private static String toJson(Map<?, ?> map) {
    return com.nimbusds.jose.util.JSONObjectUtils.toJSONString((Map<String, ?>) map);
  }

  private static String string(Map<String, Object> request, String field, List<Problem> problems) {
    Object value = request.get(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s)) {
      problems.add(new Problem(field, "must be a string"));
      return null;
    }
    return s.isBlank() ? null : s.strip();
  }
}
