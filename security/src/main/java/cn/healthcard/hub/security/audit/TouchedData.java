package cn.healthcard.hub.security.audit;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The patients and resources a request has touched so far, kept on the request for its audit entry. */
public final class TouchedData {
  static final int MAX_RESOURCES = 100;
  static final int MAX_PATIENTS = 500;
  private static final String PATIENTS = TouchedData.class.getName() + ".patients";
  private static final String RESOURCES = TouchedData.class.getName() + ".resources";

  private TouchedData() {}

  public static void patient(RequestDetails request, String patientId) {
    Set<String> set = set(request, PATIENTS);
    if (set.size() < MAX_PATIENTS) {
      set.add(patientId);
    }
  }

  public static void resource(RequestDetails request, String reference) {
    Set<String> set = set(request, RESOURCES);
    if (set.size() < MAX_RESOURCES) {
      set.add(reference);
    }
  }

  public static List<String> patients(RequestDetails request) {
    return List.copyOf(set(request, PATIENTS));
  }

  public static List<String> resources(RequestDetails request) {
    return List.copyOf(set(request, RESOURCES));
  }

  @SuppressWarnings("unchecked")
  private static Set<String> set(RequestDetails request, String key) {
    return (Set<String>) request.getUserData().computeIfAbsent(key, k -> new LinkedHashSet<String>());
  }
}
