package cn.healthcard.hub.security.fhir;

import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * Which institution wrote a resource first: a {@code meta} extension the hub sets when the
 * resource is created (from the writer's token, or the HL7 v2 sending facility) and keeps on every
 * later version. Clients cannot set it. A restricted category stays visible to this institution.
 */
public final class AuthoringInstitution {
  public static final String EXTENSION = "https://hub.healthcard.cn/fhir/StructureDefinition/authoring-institution";

  private AuthoringInstitution() {}

  public static Optional<String> of(IBaseResource resource) {
    if (!(resource instanceof Resource r) || !r.hasMeta()) {
      return Optional.empty();
    }
    Extension extension = r.getMeta().getExtensionByUrl(EXTENSION);
    return extension == null || extension.getValue() == null
        ? Optional.empty() : Optional.ofNullable(extension.getValue().primitiveValue());
  }

  /** Sets it (null removes what a client may have sent). */
  public static void set(IBaseResource resource, String institution) {
    if (!(resource instanceof Resource r)) {
      return;
    }
    r.getMeta().getExtension().removeIf(e -> EXTENSION.equals(e.getUrl()));
    if (institution != null) {
      r.getMeta().addExtension(new Extension(EXTENSION, new StringType(institution)));
    }
  }
}
