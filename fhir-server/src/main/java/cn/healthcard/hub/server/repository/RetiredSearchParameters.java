package cn.healthcard.hub.server.repository;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.model.util.JpaConstants;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Built-in FHIR search parameters the hub does not index ({@code hub.fhir.retired-search-parameters}).
 *
 * <p>HAPI extracts every built-in search parameter of a resource on every write (twice for a new
 * resource in a transaction) and stores a row per value; an Observation has 46 of them, 18 of which
 * (composites, "combo-" and "component-" duplicates of code and value) nobody asks this hub for.
 * HAPI's seam for switching a built-in parameter off is a stored SearchParameter with the
 * built-in's canonical URL and status {@code retired}: the registry then drops the parameter, so
 * it is neither extracted, stored, searchable (a search by it gets 400) nor listed in the
 * CapabilityStatement.
 *
 * <p>The retired copies are stored under ids starting with {@value #ID_PREFIX}. Taking a parameter
 * off the list deletes its copy at the next start: the built-in parameter is back and HAPI
 * reindexes that resource type so searches by it see the resources stored meanwhile. Retiring one
 * does not reindex: the rows already written stay, unread.
 */
public final class RetiredSearchParameters {
  private static final Logger log = LoggerFactory.getLogger(RetiredSearchParameters.class);

  static final String ID_PREFIX = "retired-";
  static final String BUILT_IN_BASE = "http://hl7.org/fhir/SearchParameter/";

  /** The built-in parameters, from the same source HAPI's registry reads them from. */
  private final Map<String, SearchParameter> builtInByUrl = new LinkedHashMap<>();

  public RetiredSearchParameters(FhirContext fhirContext) {
    FhirContext cached = FhirContext.forCached(fhirContext.getVersion().getVersion());
    for (IBaseResource resource : cached.getValidationSupport().fetchAllSearchParameters()) {
      SearchParameter sp = (SearchParameter) resource;
      builtInByUrl.putIfAbsent(sp.getUrl(), sp);
    }
  }

  /** {@code Observation-combo-code} is short for the built-in's canonical URL. */
  static String canonicalUrl(String entry) {
    String trimmed = entry.trim();
    return trimmed.contains("/") ? trimmed : BUILT_IN_BASE + trimmed;
  }

  /**
   * The stored copy that retires a built-in parameter: its URL, code, bases, type, expression and
   * components, status {@code retired}.
   *
   * @throws IllegalArgumentException naming the entry when no built-in parameter has that URL
   */
  SearchParameter retiredCopy(String entry) {
    String url = canonicalUrl(entry);
    SearchParameter builtIn = builtInByUrl.get(url);
    if (builtIn == null) {
      throw new IllegalArgumentException(
          "hub.fhir.retired-search-parameters: no built-in FHIR R4 search parameter has the URL " + url);
    }
    SearchParameter sp = new SearchParameter();
    sp.setId(ID_PREFIX + url.substring(url.lastIndexOf('/') + 1));
    sp.setUrl(url);
    sp.setName(builtIn.getName());
    sp.setCode(builtIn.getCode());
    sp.setStatus(Enumerations.PublicationStatus.RETIRED);
    sp.setDescription("Not indexed by this hub (hub.fhir.retired-search-parameters)");
    builtIn.getBase().forEach(base -> sp.addBase(base.getValueAsString()));
    sp.setType(builtIn.getType());
    sp.setExpression(builtIn.getExpression());
    builtIn.getTarget().forEach(target -> sp.addTarget(target.getValueAsString()));
    for (SearchParameter.SearchParameterComponentComponent component : builtIn.getComponent()) {
      sp.addComponent().setDefinition(component.getDefinition()).setExpression(component.getExpression());
    }
    return sp;
  }

  /**
   * Stores the retired copies that are missing and deletes those no longer listed; refreshes the
   * registry when anything changed. Idempotent: a restart with the same list writes nothing.
   *
   * @return how many copies were stored or deleted
   */
  public int apply(List<String> entries, DaoRegistry daoRegistry, ISearchParamRegistry registry) {
    Map<String, SearchParameter> wanted = new LinkedHashMap<>();
    for (String entry : entries) {
      if (!entry.isBlank()) {
        SearchParameter copy = retiredCopy(entry);
        wanted.put(copy.getIdElement().getIdPart(), copy);
      }
    }
    IFhirResourceDao<SearchParameter> dao = daoRegistry.getResourceDao(SearchParameter.class);
    Map<String, SearchParameter> stored = storedCopies(dao);

    // retiring: the rows already written stay unread; reindexing every Observation for that
    // would cost an operator hours on a loaded repository and gain nothing
    SystemRequestDetails retiring = new SystemRequestDetails();
    retiring.getUserData().put(JpaConstants.SKIP_REINDEX_ON_UPDATE, Boolean.TRUE);
    int changed = 0;
    for (SearchParameter copy : wanted.values()) {
      SearchParameter existing = stored.get(copy.getIdElement().getIdPart());
      if (existing == null || !copy.equalsDeep(withoutMeta(existing))) {
        dao.update(copy, retiring);
        changed++;
      }
    }
    // restoring: the built-in is back, and HAPI's reindex job indexes what was stored meanwhile
    for (Map.Entry<String, SearchParameter> old : stored.entrySet()) {
      if (!wanted.containsKey(old.getKey())) {
        dao.delete(old.getValue().getIdElement().toUnqualifiedVersionless(), new SystemRequestDetails());
        changed++;
      }
    }
    if (changed > 0) {
      registry.forceRefresh();
    }
    log.info(
        "Search parameters: {} built-in parameters retired (not indexed), {} changed at this start",
        wanted.size(),
        changed);
    return changed;
  }

  private static Map<String, SearchParameter> storedCopies(IFhirResourceDao<SearchParameter> dao) {
    SearchParameterMap retired = SearchParameterMap.newSynchronous();
    retired.add(SearchParameter.SP_STATUS, new TokenParam(Enumerations.PublicationStatus.RETIRED.toCode()));
    IBundleProvider found = dao.search(retired, new SystemRequestDetails());
    Map<String, SearchParameter> stored = new LinkedHashMap<>();
    for (IBaseResource resource : found.getAllResources()) {
      SearchParameter sp = (SearchParameter) resource;
      String id = sp.getIdElement().getIdPart();
      if (id.startsWith(ID_PREFIX)) {
        stored.put(id, sp);
      }
    }
    return stored;
  }

  private static SearchParameter withoutMeta(SearchParameter stored) {
    SearchParameter copy = stored.copy();
    copy.setMeta(null);
    copy.setIdElement(copy.getIdElement().toUnqualifiedVersionless().withResourceType(null));
    return copy;
  }
}
