package cn.healthcard.hub.server.immunization;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
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

  @Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
  public void restrict(BulkExportJobParameters parameters) {
    List<String> requested = parameters.getResourceTypes();
    if (requested == null || requested.isEmpty()) {
      parameters.setResourceTypes(new ArrayList<>(TYPES));
      return;
    }
    List<String> refused = requested.stream().filter(t -> !TYPES.contains(t)).toList();
    if (!refused.isEmpty()) {
      throw new InvalidRequestException(
          "_type " + String.join(",", refused) + " is not exported; bulk export covers " + String.join(", ", TYPES));
    }
  }
}
