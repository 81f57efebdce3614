package cn.healthcard.hub.server.terminology;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import cn.healthcard.hub.terminology.Terminology;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MetadataResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the hub's code systems, value sets and concept maps into the repository at startup, under
 * their fixed ids. Idempotent: a resource whose stored content is unchanged is left alone (no new
 * version, no re-indexing of its concepts); a changed one (new edition) is updated in place.
 */
public final class TerminologyLoader {
  private static final Logger log = LoggerFactory.getLogger(TerminologyLoader.class);

  private final DaoRegistry daoRegistry;
  private final IParser parser;

  public TerminologyLoader(DaoRegistry daoRegistry) {
    this.daoRegistry = daoRegistry;
    this.parser = daoRegistry.getFhirContext().newJsonParser();
  }

  /** Loads everything; returns how many resources were created or updated. */
  public int load(Terminology terminology) {
    long start = System.nanoTime();
    List<MetadataResource> resources = terminology.resources();
    int written = 0;
    for (MetadataResource resource : resources) {
      if (store(resource)) {
        written++;
      }
    }
    log.info(
        "Terminology: {} resources, {} created or updated, in {} ms",
        resources.size(),
        written,
        (System.nanoTime() - start) / 1_000_000);
    return written;
  }

  @SuppressWarnings("unchecked")
  private boolean store(MetadataResource resource) {
    IFhirResourceDao<IBaseResource> dao =
        (IFhirResourceDao<IBaseResource>) daoRegistry.getResourceDao(resource.fhirType());
    SystemRequestDetails request = new SystemRequestDetails();
    String id = resource.getIdElement().getIdPart();
    try {
      IBaseResource stored = dao.read(new IdType(resource.fhirType(), id), request);
      if (sameContent(stored, resource)) {
        return false;
      }
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      // first start, or a new resource in this edition
    }
    resource.setId(new IdType(resource.fhirType(), id));
    dao.update(resource, request);
    log.info("Terminology: stored {} {} version {}", resource.fhirType(), resource.getUrl(), resource.getVersion());
    return true;
  }

  private boolean sameContent(IBaseResource stored, MetadataResource candidate) {
    MetadataResource a = (MetadataResource) stored;
    MetadataResource copyA = a.copy();
    MetadataResource copyB = candidate.copy();
    for (MetadataResource r : List.of(copyA, copyB)) {
      r.setMeta(null);
      r.setIdElement(null);
      r.setText(null);
    }
    return parser.encodeResourceToString(copyA).equals(parser.encodeResourceToString(copyB));
  }
}
