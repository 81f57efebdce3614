package cn.healthcard.hub.security.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;

/**
 * The resources a request writes itself. Its client may see them whatever the consent rules say:
 * they are what it sent. It matters inside a transaction, where HAPI reads back each entry it has
 * just created (before the care relationship the write records exists, and before the entry's
 * references name stored ids); refusing that read makes HAPI skip the entry's final save, leaving
 * a resource without a version.
 */
final class WrittenResources {
  private static final String OBJECTS = WrittenResources.class.getName() + ".objects";
  private static final String IDS = WrittenResources.class.getName() + ".ids";

  private WrittenResources() {}

  /** Before storage: the object (it has no id yet when created). */
  static void writing(RequestDetails request, IBaseResource resource) {
    objects(request).add(resource);
  }

  /** Before commit: its stored id, for when the resource is read back as another object. */
  static void written(RequestDetails request, IBaseResource resource) {
    String key = key(resource);
    if (key != null) {
      ids(request).add(key);
    }
  }

  static boolean byThisRequest(RequestDetails request, IBaseResource resource) {
    if (request == null || resource == null) {
      return false;
    }
    @SuppressWarnings("unchecked")
    Set<IBaseResource> objects = (Set<IBaseResource>) request.getUserData().get(OBJECTS);
    if (objects != null && objects.contains(resource)) {
      return true;
    }
    @SuppressWarnings("unchecked")
    Set<String> ids = (Set<String>) request.getUserData().get(IDS);
    String key = ids == null ? null : key(resource);
    return key != null && ids.contains(key);
  }

  @SuppressWarnings("unchecked")
  private static Set<IBaseResource> objects(RequestDetails request) {
    return (Set<IBaseResource>) request.getUserData()
        .computeIfAbsent(OBJECTS, k -> Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  @SuppressWarnings("unchecked")
  private static Set<String> ids(RequestDetails request) {
    return (Set<String>) request.getUserData().computeIfAbsent(IDS, k -> new HashSet<String>());
  }

  private static String key(IBaseResource resource) {
    IIdType id = resource.getIdElement();
    if (id == null || !id.hasIdPart() || !id.hasResourceType() || id.getIdPart().indexOf(':') >= 0) {
      return null;
    }
    return id.getResourceType() + "/" + id.getIdPart();
  }
}
