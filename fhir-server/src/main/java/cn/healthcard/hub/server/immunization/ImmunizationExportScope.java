package cn.healthcard.hub.server.immunization;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Bulk export serves public-health agencies: it is restricted to the resource types that make up
 * immunization records (who, what was given, where, by whom, what was recommended, what went
 * wrong). Without {@code _type} the export covers exactly these; asking for another type is a
 * 400 naming the types allowed.
 */
@Interceptor
public class ImmunizationExportScope {
  public static final Set<String> TYPES =
      new TreeSet<>(
          List.of(
              "Patient",
              "Immunization",
              "ImmunizationRecommendation",
              "AdverseEvent",
              "Organization",
              "Practitioner",
              "Location"));

  /**
   * HAPI has already filled the types in when this runs (every type for a system export, the
   * patient compartment for a Group export), so what the client asked for is read from the
   * request: an explicit {@code _type} outside the scope is refused; otherwise the types are cut
   * down to the scope.
   */
  @Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
  public void restrict(BulkExportJobParameters parameters, RequestDetails request) {
    String[] asked = request == null ? null : request.getParameters().get("_type");
    if (asked != null) {
      List<String> refused = new ArrayList<>();
      for (String value : asked) {
        for (String type : value.split(",")) {
          if (!type.isBlank() && !TYPES.contains(type.trim())) {
            refused.add(type.trim());
          }
        }
      }
      if (!refused.isEmpty()) {
        throw new InvalidRequestException(
            "_type " + String.join(",", refused) + " is not exported; bulk export covers " + String.join(", ", TYPES));
      }
    }
    List<String> requested = parameters.getResourceTypes();
    List<String> scoped =
        requested == null || requested.isEmpty()
            ? new ArrayList<>(TYPES)
            : requested.stream().filter(TYPES::contains).toList();
    parameters.setResourceTypes(new ArrayList<>(scoped.isEmpty() ? TYPES : scoped));
  }
}
