package cn.healthcard.hub.mappings.hl7v2.bundle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.BundleType;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Resource;

/**
 * Collects the entries of one idempotent transaction: conditional creates ({@code POST} with
 * {@code ifNoneExist}), conditional updates ({@code PUT Type?identifier=...}) and updates of
 * hub-minted ids ({@code PUT Type/id}). Every fullUrl is a {@code urn:uuid:} name-based UUID of
 * (sending facility, control id, entry index): the same message always gives the same Bundle,
 * and no fullUrl is derived from a name or an identity number. An entry asked for twice (the
 * same conditional URL) is added once and its fullUrl returned again.
 */
public final class TransactionBuilder {

  private final String facility;
  private final String controlId;
  private final List<BundleEntryComponent> entries = new ArrayList<>();
  private final Map<String, String> byCondition = new LinkedHashMap<>();

  public TransactionBuilder(String facility, String controlId) {
    this.facility = facility;
    this.controlId = controlId;
  }

  /** POST with If-None-Exist: created only when no resource matches {@code query}. */
  public String createIfNoneExist(Resource resource, String query) {
    String key = "POST " + resource.fhirType() + "?" + query;
    String existing = byCondition.get(key);
    if (existing != null) {
      return existing;
    }
    BundleEntryComponent e = add(resource);
    e.getRequest().setMethod(HTTPVerb.POST).setUrl(resource.fhirType()).setIfNoneExist(query);
    byCondition.put(key, e.getFullUrl());
    return e.getFullUrl();
  }

  /** PUT to a search URL: updates the match, creates when there is none. */
  public String updateWhere(Resource resource, String query) {
    String url = resource.fhirType() + "?" + query;
    String key = "PUT " + url;
    String existing = byCondition.get(key);
    if (existing != null) {
      return existing;
    }
    BundleEntryComponent e = add(resource);
    e.getRequest().setMethod(HTTPVerb.PUT).setUrl(url);
    byCondition.put(key, e.getFullUrl());
    return e.getFullUrl();
  }

  /**
   * PATCH of the one resource matching {@code query} with a FHIRPath Patch ({@code patch} is the
   * {@code Parameters} of the patch). The entry gets no fullUrl: nothing may refer to it, and the
   * server drops it when nothing matches (a change to something the hub never received changes
   * nothing), which a plain conditional PATCH would turn into a failed transaction.
   */
  public void patchWhere(String type, String query, Parameters patch) {
    BundleEntryComponent e = new BundleEntryComponent();
    e.setResource(patch);
    e.getRequest().setMethod(HTTPVerb.PATCH).setUrl(type + "?" + query);
    entries.add(e);
  }

  /** PUT to a hub-minted id (for resources without business identifiers: Binary, Provenance). */
  public String updateById(Resource resource, String id) {
    resource.setId(id);
    BundleEntryComponent e = add(resource);
    e.getRequest().setMethod(HTTPVerb.PUT).setUrl(resource.fhirType() + "/" + id);
    return e.getFullUrl();
  }

  /** The fullUrl the next entry will get. */
  public String nextFullUrl() {
    return fullUrl(entries.size());
  }

  private String fullUrl(int index) {
    return "urn:uuid:" + NameBasedUuid.of(facility, controlId, Integer.toString(index));
  }

  private BundleEntryComponent add(Resource resource) {
    BundleEntryComponent e = new BundleEntryComponent();
    e.setFullUrl(fullUrl(entries.size()));
    e.setResource(resource);
    entries.add(e);
    return e;
  }

  /** The resources added so far, in order. */
  public List<BundleEntryComponent> entries() {
    return List.copyOf(entries);
  }

  public Bundle build() {
    Bundle b = new Bundle();
    b.setType(BundleType.TRANSACTION);
    entries.forEach(b::addEntry);
    return b;
  }
}
