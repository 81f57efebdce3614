package cn.healthcard.hub.server.security;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The error bodies of the client administration endpoints, in the OAuth 2.0 error style the
 * token endpoint also answers with: {@code error}, {@code error_description}, and for a refused
 * request the {@code problems} naming each failing field.
 */
public final class AdminErrors {
  /** One failing field of a request and what is wrong with it. */
  public record Problem(String field, String message) {}

  private AdminErrors() {}

  /** 400 {@code invalid_request} naming every failing field. */
  public static ResponseEntity<Map<String, Object>> invalid(List<Problem> problems) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("error", "invalid_request");
    out.put("problems", problems.stream().map(p -> Map.of("field", p.field(), "message", p.message())).toList());
    return ResponseEntity.badRequest().body(out);
  }

  /** 400 {@code invalid_request} for one failing field. */
  public static ResponseEntity<Map<String, Object>> invalid(String field, String message) {
    return invalid(List.of(new Problem(field, message)));
  }

  /** 404 {@code not_found}. */
  public static ResponseEntity<Map<String, Object>> notFound(String description) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("error", "not_found");
    out.put("error_description", description);
    return ResponseEntity.status(HttpStatus.NOT_FOUND).body(out);
  }
}
