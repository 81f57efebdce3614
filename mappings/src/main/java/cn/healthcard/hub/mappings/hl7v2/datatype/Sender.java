package cn.healthcard.hub.mappings.hl7v2.datatype;

import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.Identifier;

/**
 * The sending facility (MSH-4, an HD) and the namespaces the hub derives from it.
 *
 * <ul>
 *   <li>{@link #key()}: HD-1 (namespace id), else HD-2 (universal id). Message keys and hub-minted
 *       namespace URLs use it.
 *   <li>{@link #namespace(String)}: {@code https://hub.healthcard.cn/fhir/NamingSystem/<key>/<kind>}
 *       (the key percent-encoded as one path segment), the identifier system of the facility's
 *       own numbers of one kind: {@code mrn}, {@code visit}, {@code location},
 *       {@code practitioner}, {@code filler-order}, {@code placer-order}, {@code observation},
 *       {@code document}.
 *   <li>{@link #identifiers()}: the Organization's identifiers: {@code urn:ietf:rfc:3986} |
 *       {@code urn:oid:<HD-2>} when HD-2 is an OID, and always
 *       {@code https://hub.healthcard.cn/fhir/NamingSystem/facility} | key.
 * </ul>
 */
public record Sender(String namespaceId, String universalId, String universalIdType) {

  public static final String FACILITY_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/facility";
  public static final String URI_SYSTEM = "urn:ietf:rfc:3986";

  public String key() {
    return namespaceId.isEmpty() ? universalId : namespaceId;
  }

  public boolean hasOid() {
    return V2.isOid(universalId);
  }

  public String namespace(String kind) {
    return HubCodeSystems.BASE + "/NamingSystem/" + SearchUrls.pathSegment(key()) + "/" + kind;
  }

  /** The system of the facility's local codes in a coding system named {@code name} (or unnamed). */
  public String localCodeSystem(String name) {
    return HubCodeSystems.BASE + "/CodeSystem/" + SearchUrls.pathSegment(key()) + "/"
        + (name == null || name.isEmpty() ? "local" : SearchUrls.pathSegment(name));
  }

  public List<Identifier> identifiers() {
    List<Identifier> ids = new ArrayList<>();
    if (hasOid()) {
      ids.add(new Identifier().setSystem(URI_SYSTEM).setValue("urn:oid:" + universalId));
    }
    ids.add(new Identifier().setSystem(FACILITY_SYSTEM).setValue(key()));
    return ids;
  }

  public String name() {
    return key();
  }
}
