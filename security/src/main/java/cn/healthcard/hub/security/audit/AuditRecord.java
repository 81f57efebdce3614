package cn.healthcard.hub.security.audit;

import java.time.Instant;
import java.util.List;

/**
 * One audited interaction, as captured on the request path. Never holds an identity number:
 * {@link #query} is redacted, patients are Patient ids.
 *
 * @param channel {@code fhir}, {@code hl7v2}, {@code admin}, {@code key-injection}, {@code oauth}
 * @param interaction FHIR restful-interaction code ({@code read}, {@code search-type},
 *     {@code create}, {@code transaction}, {@code operation}...), {@code message} for HL7 v2,
 *     {@code http} for other endpoints
 * @param action C, R, U, D or E (execute: searches and operations)
 * @param operation the operation name ({@code $everything}), or null
 * @param status the HTTP status answered (for HL7 v2: 200 AA, 422 AE, 400 AR)
 * @param patients the Patient ids the interaction touched
 * @param resources the resources it touched ({@code Type/id})
 * @param query what was asked, redacted (path and query string, or message type)
 * @param breakGlassReason the reason of an emergency access, or null
 */
public record AuditRecord(
    Instant recorded,
    String channel,
    String interaction,
    String action,
    String operation,
    int status,
    String clientId,
    String institution,
    String practitioner,
    List<String> roles,
    List<String> patients,
    List<String> resources,
    String query,
    String breakGlassReason,
    String requestId,
    String sourceAddress) {

  public AuditRecord {
    roles = roles == null ? List.of() : List.copyOf(roles);
    patients = patients == null ? List.of() : List.copyOf(patients);
    resources = resources == null ? List.of() : List.copyOf(resources);
  }

  public boolean succeeded() {
    return status >= 200 && status < 400;
  }
}
